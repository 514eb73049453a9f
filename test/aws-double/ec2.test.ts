/**
 * The double's container-instance and EC2 operations through the real SDK clients: ECS JSON 1.1 for
 * DescribeContainerInstances, the EC2 Query protocol (form body, XML answer) for DescribeInstances
 * and DescribeNetworkInterfaces.
 */
import { DescribeInstancesCommand, DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DescribeContainerInstancesCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsDouble, type DoubleClients, makeClients, startAwsDouble } from './index.ts';

let double: AwsDouble;
let clients: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble({
    clusters: [
      {
        name: 'ec2',
        containerInstances: [
          {
            id: 'ci-a',
            ec2InstanceId: 'i-0aaaaaaaaaaaaaaaa',
            ip: '10.1.0.10',
            ipv6: '2001:db8::10',
            instanceType: 'c7i.xlarge',
            publicIp: '198.51.100.10',
            subnetId: 'subnet-0a',
            tags: { Name: 'host a', 'aws:autoscaling:groupName': 'asg' },
          },
          { id: 'ci-x', ec2InstanceId: null },
          { id: 'ci-gone', ec2InstanceId: 'i-0dddddddddddddddd', inEc2: false },
          { id: 'ci-b', ec2InstanceId: 'i-0bbbbbbbbbbbbbbbb' },
          { id: 'ci-c', ec2InstanceId: 'i-0cccccccccccccccc' },
        ],
        services: [
          { name: 'web', network: 'bridge', tasks: [{ id: 't1', containerInstance: 'ci-a' }] },
          {
            name: 'api',
            tasks: [
              { id: 'f1', publicIp: '203.0.113.77' },
              { id: 'f2' },
              { id: 'f3', lastStatus: 'STOPPED', desiredStatus: 'STOPPED', publicIp: '203.0.113.78' },
              { id: 'e1', launchType: 'EC2', containerInstance: 'ci-b' },
            ],
          },
        ],
      },
    ],
  });
  clients = makeClients(double, { maxAttempts: 1 });
});

afterAll(async () => {
  clients.destroy();
  await double.close();
});

describe('ecs:DescribeContainerInstances', () => {
  it('reports the EC2 instance id, an mi- id for ECS Anywhere and MISSING for an unknown id', async () => {
    // Act
    const out = await clients.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: ['ci-a', 'ci-x', 'nope'] }),
    );

    // Assess
    expect(
      out.containerInstances?.map((c) => [c.containerInstanceArn, c.ec2InstanceId?.slice(0, 3)]),
    ).toEqual([
      ['arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/ci-a', 'i-0'],
      ['arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/ci-x', 'mi-'],
    ]);
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/nope', reason: 'MISSING' },
    ]);
  });

  it('puts the container instance and the bridge bindings on the task', async () => {
    // Act
    const out = await clients.ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: ['t1'] }));

    // Assess
    const task = out.tasks?.[0];
    expect(task?.containerInstanceArn).toBe('arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/ci-a');
    expect(task?.attachments).toEqual([]);
    expect(task?.containers?.[0]?.networkBindings).toEqual([
      { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32768, protocol: 'tcp' },
    ]);
  });
});

describe('ec2:DescribeInstances', () => {
  it('answers in EC2 XML that the SDK parses into reservations', async () => {
    // Act
    const out = await clients.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: ['i-0aaaaaaaaaaaaaaaa'] }),
    );

    // Assess
    const instance = out.Reservations?.[0]?.Instances?.[0];
    expect([
      instance?.InstanceId,
      instance?.PrivateIpAddress,
      instance?.Ipv6Address,
      instance?.State?.Name,
    ]).toEqual(['i-0aaaaaaaaaaaaaaaa', '10.1.0.10', '2001:db8::10', 'running']);
    expect(double.calls()['ec2:DescribeInstances']).toBe(1);
  });

  it.each([
    [{ InstanceIds: ['i-0dddddddddddddddd'] }, 'InvalidInstanceID.NotFound'],
    [{ InstanceIds: ['i-0aaaaaaaaaaaaaaaa'], MaxResults: 5 }, 'InvalidParameterCombination'],
    [{ InstanceIds: Array.from({ length: 1001 }, (_, i) => `i-${i}`) }, 'InvalidParameterValue'],
  ])('rejects %j with %s', async (input, code) => {
    // Act / Assess
    await expect(clients.ec2.send(new DescribeInstancesCommand(input))).rejects.toMatchObject({ name: code });
  });
});

describe('EC2 facts of generated container instances', () => {
  it('gives every instance a type, the even ones a public IP and most a Name tag', async () => {
    // Act: ci-b is index 3 (odd: no public IP), ci-c index 4 (even); ci-a declares its own.
    const out = await clients.ec2.send(
      new DescribeInstancesCommand({
        InstanceIds: ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb', 'i-0cccccccccccccccc'],
      }),
    );

    // Assess
    const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(
      instances.map((i) => [
        i.InstanceId,
        i.InstanceType,
        i.PublicIpAddress,
        i.SubnetId?.slice(0, 7),
        i.Tags,
      ]),
    ).toEqual([
      [
        'i-0aaaaaaaaaaaaaaaa',
        'c7i.xlarge',
        '198.51.100.10',
        'subnet-',
        [
          { Key: 'Name', Value: 'host a' },
          { Key: 'aws:autoscaling:groupName', Value: 'asg' },
        ],
      ],
      ['i-0bbbbbbbbbbbbbbbb', 'm7g.large', undefined, 'subnet-', [{ Key: 'Name', Value: 'ec2-host-3' }]],
      ['i-0cccccccccccccccc', 'm7g.large', '203.0.113.14', 'subnet-', [{ Key: 'Name', Value: 'ec2-host-4' }]],
    ]);
  });

  it('runs an awsvpc task given a container instance on that EC2 host, with an ENI', async () => {
    // Act
    const out = await clients.ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: ['e1'] }));

    // Assess
    const task = out.tasks?.[0];
    expect(task?.containerInstanceArn).toBe('arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/ci-b');
    expect(task?.launchType).toBe('EC2');
    expect(task?.attachments?.[0]?.type).toBe('ElasticNetworkInterface');
  });
});

describe('ec2:DescribeNetworkInterfaces', () => {
  const eniOf = async (id: string) => {
    const out = await clients.ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [id] }));
    return (
      out.tasks?.[0]?.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value ?? ''
    );
  };

  it('answers a filter by id with each live ENI and its public IP; stopped and unknown ones are absent', async () => {
    // Prepare
    const [f1, f2, f3] = [await eniOf('f1'), await eniOf('f2'), await eniOf('f3')];

    // Act
    const out = await clients.ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'network-interface-id', Values: [f1, f2, f3, 'eni-0000000000000000'] }],
        MaxResults: 1000,
      }),
    );

    // Assess
    expect(out.NetworkInterfaces?.map((n) => [n.NetworkInterfaceId, n.Association?.PublicIp])).toEqual([
      [f1, '203.0.113.77'],
      [f2, undefined],
    ]);
    expect(out.NextToken).toBeUndefined();
  });

  it('pages by MaxResults with a token bound to the same filter', async () => {
    // Prepare
    const enis = [await eniOf('f1'), await eniOf('f2'), await eniOf('e1')];
    const Filters = [{ Name: 'network-interface-id', Values: enis }];

    // Act
    const first = await clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters, MaxResults: 5 }));
    const all = await clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters, MaxResults: 1000 }));

    // Assess: three fit one page of 5; the token of a longer listing would carry on.
    expect(first.NetworkInterfaces?.length).toBe(3);
    expect(all.NetworkInterfaces?.map((n) => n.NetworkInterfaceId)).toEqual(enis);
  });

  it.each([
    [{ NetworkInterfaceIds: ['eni-0000000000000000'] }, 'InvalidNetworkInterfaceID.NotFound'],
    [
      {
        Filters: [
          { Name: 'network-interface-id', Values: Array.from({ length: 201 }, (_, i) => `eni-${i}`) },
        ],
      },
      'FilterLimitExceeded',
    ],
    [{ Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }, 'InvalidParameterValue'],
    [{ MaxResults: 2 }, 'InvalidParameterValue'],
  ])('rejects %j with %s', async (input, code) => {
    // Act / Assess
    await expect(clients.ec2.send(new DescribeNetworkInterfacesCommand(input))).rejects.toMatchObject({
      name: code,
    });
  });
});
