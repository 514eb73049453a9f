/**
 * Docker-label conventions through the real SDK against the AWS double (docs/decisions.md "Portable
 * labels (issue 15)"): DescribeTaskDefinition only with `DockerLabels`, once per revision across
 * refreshes, one target per labelled container, and Prometheus-native metadata with cluster tags.
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

const setup = async (spec: FleetSpec, env: Record<string, string>) => {
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const discover = createDiscoverDetailed(loadConfig({ DiscoveryOptions__EcsClusters: 'c1', ...env }), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
    cache: createTtlCache(),
  });
  return { discover };
};

type Group = { targets: string[]; labels: Record<string, string> };

const FLEET: FleetSpec = {
  region: 'eu-west-1',
  clusters: [
    {
      name: 'c1',
      tags: { env: 'prod' },
      services: [
        {
          name: 'api',
          taskDefinition: 'api:3',
          tasks: [
            { id: 'a1', ip: '10.0.0.5' },
            { id: 'a2', ip: '10.0.0.6' },
          ],
        },
        { name: 'plain', taskDefinition: 'plain:1', tasks: [{ id: 'p1', ip: '10.0.0.7' }] },
      ],
    },
  ],
  taskDefinitions: [
    {
      name: 'api:3',
      containers: [
        {
          name: 'app',
          dockerLabels: {
            PROMETHEUS_EXPORTER_PORT: '8080',
            PROMETHEUS_EXPORTER_PATH: '/internal/metrics',
            PROMETHEUS_EXPORTER_SCHEME: 'https',
            PROMETHEUS_EXPORTER_JOB_NAME: 'api',
            ECS_PROMETHEUS_EXPORTER_PORT: '9090',
          },
          portMappings: [{ containerPort: 8080 }],
        },
        {
          name: 'envoy',
          dockerLabels: { PROMETHEUS_EXPORTER_PORT: '9901', PROMETHEUS_EXPORTER_SCHEME: 'gopher' },
        },
        { name: 'log-router' },
      ],
    },
  ],
};

const byTarget = (body: string) =>
  (JSON.parse(body) as Group[]).map((group) => ({
    target: group.targets[0],
    scheme: group.labels.__scheme__,
    path: group.labels.__metrics_path__,
    job: group.labels.job,
    name: group.labels.scrape_target_name,
  }));

describe('DockerLabels through the real SDK', () => {
  it('teralytics: one target per labelled container, DescribeTaskDefinition once per revision across refreshes', async () => {
    // Prepare
    const { discover } = await setup(FLEET, { DiscoveryOptions__DockerLabels: 'teralytics' });

    // Act
    const first = await discover();
    const second = await discover();

    // Assess
    expect(byTarget(first.body)).toEqual([
      { target: '10.0.0.5:8080', scheme: 'https', path: '/internal/metrics', job: 'api', name: undefined },
      { target: '10.0.0.5:9901', scheme: undefined, path: '/metrics', job: undefined, name: undefined },
      { target: '10.0.0.6:8080', scheme: 'https', path: '/internal/metrics', job: 'api', name: undefined },
      { target: '10.0.0.6:9901', scheme: undefined, path: '/metrics', job: undefined, name: undefined },
    ]);
    expect(first.droppedLabels.invalid_scrape_setting).toBe(2);
    expect(first.awsCalls['ecs:DescribeTaskDefinition']).toBe(2);
    expect(second.awsCalls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(second.body).toBe(first.body);
  });

  it('ecs-observer with a renamed port label', async () => {
    // Prepare
    const { discover } = await setup(FLEET, {
      DiscoveryOptions__DockerLabels: 'ecs-observer',
      DiscoveryOptions__DockerLabelPort: 'PROMETHEUS_EXPORTER_PORT',
    });

    // Act
    const result = await discover();

    // Assess: the path label of ecs-observer (ECS_PROMETHEUS_METRICS_PATH) is absent, so /metrics.
    expect(byTarget(result.body).map((t) => `${t.target}${t.path}`)).toEqual([
      '10.0.0.5:8080/metrics',
      '10.0.0.5:9901/metrics',
      '10.0.0.6:8080/metrics',
      '10.0.0.6:9901/metrics',
    ]);
  });

  it('DockerLabels=none never reads task definitions', async () => {
    // Prepare
    const { discover } = await setup(FLEET, {});

    // Act
    const result = await discover();

    // Assess
    expect(result.awsCalls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(result.body).toBe('[]');
  });

  it('MetaLabels=full carries cluster tags read with DescribeClusters include=TAGS', async () => {
    // Prepare
    const { discover } = await setup(FLEET, { DiscoveryOptions__DockerLabels: 'teralytics' });

    // Act
    const result = await discover();

    // Assess
    const [first] = JSON.parse(result.body) as Group[];
    expect(first?.labels.__meta_ecs_tag_cluster_env).toBe('prod');
    expect(first?.labels.__meta_ecs_cluster_arn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/c1');
    expect(first?.labels.__meta_ecs_network_mode).toBe('awsvpc');
    expect(first?.labels.__meta_ecs_task_arn).toBe('arn:aws:ecs:eu-west-1:123456789012:task/c1/a1');
  });

  it('reads the task definition of a stand-alone task too (EcsIncludeStandaloneTasks)', async () => {
    // Prepare
    const spec: FleetSpec = {
      ...FLEET,
      clusters: [
        {
          name: 'c1',
          services: [],
          standaloneTasks: [{ id: 's1', ip: '10.0.0.9', taskDefinition: 'batch:2' }],
        },
      ],
      taskDefinitions: [
        {
          name: 'batch:2',
          containers: [{ name: 'job', dockerLabels: { PROMETHEUS_EXPORTER_PORT: '9400' } }],
        },
      ],
    };
    const { discover } = await setup(spec, {
      DiscoveryOptions__DockerLabels: 'teralytics',
      DiscoveryOptions__EcsIncludeStandaloneTasks: 'true',
    });

    // Act
    const result = await discover();

    // Assess
    expect(result.awsCalls['ecs:DescribeTaskDefinition']).toBe(1);
    expect(byTarget(result.body).map((t) => t.target)).toEqual(['10.0.0.9:9400']);
  });
});
