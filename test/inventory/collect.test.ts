/**
 * The discovery core end to end through the real SDK clients against the AWS API double:
 * the three modes, registrations, paging and batching, call counts, caching and failures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscoverDetailed, DiscoveryError } from '../../lambda/discover.ts';
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

const setup = async (spec: FleetSpec, env: Record<string, string>) => {
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const cache = createTtlCache();
  const discover = createDiscoverDetailed(loadConfig(env), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
    cache,
  });
  return { double, discover, cache };
};

type Group = { targets: string[]; labels: Record<string, string> };
const parse = (body: string) => JSON.parse(body) as Group[];
const summary = (body: string) =>
  parse(body).map((g) => `${g.labels._sys_ecs_cluster}/${g.labels._sys_ecs_service} ${g.targets[0]}`);

describe('clusters mode', () => {
  it('reproduces the reference fleet of docs/decisions.md through the real SDK', async () => {
    // Prepare
    const { discover } = await setup(
      {
        region: 'eu-west-1',
        clusters: [
          {
            name: 'c1',
            services: [
              {
                name: 'web',
                tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '8080', team: 'a' },
                taskDefinition: 'web:7',
                tasks: [
                  {
                    id: 'task1',
                    ip: '10.0.0.5',
                    tags: { team: 'b', METRICS_PORT_ECS: '9779', METRICS_NAME_ECS: 'ecs-exporter' },
                  },
                ],
              },
            ],
          },
        ],
      },
      // The original's label set; the Prometheus-native additions: test/targets/meta-labels-sdk.test.ts.
      { DiscoveryOptions__EcsClusters: 'c1', DiscoveryOptions__MetaLabels: 'compact' },
    );
    const taskArn = 'arn:aws:ecs:eu-west-1:123456789012:task/c1/task1';
    const tdArn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7';
    const common = {
      __meta_ecs_cluster: 'c1',
      __meta_ecs_service: 'web',
      __meta_ecs_task: taskArn,
      __meta_ecs_task_definition: tdArn,
      _sys_ecs_cluster: 'c1',
      _sys_ecs_service: 'web',
      _sys_ecs_task: taskArn,
      _sys_ecs_task_definition: tdArn,
      PROMETHEUS_TARGET: 'true',
      team: 'b',
    };

    // Act
    const result = await discover();

    // Assess
    expect(parse(result.body)).toEqual([
      {
        targets: ['10.0.0.5:8080'],
        labels: { __metrics_path__: '/metrics', instance: '10.0.0.5', ...common },
      },
      {
        targets: ['10.0.0.5:9779'],
        labels: {
          __metrics_path__: '/metrics',
          instance: '10.0.0.5',
          scrape_target_name: 'ecs-exporter',
          ...common,
        },
      },
    ]);
    expect(result.awsCalls).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
    });
  });

  it('enriches from Service Connect and Service Discovery namespaces it infers, namespace tags included', async () => {
    // Prepare
    const { discover } = await setup(
      {
        namespaces: [
          { name: 'apps.local', type: 'HTTP', tags: { env: 'prod' } },
          { name: 'sd.local', tags: { zone: 'internal' } },
        ],
        clusters: [
          {
            name: 'prod',
            services: [
              {
                name: 'web',
                tags: { METRICS_PORT: '8080' },
                tasks: [{ id: 'w1', ip: '10.1.0.1' }],
                serviceConnect: { namespace: 'apps.local', namespaceAs: 'name' },
              },
              {
                name: 'api',
                tags: { METRICS_PORT: '9090' },
                tasks: [{ id: 'a1', ip: '10.1.0.2' }],
                serviceDiscovery: { namespace: 'sd.local', serviceName: 'api-sd' },
              },
            ],
          },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'prod' },
    );

    // Act
    const groups = parse((await discover()).body);

    // Assess
    expect(groups.map((g) => g.labels)).toEqual([
      expect.objectContaining({
        _sys_ecs_service: 'api',
        _sys_cloudmap_service_name: 'api-sd',
        _sys_cloudmap_service_type: 'ServiceDiscovery',
        _sys_cloudmap_service_instance_id: 'a1',
        zone: 'internal',
      }),
      expect.objectContaining({
        _sys_ecs_service: 'web',
        _sys_cloudmap_service_name: 'web',
        _sys_cloudmap_service_type: 'ServiceConnect',
        _sys_cloudmap_service_instance_id: 'w1',
        AmazonECSManaged: 'true',
        env: 'prod',
      }),
    ]);
  });

  it('yields the targets of a cluster given by name and by ARN once', async () => {
    // Prepare
    const { discover } = await setup(
      { clusters: [{ name: 'c1', services: [{ name: 'web', tags: { METRICS_PORT: '80' }, tasks: 2 }] }] },
      { DiscoveryOptions__EcsClusters: 'c1;arn:aws:ecs:us-east-1:123456789012:cluster/c1' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(summary(result.body).sort()).toEqual(['c1/web 10.0.0.1:80', 'c1/web 10.0.0.2:80']);
    expect(result.awsCalls['ecs:ListServices']).toBe(1);
  });

  it('reads only services that carry the selector tags and lists no tasks for the others', async () => {
    // Prepare
    const { discover, double } = await setup(
      {
        clusters: [
          {
            name: 'c1',
            services: [
              { name: 'in', tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '80' }, tasks: 1 },
              { name: 'out', tags: { METRICS_PORT: '80' }, tasks: 1 },
            ],
          },
        ],
      },
      {
        DiscoveryOptions__EcsClusters: 'c1',
        DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
      },
    );

    // Act
    const result = await discover();

    // Assess
    expect(summary(result.body)).toEqual(['c1/in 10.0.0.1:80']);
    expect(double.calls()['ecs:ListTasks']).toBe(1);
  });
});

describe('namespaces mode', () => {
  it('emits the services registered in the namespaces, in whatever cluster, and no other', async () => {
    // Prepare
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'a',
            services: [
              { name: 'sc', tags: { METRICS_PORT: '80' }, tasks: 1, serviceConnect: { namespace: 'apps' } },
              { name: 'plain', tags: { METRICS_PORT: '80' }, tasks: 1 },
            ],
          },
          {
            name: 'b',
            services: [
              {
                name: 'sd',
                tags: { METRICS_PORT: '81' },
                tasks: 1,
                serviceDiscovery: { namespace: 'apps-dns' },
              },
              {
                name: 'elsewhere',
                tags: { METRICS_PORT: '81' },
                tasks: 1,
                serviceConnect: { namespace: 'other' },
              },
            ],
          },
        ],
      },
      { DiscoveryOptions__CloudMapNamespaces: 'apps;apps-dns' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(summary(result.body)).toEqual(['a/sc 10.0.0.1:80', 'b/sd 10.0.0.3:81']);
    expect(result.awsCalls['ecs:ListServices']).toBeUndefined();
    expect(result.awsCalls['ecs:DescribeClusters']).toBeUndefined();
  });
});

describe('both configured', () => {
  it('emits the intersection: services of the clusters registered in the namespaces', async () => {
    // Prepare
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'a',
            services: [
              { name: 'sc', tags: { METRICS_PORT: '80' }, tasks: 1, serviceConnect: { namespace: 'apps' } },
              { name: 'plain', tags: { METRICS_PORT: '80' }, tasks: 1 },
              { name: 'other', tags: { METRICS_PORT: '80' }, tasks: 1, serviceConnect: { namespace: 'x' } },
            ],
          },
          {
            name: 'b',
            services: [
              { name: 'sc2', tags: { METRICS_PORT: '81' }, tasks: 1, serviceConnect: { namespace: 'apps' } },
            ],
          },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'a', DiscoveryOptions__CloudMapNamespaces: 'apps' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(summary(result.body)).toEqual(['a/sc 10.0.0.1:80']);
  });
});

describe('a fleet big enough to page everywhere', () => {
  it('pages every List call, batches every Describe call, and counts the calls exactly', async () => {
    // Prepare: 12 services (one ListServices page of 100, two DescribeServices batches of 10),
    // one service with 250 tasks (3 ListTasks pages), a Cloud Map service with 250 instances.
    const services = Array.from({ length: 12 }, (_, i) => ({
      name: `svc${String(i).padStart(2, '0')}`,
      tags: { METRICS_PORT: '9100' },
      tasks: i === 0 ? 250 : 2,
      ...(i === 0 ? { serviceConnect: { namespace: 'apps' } } : {}),
    }));
    const { discover, double } = await setup(
      { firstIp: '10.0.0.1', clusters: [{ name: 'big', services }] },
      { DiscoveryOptions__EcsClusters: 'big' },
    );

    // Act
    const result = await discover();

    // Assess
    expect(result.targetCount).toBe(250 + 11 * 2);
    expect(new Set(parse(result.body).map((g) => g.targets[0])).size).toBe(272);
    expect(result.awsCalls).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 2,
      // 272 tasks: one cluster-wide listing (3 pages) beats 3 + 11 per-service listings.
      'ecs:ListTasks': 3,
      'ecs:DescribeTasks': 3,
      'servicediscovery:ListNamespaces': 1,
      'servicediscovery:ListServices': 1,
      'servicediscovery:ListTagsForResource': 2,
      // 250 instances in one DiscoverInstances answer (ListInstances would take 3 pages of 100).
      'servicediscovery:DiscoverInstances': 1,
    });
    expect(double.calls()).toEqual(result.awsCalls);
  });

  it('lists per service, paged, when the cluster holds many tasks of unselected services', async () => {
    // Prepare: 150 selected tasks, 500 unselected: per-service = 2 ListTasks + 2 DescribeTasks,
    // cluster-wide would be 6 + 6.
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'c1',
            services: [
              { name: 'in', tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '80' }, tasks: 150 },
              { name: 'out', tags: { METRICS_PORT: '80' }, tasks: 500 },
            ],
          },
        ],
      },
      {
        DiscoveryOptions__EcsClusters: 'c1',
        DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
      },
    );

    // Act
    const result = await discover();

    // Assess
    expect(result.targetCount).toBe(150);
    expect(result.awsCalls['ecs:ListTasks']).toBe(2);
    expect(result.awsCalls['ecs:DescribeTasks']).toBe(2);
  });

  it('re-reads no top-level resource and no Cloud Map tag on the second refresh', async () => {
    // Prepare
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'c1',
            services: [
              { name: 'web', tags: { METRICS_PORT: '80' }, tasks: 3, serviceConnect: { namespace: 'apps' } },
            ],
          },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'c1' },
    );
    const first = await discover();

    // Act
    const second = await discover();

    // Assess
    expect(second.body).toBe(first.body);
    expect(second.awsCalls).toEqual({
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
      'servicediscovery:ListServices': 1,
      'servicediscovery:DiscoverInstances': 1,
    });
  });
});

describe('a Service Discovery registration known only by its registry ARN', () => {
  it('finds its namespace with GetService once per process, not once per refresh', async () => {
    // Prepare
    const { discover } = await setup(
      {
        clusters: [
          {
            name: 'c1',
            services: [
              {
                name: 'api',
                tags: { METRICS_PORT: '80' },
                tasks: [{ id: 'a1', ip: '10.2.0.1' }],
                serviceDiscovery: { namespace: 'sd.local', serviceName: 'api-sd' },
              },
            ],
          },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'c1' },
    );

    // Act
    const first = await discover();
    const second = await discover();

    // Assess
    expect(parse(first.body)[0]?.labels._sys_cloudmap_service_name).toBe('api-sd');
    expect(first.awsCalls['servicediscovery:GetService']).toBe(1);
    expect(second.awsCalls['servicediscovery:GetService']).toBeUndefined();
    expect(second.body).toBe(first.body);
  });
});

describe('AwsMaxConcurrency', () => {
  it.each([
    ['1', 1],
    ['3', 3],
  ])('keeps at most %s AWS calls in flight', async (setting, bound) => {
    // Prepare: 6 clusters read in parallel, each call held 20 ms so calls overlap.
    const clusters = Array.from({ length: 6 }, (_, i) => ({
      name: `c${i}`,
      services: [{ name: 'web', tags: { METRICS_PORT: '80' }, tasks: 1 }],
    }));
    const { discover, double } = await setup(
      { clusters },
      {
        DiscoveryOptions__EcsClusters: clusters.map((c) => c.name).join(';'),
        DiscoveryOptions__AwsMaxConcurrency: setting,
      },
    );
    double.setLatency(20);

    // Act
    const result = await discover();

    // Assess
    expect(result.targetCount).toBe(6);
    expect(double.peakConcurrency()).toBe(bound);
  });
});

describe('failures', () => {
  it('rejects with a DiscoveryError, never a partial result, and forgets cached lookups', async () => {
    // Prepare
    const { discover, double, cache } = await setup(
      {
        clusters: [
          { name: 'a', services: [{ name: 'web', tags: { METRICS_PORT: '80' }, tasks: 1 }] },
          { name: 'b', services: [{ name: 'web', tags: { METRICS_PORT: '80' }, tasks: 1 }] },
        ],
      },
      { DiscoveryOptions__EcsClusters: 'a;b' },
    );
    await discover();
    expect(cache.size).toBeGreaterThan(0);
    double.inject({
      operation: 'ecs:ListTasks',
      cluster: 'b',
      error: 'AccessDeniedException',
      times: 'always',
    });

    // Act
    const failure = await discover().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DiscoveryError);
    expect((failure as DiscoveryError).cause).toMatchObject({ name: 'AccessDeniedException' });
    expect((failure as DiscoveryError).awsCalls['ecs:ListTasks']).toBeGreaterThanOrEqual(1);
    expect(cache.size).toBe(0);
  });
});
