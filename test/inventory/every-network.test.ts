/**
 * Every task, every network (docs/decisions.md "Every task, every network (issue 14)") end to end
 * through the real SDK clients (ECS JSON 1.1, EC2 Query/XML, Cloud Map) against the AWS double:
 * bridge/host tasks at their EC2 host with mapped ports, ECS Anywhere, IPv6 families, stand-alone
 * tasks and Cloud Map-only instances, with the AWS calls each costs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscoverDetailed } from '../../lambda/discover.ts';
import { createTtlCache } from '../../lambda/inventory/ttl-cache.ts';
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

const setup = async (spec: FleetSpec, env: Record<string, string>, withEc2 = true) => {
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const discover = createDiscoverDetailed(loadConfig(env), {
    clients: {
      ecs: clients.ecs,
      cloudMap: clients.serviceDiscovery,
      ...(withEc2 ? { ec2: clients.ec2 } : {}),
    },
    cache: createTtlCache(() => 0),
    now: () => 0,
  });
  return { double, discover };
};

type Group = { targets: string[]; labels: Record<string, string> };
const targets = (body: string) =>
  (JSON.parse(body) as Group[]).map(
    (g) => `${g.labels._sys_ecs_service ?? '-'} ${g.targets[0]} ${g.labels.instance}`,
  );

const EC2_FLEET: FleetSpec = {
  clusters: [
    {
      name: 'ec2',
      containerInstances: [
        { id: 'ci-a', ec2InstanceId: 'i-0aaaaaaaaaaaaaaaa', ip: '10.1.0.10', ipv6: '2001:db8::10' },
        { id: 'ci-b', ec2InstanceId: 'i-0bbbbbbbbbbbbbbbb', ip: '10.1.0.11' },
        { id: 'ci-x', ec2InstanceId: null, ip: '192.168.0.9' },
      ],
      services: [
        {
          name: 'bridge',
          network: 'bridge',
          tags: { METRICS_PORT: '8080', METRICS_PORT_SIDE: '9000' },
          tasks: [
            { id: 'b1', containerInstance: 'ci-a', bindings: [{ containerPort: 8080, hostPort: 32768 }] },
            {
              id: 'b2',
              containerInstance: 'ci-b',
              bindings: [
                { containerPort: 8080, hostPort: 32801 },
                { containerPort: 9000, hostPort: 32802 },
              ],
            },
          ],
        },
        {
          name: 'host',
          network: 'host',
          tags: { METRICS_PORT: '9100' },
          tasks: [
            { id: 'h1', containerInstance: 'ci-b', bindings: [{ containerPort: 8080, hostPort: 8080 }] },
          ],
        },
        {
          name: 'anywhere',
          network: 'bridge',
          launchType: 'EXTERNAL',
          tags: { METRICS_PORT: '8080' },
          tasks: [{ id: 'x1', containerInstance: 'ci-x' }],
        },
        { name: 'vpc', tags: { METRICS_PORT: '8080' }, tasks: [{ id: 'v1', ip: '10.2.0.5' }] },
      ],
    },
  ],
};

describe('EC2 bridge and host tasks', () => {
  it('scrapes bridge tasks at the host IP and mapped host port, host tasks at the host IP and the same port', async () => {
    // Prepare
    const { double, discover } = await setup(EC2_FLEET, { DiscoveryOptions__EcsClusters: 'ec2' });

    // Act
    const result = await discover();

    // Assess
    expect(targets(result.body)).toEqual([
      'bridge 10.1.0.10:32768 10.1.0.10',
      'bridge 10.1.0.11:32801 10.1.0.11',
      'bridge 10.1.0.11:32802 10.1.0.11',
      'host 10.1.0.11:9100 10.1.0.11',
      'vpc 10.2.0.5:8080 10.2.0.5',
    ]);
    // b1 has no binding for 9000 (its _SIDE group), the EXTERNAL task has no knowable address.
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 0,
      no_port: 0,
      bad_port: 0,
      unmapped_port: 1,
      external_instance: 1,
      host_address_disabled: 0,
    });
    expect(double.calls()).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
      'ecs:DescribeContainerInstances': 1,
      'ec2:DescribeInstances': 1,
      // MetaLabels=full: the public IP of the awsvpc task's ENI (docs/decisions.md "EC2 labels (issue 15)").
      'ec2:DescribeNetworkInterfaces': 1,
    });
  });

  it('keeps the instance-to-IP mapping across refreshes and reads only a new container instance', async () => {
    // Prepare
    const { double, discover } = await setup(EC2_FLEET, { DiscoveryOptions__EcsClusters: 'ec2' });
    await discover();
    double.resetCalls();

    // Act
    const warm = await discover();
    const warmCalls = double.calls();
    double.mutate(() => ({
      ...EC2_FLEET,
      clusters: [
        {
          ...EC2_FLEET.clusters![0]!,
          containerInstances: [
            ...EC2_FLEET.clusters![0]!.containerInstances!,
            { id: 'ci-c', ec2InstanceId: 'i-0cccccccccccccccc', ip: '10.1.0.12' },
          ],
          services: [
            {
              name: 'host',
              network: 'host',
              tags: { METRICS_PORT: '9100' },
              tasks: [{ id: 'h2', containerInstance: 'ci-c' }],
            },
          ],
        },
      ],
    }));
    double.resetCalls();
    const moved = await discover();

    // Assess
    expect(targets(warm.body)).toHaveLength(5);
    expect(warmCalls['ecs:DescribeContainerInstances']).toBeUndefined();
    expect(warmCalls['ec2:DescribeInstances']).toBeUndefined();
    expect(targets(moved.body)).toEqual(['host 10.1.0.12:9100 10.1.0.12']);
    expect(double.calls()['ecs:DescribeContainerInstances']).toBe(1);
    expect(double.calls()['ec2:DescribeInstances']).toBe(1);

    // The instances that ran no task in the last refresh were dropped: coming back, they are read again.
    double.setFleet(EC2_FLEET);
    double.resetCalls();
    await discover();
    expect(double.calls()['ecs:DescribeContainerInstances']).toBe(1);
    expect(double.calls()['ec2:DescribeInstances']).toBe(1);
  });

  it('skips bridge/host tasks with host_address_disabled and makes no EC2 call when Ec2HostAddresses=false', async () => {
    // Prepare
    const { double, discover } = await setup(EC2_FLEET, {
      DiscoveryOptions__EcsClusters: 'ec2',
      DiscoveryOptions__Ec2HostAddresses: 'false',
    });

    // Act
    const result = await discover();

    // Assess
    expect(targets(result.body)).toEqual(['vpc 10.2.0.5:8080 10.2.0.5']);
    expect(result.skipped.host_address_disabled).toBe(3);
    expect(result.skipped.external_instance).toBe(1);
    expect(double.calls()['ecs:DescribeContainerInstances']).toBeUndefined();
    expect(double.calls()['ec2:DescribeInstances']).toBeUndefined();
  });

  it('gives a bridge task on a dual-stack host one target per family with IpAddressFamily=dual', async () => {
    // Prepare
    const { discover } = await setup(EC2_FLEET, {
      DiscoveryOptions__EcsClusters: 'ec2',
      DiscoveryOptions__IpAddressFamily: 'dual',
    });

    // Act
    const result = await discover();

    // Assess: only ci-a has an IPv6.
    expect(targets(result.body).slice(0, 2)).toEqual([
      'bridge 10.1.0.10:32768 10.1.0.10',
      'bridge [2001:db8::10]:32768 2001:db8::10',
    ]);
  });

  it('skips an EC2-launched task whose container instance is no EC2 instance (mi-…) as external_instance', async () => {
    // Prepare
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'hybrid',
            containerInstances: [{ id: 'ci-m', ec2InstanceId: null }],
            services: [
              { name: 'svc', network: 'bridge', tags: { METRICS_PORT: '8080' }, tasks: [{ id: 'm1' }] },
            ],
          },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'hybrid' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(result.body).toBe('[]');
    expect(result.skipped.external_instance).toBe(1);
    expect(result.awsCalls['ec2:DescribeInstances']).toBeUndefined();
    expect(result.awsCalls['ecs:DescribeContainerInstances']).toBe(1);
  });

  it('fails the refresh (never a partial list) when EC2 refuses DescribeInstances', async () => {
    // Prepare
    const { double, discover } = await setup(EC2_FLEET, { DiscoveryOptions__EcsClusters: 'ec2' });
    double.inject({ operation: 'ec2:DescribeInstances', error: 'AccessDeniedException', times: 'always' });

    // Act / Assess
    await expect(discover()).rejects.toThrow('Discovery failed');
  });
});

const IPV6_FLEET: FleetSpec = {
  clusters: [
    {
      name: 'v6',
      services: [
        {
          name: 'web',
          tags: { METRICS_PORT: '8080' },
          tasks: [
            { id: 'dual', ip: '10.3.0.1', ipv6: '2001:db8::1' },
            { id: 'only6', ip: null, ipv6: '2001:db8::2', addressIn: 'container' },
            { id: 'only4', ip: '10.3.0.3' },
          ],
        },
      ],
    },
  ],
};

describe('IpAddressFamily', () => {
  it.each([
    [
      'ipv4',
      ['web 10.3.0.1:8080 10.3.0.1', 'web 10.3.0.3:8080 10.3.0.3', 'web [2001:db8::2]:8080 2001:db8::2'],
      0,
    ],
    ['ipv6', ['web [2001:db8::1]:8080 2001:db8::1', 'web [2001:db8::2]:8080 2001:db8::2'], 1],
    [
      'dual',
      [
        'web 10.3.0.1:8080 10.3.0.1',
        'web [2001:db8::1]:8080 2001:db8::1',
        'web 10.3.0.3:8080 10.3.0.3',
        'web [2001:db8::2]:8080 2001:db8::2',
      ],
      0,
    ],
  ])('%s gives the expected targets', async (family, expected, noAddress) => {
    // Prepare
    const { discover } = await setup(IPV6_FLEET, {
      DiscoveryOptions__EcsClusters: 'v6',
      DiscoveryOptions__IpAddressFamily: family,
    });

    // Act
    const result = await discover();

    // Assess (tasks in ARN order: dual, only4, only6)
    expect(targets(result.body)).toEqual(expected);
    expect(result.skipped.no_address).toBe(noAddress);
  });

  it('rejects an unknown family naming the variable', () => {
    expect(() =>
      loadConfig({ DiscoveryOptions__EcsClusters: 'a', DiscoveryOptions__IpAddressFamily: 'ipv5' }),
    ).toThrow('DiscoveryOptions__IpAddressFamily="ipv5" is invalid: expected ipv4, ipv6 or dual');
  });
});

const STANDALONE_FLEET: FleetSpec = {
  clusters: [
    {
      name: 'jobs',
      services: [
        { name: 'api', tags: { METRICS_PORT: '8080', select: 'no' }, tasks: [{ id: 's1', ip: '10.4.0.1' }] },
      ],
      standaloneTasks: [
        {
          id: 'j1',
          ip: '10.4.0.2',
          group: 'family:nightly',
          startedBy: 'events-rule/nightly',
          tags: { METRICS_PORT: '9100', team: 'data' },
        },
        { id: 'j2', ip: '10.4.0.3', group: 'family:adhoc' },
      ],
    },
  ],
};

describe('EcsIncludeStandaloneTasks', () => {
  it('emits tagged stand-alone tasks with group and startedBy, listing the cluster once; selectors do not apply', async () => {
    // Prepare
    const { double, discover } = await setup(STANDALONE_FLEET, {
      DiscoveryOptions__EcsClusters: 'jobs',
      DiscoveryOptions__EcsIncludeStandaloneTasks: 'true',
      DiscoveryOptions__EcsServiceSelectorTags: 'select=yes',
    });

    // Act
    const result = await discover();
    const groups = JSON.parse(result.body) as Group[];

    // Assess: the service is not selected, the untagged job has no port.
    expect(groups.map((g) => g.targets[0])).toEqual(['10.4.0.2:9100']);
    expect(groups[0]?.labels).toMatchObject({
      _sys_ecs_cluster: 'jobs',
      _sys_ecs_task: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/j1',
      _sys_ecs_task_group: 'family:nightly',
      team: 'data',
    });
    expect(groups[0]?.labels._sys_ecs_service).toBeUndefined();
    expect(result.skipped.no_port).toBe(1);
    expect(result.snapshot.clusters[0]?.standaloneTasks?.[0]).toMatchObject({
      group: 'family:nightly',
      startedBy: 'events-rule/nightly',
    });
    expect(double.calls()).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
      // One call for the public IPs of every task ENI of the cluster (MetaLabels=full).
      'ec2:DescribeNetworkInterfaces': 1,
    });
  });

  it('changes nothing without the option: service targets only, listed per service', async () => {
    // Prepare
    const { double, discover } = await setup(STANDALONE_FLEET, { DiscoveryOptions__EcsClusters: 'jobs' });

    // Act
    const result = await discover();

    // Assess
    expect(targets(result.body)).toEqual(['api 10.4.0.1:8080 10.4.0.1']);
    // MetaLabels=full gives every task Prometheus' `__meta_ecs_task_group` (`service:api`); the
    // stand-alone labels stay off.
    expect(result.body).not.toContain('_sys_ecs_task_group');
    expect(result.body).not.toContain('task_started_by');
    expect(result.body).toContain('"__meta_ecs_task_group":"service:api"');
    expect(double.calls()['ecs:ListTasks']).toBe(1);
    expect(double.calls()['ecs:DescribeTasks']).toBe(1);
  });
});

const CLOUD_MAP_FLEET: FleetSpec = {
  clusters: [
    {
      name: 'c1',
      services: [
        {
          name: 'web',
          tags: { METRICS_PORT: '8080' },
          tasks: [{ id: 't1', ip: '10.5.0.1' }],
          serviceDiscovery: { namespace: 'corp.local' },
        },
      ],
    },
  ],
  namespaces: [
    {
      name: 'corp.local',
      tags: { env: 'prod' },
      services: [
        {
          name: 'legacy',
          tags: { METRICS_PORT: '9100', METRICS_PATH: '/m' },
          instances: [
            { id: 'vm-1', ip: '10.6.0.1', attributes: { 'rack:id': 'r7' } },
            { id: 'vm-2', ip: '10.6.0.2', attributes: { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' } },
          ],
        },
        {
          name: 'onprem',
          instances: Array.from({ length: 150 }, (_, i) => ({
            id: `op-${String(i).padStart(3, '0')}`,
            ip: `10.7.${Math.floor(i / 200)}.${(i % 200) + 1}`,
            port: 9200,
          })),
        },
        { name: 'noport', instances: [{ id: 'np-1', ip: '10.8.0.1' }] },
      ],
    },
  ],
};

describe('CloudMapInstanceTargets', () => {
  it('emits non-ECS instances (past 100 per service) at their port tags or AWS_INSTANCE_PORT; ECS-owned instances only through their task', async () => {
    // Prepare
    const { double, discover } = await setup(CLOUD_MAP_FLEET, {
      DiscoveryOptions__CloudMapNamespaces: 'corp.local',
      DiscoveryOptions__CloudMapInstanceTargets: 'true',
    });

    // Act
    const result = await discover();
    const groups = JSON.parse(result.body) as Group[];

    // Assess
    expect(groups).toHaveLength(1 + 2 + 150);
    expect(groups[0]?.targets).toEqual(['10.5.0.1:8080']);
    expect(groups.filter((g) => g.targets[0] === '10.5.0.1:8080')).toHaveLength(1);
    expect(groups[1]).toEqual({
      targets: ['10.6.0.1:9100'],
      labels: {
        __metrics_path__: '/m',
        instance: '10.6.0.1',
        __meta_cloudmap_instance_attribute_AWS_INSTANCE_IPV4: '10.6.0.1',
        __meta_cloudmap_instance_attribute_rack_id: 'r7',
        __meta_cloudmap_service_instance_id: 'vm-1',
        __meta_cloudmap_service_name: 'legacy',
        __meta_cloudmap_service_type: 'ServiceDiscovery',
        _sys_cloudmap_service_instance_id: 'vm-1',
        _sys_cloudmap_service_name: 'legacy',
        _sys_cloudmap_service_type: 'ServiceDiscovery',
        env: 'prod',
      },
    });
    expect(groups[3]?.targets).toEqual(['10.7.0.1:9200']);
    expect(groups[3]?.labels.__metrics_path__).toBe('/metrics');
    // web, legacy, onprem (150 < 1,000), noport: one DiscoverInstances each, no ListInstances.
    expect(double.calls()['servicediscovery:DiscoverInstances']).toBe(4);
    expect(double.calls()['servicediscovery:ListInstances']).toBeUndefined();
  });

  it('CloudMapHealthyOnly leaves out instances registered UNHEALTHY', async () => {
    // Prepare
    const { discover } = await setup(CLOUD_MAP_FLEET, {
      DiscoveryOptions__CloudMapNamespaces: 'corp.local',
      DiscoveryOptions__CloudMapInstanceTargets: 'true',
      DiscoveryOptions__CloudMapHealthyOnly: 'true',
    });

    // Act
    const groups = JSON.parse((await discover()).body) as Group[];

    // Assess
    expect(groups.map((g) => g.targets[0]).filter((t) => t?.startsWith('10.6.'))).toEqual(['10.6.0.1:9100']);
  });

  it('changes nothing without the option', async () => {
    // Prepare
    const { discover } = await setup(CLOUD_MAP_FLEET, { DiscoveryOptions__CloudMapNamespaces: 'corp.local' });

    // Act / Assess
    expect(targets((await discover()).body)).toEqual(['web 10.5.0.1:8080 10.5.0.1']);
  });
});
