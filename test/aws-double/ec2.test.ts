/**
 * The double's container-instance and EC2 operations through the real SDK clients: ECS JSON 1.1 for
 * DescribeContainerInstances, the EC2 Query protocol (form body, XML answer) for DescribeInstances.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
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
          { id: 'ci-a', ec2InstanceId: 'i-0aaaaaaaaaaaaaaaa', ip: '10.1.0.10', ipv6: '2001:db8::10' },
          { id: 'ci-x', ec2InstanceId: null },
          { id: 'ci-gone', ec2InstanceId: 'i-0dddddddddddddddd', inEc2: false },
        ],
        services: [{ name: 'web', network: 'bridge', tasks: [{ id: 't1', containerInstance: 'ci-a' }] }],
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
