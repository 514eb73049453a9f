/**
 * EC2 labels end to end (docs/decisions.md "EC2 labels (issue 15)"): the real SDK clients (ECS
 * JSON 1.1, EC2 Query/XML) against the AWS double, a bridge-mode task on an EC2 host with a public
 * IP and tags, an awsvpc task on EC2, Fargate tasks with and without a public IP, ECS Anywhere; the
 * calls each costs, the 10-minute re-read of mutable facts, and `MetaLabels=compact`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscoverDetailed } from '../../lambda/discover.ts';
import { createTtlCache, TOP_LEVEL_TTL_MS } from '../../lambda/inventory/ttl-cache.ts';
import {
  type AwsDouble,
  defineFleet,
  type FleetSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';

const opened: { double: AwsDouble; destroy: () => void }[] = [];
afterEach(async () => {
  for (const { double, destroy } of opened.splice(0)) {
    destroy();
    await double.close();
  }
});

const setup = async (spec: FleetSpec, env: Record<string, string> = {}) => {
  let clock = 0;
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const discover = createDiscoverDetailed(loadConfig({ DiscoveryOptions__EcsClusters: 'ec2', ...env }), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery, ec2: clients.ec2 },
    cache: createTtlCache(() => clock),
    now: () => clock,
  });
  return { double, discover, advance: (ms: number) => (clock += ms) };
};

const HOST = {
  id: 'ci-a',
  ec2InstanceId: 'i-0aaaaaaaaaaaaaaaa',
  ip: '10.1.0.10',
  instanceType: 'c7i.large',
  publicIp: '198.51.100.10',
  subnetId: 'subnet-0host',
  tags: { Name: 'ecs-host-a', 'aws:autoscaling:groupName': 'asg-a', __scheme__: 'https' },
};

const FLEET: FleetSpec = {
  clusters: [
    {
      name: 'ec2',
      containerInstances: [HOST, { id: 'ci-x', ec2InstanceId: null, ip: '192.168.0.9' }],
      services: [
        {
          name: 'bridge',
          network: 'bridge',
          tags: { METRICS_PORT: '8080' },
          tasks: [
            { id: 'b1', containerInstance: 'ci-a', bindings: [{ containerPort: 8080, hostPort: 32768 }] },
          ],
        },
        {
          name: 'vpc-ec2',
          launchType: 'EC2',
          tags: { METRICS_PORT: '8080' },
          tasks: [{ id: 'v1', ip: '10.2.0.6', containerInstance: 'ci-a' }],
        },
        {
          name: 'fargate',
          tags: { METRICS_PORT: '8080' },
          tasks: [
            { id: 'f1', ip: '10.2.0.7', publicIp: '203.0.113.70' },
            { id: 'f2', ip: '10.2.0.8' },
          ],
        },
        {
          name: 'anywhere',
          network: 'host',
          launchType: 'EXTERNAL',
          tags: { METRICS_PORT: '8080' },
          tasks: [{ id: 'x1', containerInstance: 'ci-x' }],
        },
      ],
    },
  ],
};

type Group = { targets: string[]; labels: Record<string, string> };

const EC2_LABEL = /^__meta_ecs_(container_instance_arn|ec2_instance_|public_ip|subnet_id|tag_ec2_)/;

/** Per target: service, address, and its EC2 labels. */
const ec2LabelsOf = (body: string): Record<string, string>[] =>
  (JSON.parse(body) as Group[]).map((g) => ({
    target: `${g.labels._sys_ecs_service} ${g.targets[0]}`,
    ...Object.fromEntries(Object.entries(g.labels).filter(([name]) => EC2_LABEL.test(name))),
  }));

const INSTANCE_ARN = 'arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/ci-a';
const HOST_LABELS = {
  __meta_ecs_container_instance_arn: INSTANCE_ARN,
  __meta_ecs_ec2_instance_id: 'i-0aaaaaaaaaaaaaaaa',
  __meta_ecs_ec2_instance_private_ip: '10.1.0.10',
  __meta_ecs_ec2_instance_public_ip: '198.51.100.10',
  __meta_ecs_ec2_instance_type: 'c7i.large',
  __meta_ecs_tag_ec2___scheme__: 'https',
  __meta_ecs_tag_ec2_aws_autoscaling_groupName: 'asg-a',
  __meta_ecs_tag_ec2_Name: 'ecs-host-a',
};

describe('EC2 labels through the double', () => {
  it('labels a bridge task on EC2, an awsvpc task on EC2 and Fargate tasks as Prometheus does', async () => {
    // Prepare
    const { double, discover } = await setup(FLEET);

    // Act
    const result = await discover();

    // Assess
    // Services in name order; the double derives an ENI's subnet from the task's zone (a, b, …).
    const labels = ec2LabelsOf(result.body);
    const [zoneA, zoneB] = [labels[1]?.__meta_ecs_subnet_id, labels[2]?.__meta_ecs_subnet_id];
    expect(labels).toEqual([
      {
        target: 'bridge 10.1.0.10:32768',
        ...HOST_LABELS,
        __meta_ecs_public_ip: '198.51.100.10',
        __meta_ecs_subnet_id: 'subnet-0host',
      },
      { target: 'fargate 10.2.0.7:8080', __meta_ecs_public_ip: '203.0.113.70', __meta_ecs_subnet_id: zoneA },
      { target: 'fargate 10.2.0.8:8080', __meta_ecs_subnet_id: zoneB },
      // awsvpc on EC2: the host's facts, but subnet and (absent) public IP are its ENI's.
      { target: 'vpc-ec2 10.2.0.6:8080', ...HOST_LABELS, __meta_ecs_subnet_id: zoneA },
    ]);
    expect(zoneA).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(zoneB).not.toBe(zoneA);
    // The EC2 tag `__scheme__` stays inside its family: the target keeps its plain scheme.
    const bridge = (JSON.parse(result.body) as Group[])[0];
    expect(bridge?.labels.__scheme__).toBeUndefined();
    expect(result.skipped.external_instance).toBe(1);
    expect(double.calls()).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
      'ecs:DescribeContainerInstances': 1,
      'ec2:DescribeInstances': 1,
      'ec2:DescribeNetworkInterfaces': 1,
    });
  });

  it('keeps the facts for 10 minutes, then re-reads instances and ENIs and shows what changed', async () => {
    // Prepare
    const { double, discover, advance } = await setup(FLEET);
    const first = await discover();
    const changed: FleetSpec = {
      clusters: [
        {
          ...FLEET.clusters![0]!,
          containerInstances: [
            { ...HOST, publicIp: '198.51.100.99', tags: { Name: 'renamed' } },
            FLEET.clusters![0]!.containerInstances![1]!,
          ],
        },
      ],
    };
    double.setFleet(changed);
    double.resetCalls();

    // Act
    advance(TOP_LEVEL_TTL_MS - 1);
    const warm = await discover();
    const warmCalls = double.calls();
    advance(1);
    double.resetCalls();
    const expired = await discover();

    // Assess: within the TTL nothing of EC2 is read and the labels stay; after it, one call each.
    expect(warm.body).toBe(first.body);
    expect(warmCalls['ec2:DescribeInstances']).toBeUndefined();
    expect(warmCalls['ec2:DescribeNetworkInterfaces']).toBeUndefined();
    expect(warmCalls['ecs:DescribeContainerInstances']).toBeUndefined();
    expect(double.calls()['ec2:DescribeInstances']).toBe(1);
    expect(double.calls()['ec2:DescribeNetworkInterfaces']).toBe(1);
    // The container instance → EC2 instance link never changes: not read again.
    expect(double.calls()['ecs:DescribeContainerInstances']).toBeUndefined();
    const [bridge] = ec2LabelsOf(expired.body);
    expect(bridge).toMatchObject({
      __meta_ecs_ec2_instance_public_ip: '198.51.100.99',
      __meta_ecs_public_ip: '198.51.100.99',
      __meta_ecs_tag_ec2_Name: 'renamed',
    });
    expect(bridge?.__meta_ecs_tag_ec2_aws_autoscaling_groupName).toBeUndefined();
  });

  it('re-reads the mutable facts every refresh without CacheTopLevelResources', async () => {
    // Prepare
    const { double, discover } = await setup(FLEET, { DiscoveryOptions__CacheTopLevelResources: 'false' });
    await discover();
    double.resetCalls();

    // Act
    await discover();

    // Assess
    expect(double.calls()['ec2:DescribeInstances']).toBe(1);
    expect(double.calls()['ec2:DescribeNetworkInterfaces']).toBe(1);
    expect(double.calls()['ecs:DescribeContainerInstances']).toBeUndefined();
  });

  it('MetaLabels=compact: no EC2 label, no ENI read, and only bridge/host container instances', async () => {
    // Prepare
    const { double, discover } = await setup(
      {
        clusters: [
          {
            ...FLEET.clusters![0]!,
            // Only the awsvpc task on EC2 and Fargate: nothing needs a host address.
            services: FLEET.clusters![0]!.services!.filter(
              (s) => s.name === 'vpc-ec2' || s.name === 'fargate',
            ),
          },
        ],
      },
      { DiscoveryOptions__MetaLabels: 'compact' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(ec2LabelsOf(result.body).map((g) => Object.keys(g))).toEqual([['target'], ['target'], ['target']]);
    expect(double.calls()['ecs:DescribeContainerInstances']).toBeUndefined();
    expect(double.calls()['ec2:DescribeInstances']).toBeUndefined();
    expect(double.calls()['ec2:DescribeNetworkInterfaces']).toBeUndefined();
  });

  it('Ec2HostAddresses=false: no EC2 read at all, only the container instance ARN from DescribeTasks', async () => {
    // Prepare
    const { double, discover } = await setup(FLEET, { DiscoveryOptions__Ec2HostAddresses: 'false' });

    // Act
    const result = await discover();

    // Assess: the bridge task is skipped (no host address); the awsvpc task on EC2 keeps its target.
    const labels = ec2LabelsOf(result.body);
    expect(labels.map((g) => g.target)).toEqual([
      'fargate 10.2.0.7:8080',
      'fargate 10.2.0.8:8080',
      'vpc-ec2 10.2.0.6:8080',
    ]);
    expect(labels[2]).toEqual({
      target: 'vpc-ec2 10.2.0.6:8080',
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_subnet_id: labels[0]?.__meta_ecs_subnet_id,
    });
    expect(labels[0]?.__meta_ecs_public_ip).toBeUndefined();
    expect(Object.keys(double.calls()).filter((op) => op.startsWith('ec2:'))).toEqual([]);
    expect(double.calls()['ecs:DescribeContainerInstances']).toBeUndefined();
  });

  it('gives a byte-identical body for an unchanged fleet', async () => {
    // Prepare
    const a = await setup(FLEET, { DiscoveryOptions__CacheTopLevelResources: 'false' });
    const b = await setup(FLEET, { DiscoveryOptions__CacheTopLevelResources: 'false' });

    // Act
    const [first, second] = [await a.discover(), await b.discover()];

    // Assess
    expect(second.body).toBe(first.body);
  });
});
