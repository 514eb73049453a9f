/**
 * Plain-data fixtures for the target builder: a literal configuration with the effective defaults
 * and small snapshot builders. The defaults reproduce docs/decisions.md "The reference fleet".
 */
import type { DiscoveryConfig, KeyValue } from '../../lambda/config/types.ts';
import type {
  CloudMapInstance,
  CloudMapService,
  Cluster,
  EcsService,
  InventorySnapshot,
  Namespace,
  Tag,
  Task,
} from '../../lambda/model/inventory.ts';
import { testConfig } from '../support/config.ts';

const ACCOUNT = 'arn:aws:ecs:eu-west-1:123456789012';

/**
 * The shared test configuration (effective defaults, clusters mode on `c1`) with the original's label
 * set (`MetaLabels=compact`): these tables are the original's contract. The Prometheus-native labels
 * of `MetaLabels=full` have tables of their own (`meta-labels.test.ts`).
 */
export const config = (overrides: Partial<DiscoveryConfig> = {}): DiscoveryConfig =>
  testConfig({ metaLabels: 'compact', ...overrides });

/** `kv('team', 'z')` → a parsed `key=value` entry. */
export const kv = (key: string, value: string | null): KeyValue => ({ key, value });

/** Tags in the order written. */
export const tags = (record: Record<string, string>): Tag[] =>
  Object.entries(record).map(([key, value]) => ({ key, value }));

export const taskArn = (cluster: string, id: string): string => `${ACCOUNT}:task/${cluster}/${id}`;
export const TASK_ID = '0123456789abcdef0123456789abcdef';
export const TASK_ARN = taskArn('c1', TASK_ID);
export const TASK_DEFINITION_ARN = `${ACCOUNT}:task-definition/web:7`;

export const task = (overrides: Partial<Task> = {}): Task => ({
  arn: TASK_ARN,
  taskDefinitionArn: TASK_DEFINITION_ARN,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  ipv4: '10.0.0.5',
  tags: [],
  ...overrides,
});

export const service = (name: string, overrides: Partial<EcsService> = {}): EcsService => ({
  arn: `${ACCOUNT}:service/c1/${name}`,
  name,
  clusterArn: `${ACCOUNT}:cluster/c1`,
  tags: [],
  serviceConnectDiscoveryArns: [],
  serviceRegistryArns: [],
  tasks: [],
  ...overrides,
});

export const cluster = (name: string, services: readonly EcsService[]): Cluster => ({
  arn: `${ACCOUNT}:cluster/${name}`,
  name,
  services,
});

export const instance = (id: string, attributes: Record<string, string>): CloudMapInstance => ({
  id,
  attributes,
});

export const cloudMapService = (name: string, overrides: Partial<CloudMapService> = {}): CloudMapService => ({
  id: `srv-${name}`,
  arn: `arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-${name}`,
  name,
  namespaceId: 'ns-app',
  type: 'ServiceDiscovery',
  tags: [],
  selected: true,
  instances: [],
  ...overrides,
});

export const namespace = (name: string, overrides: Partial<Namespace> = {}): Namespace => ({
  id: `ns-${name}`,
  arn: `arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-${name}`,
  name,
  tags: [],
  services: [],
  ...overrides,
});

export const snapshot = (
  clusters: readonly Cluster[],
  namespaces: readonly Namespace[] = [],
): InventorySnapshot => ({
  clusters,
  namespaces,
});

/**
 * docs/decisions.md "The reference fleet": cluster `c1`, service `web` (tags `PROMETHEUS_TARGET=true`,
 * `METRICS_PORT=8080`, `team=a`), one running awsvpc task `10.0.0.5` (tags `team=b`,
 * `METRICS_PORT_ECS=9779`, `METRICS_NAME_ECS=ecs-exporter`).
 */
export const webService = (
  overrides: Partial<EcsService> = {},
  taskOverrides: Partial<Task> = {},
): EcsService =>
  service('web', {
    tags: tags({ PROMETHEUS_TARGET: 'true', METRICS_PORT: '8080', team: 'a' }),
    tasks: [
      task({
        tags: tags({ team: 'b', METRICS_PORT_ECS: '9779', METRICS_NAME_ECS: 'ecs-exporter' }),
        ...taskOverrides,
      }),
    ],
    ...overrides,
  });

export const workedExample = (
  serviceOverrides: Partial<EcsService> = {},
  taskOverrides: Partial<Task> = {},
  namespaces: readonly Namespace[] = [],
): InventorySnapshot => snapshot([cluster('c1', [webService(serviceOverrides, taskOverrides)])], namespaces);

/** The system and metadata labels of the worked example's task without Cloud Map. */
export const WORKED_SYSTEM_LABELS = {
  __meta_ecs_cluster: 'c1',
  __meta_ecs_service: 'web',
  __meta_ecs_task: TASK_ARN,
  __meta_ecs_task_definition: TASK_DEFINITION_ARN,
  _sys_ecs_cluster: 'c1',
  _sys_ecs_service: 'web',
  _sys_ecs_task: TASK_ARN,
  _sys_ecs_task_definition: TASK_DEFINITION_ARN,
} as const;
