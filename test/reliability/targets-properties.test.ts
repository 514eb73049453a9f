/**
 * Property tests over random inventory snapshots: awkward tags (unicode, empty, 256 characters,
 * `aws:` prefixes, keys that sanitise alike or to `instance`), missing optional fields, tasks without
 * an address, every `lastStatus`, Cloud Map instances without attributes. The target builder never
 * throws and always renders valid, deterministic http_sd.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import type {
  CloudMapInstance,
  CloudMapService,
  EcsService,
  InventorySnapshot,
  Namespace,
  Tag,
  Task,
} from '../../lambda/model/inventory.ts';
import { buildTargets, renderTargets } from '../../lambda/targets/index.ts';
import { config as fixtureConfig, kv } from '../targets/fixtures.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ACCOUNT = 'arn:aws:ecs:eu-west-1:123456789012';

const awkwardKey = fc.oneof(
  fc.constantFrom(
    'METRICS_PORT',
    'METRICS_PATH',
    'METRICS_PORT_X',
    'METRICS_NAME_X',
    'METRICS_PATH_X',
    'metrics_port',
    'instance',
    'Instance',
    'in-stance',
    'in.stance',
    '__metrics_path__',
    '__address__',
    '__scheme__',
    '__param_module',
    '-_scrape_interval__',
    'job',
    'JOB',
    'METRICS_port_X',
    'METRICS_PORT_A',
    'METRICS_PORT_B',
    'aws:cloudformation:stack-name',
    'aws:ecs:serviceName',
    'app.kubernetes.io/name',
    'app_kubernetes_io_name',
    'Owner Name',
    'Owner_Name',
    '9lives',
    '_9lives',
    '',
    ' ',
    '-',
    'ümlaut',
    '名前',
    '🚀',
    'k'.repeat(128),
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

const awkwardValue = fc.oneof(
  fc.constantFrom(
    '8080',
    '9100',
    '0',
    '65535',
    '65536',
    '-1',
    '/metrics',
    'metrics',
    '',
    ' ',
    'x'.repeat(256),
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.integer({ min: 0, max: 70_000 }).map(String),
);

const awkwardTags = fc.array(
  fc.record({ key: awkwardKey, value: awkwardValue }).map((tag): Tag => tag),
  { maxLength: 8 },
);

/** Awkward tags, usually after a valid port tag so that most tasks reach the label code. */
const tagList = fc
  .tuple(fc.boolean(), fc.boolean(), awkwardTags)
  .map(([withPort, named, rest]): Tag[] => [
    ...(withPort ? [{ key: 'METRICS_PORT', value: '9100' }] : []),
    ...(named ? [{ key: 'METRICS_PORT_SIDE', value: '9200' }] : []),
    ...rest,
  ]);

const LAST_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
  '',
  'running',
] as const;

const ipv4 = fc.option(fc.ipV4(), { nil: undefined });

const task = (cluster: string) =>
  fc
    .record({
      id: fc.stringMatching(/^[0-9a-f]{8}$/),
      lastStatus: fc.oneof(fc.constant('RUNNING'), fc.constantFrom(...LAST_STATUSES)),
      desiredStatus: fc.constantFrom('RUNNING', 'STOPPED', 'PENDING'),
      ipv4,
      tags: tagList,
      family: fc.constantFrom('web:1', 'api:12', 'x-y_z:3'),
    })
    .map(({ id, lastStatus, desiredStatus, ipv4: ip, tags, family }): Task => {
      const base = {
        arn: `${ACCOUNT}:task/${cluster}/${id}`,
        taskDefinitionArn: `${ACCOUNT}:task-definition/${family}`,
        lastStatus,
        desiredStatus,
        tags,
      };
      return ip === undefined ? base : { ...base, ipv4: ip };
    });

const cloudMapArn = (id: string) => `arn:aws:servicediscovery:eu-west-1:123456789012:service/${id}`;

const ecsService = (cluster: string, index: number) =>
  fc
    .record({
      name: fc.oneof(
        fc.constant(`svc${index}`),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
      ),
      tags: tagList,
      tasks: fc.array(task(cluster), { maxLength: 4 }),
      connect: fc.subarray(['srv-a', 'srv-b', 'srv-missing']),
      registries: fc.subarray(['srv-a', 'srv-c']),
    })
    .map(
      ({ name, tags, tasks, connect, registries }): EcsService => ({
        arn: `${ACCOUNT}:service/${cluster}/${name}`,
        name,
        clusterArn: `${ACCOUNT}:cluster/${cluster}`,
        tags,
        serviceConnectDiscoveryArns: connect.map(cloudMapArn),
        serviceRegistryArns: registries.map(cloudMapArn),
        tasks,
      }),
    );

const attributes = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      AWS_INSTANCE_IPV4: fc.oneof(fc.ipV4(), fc.constant(''), fc.string({ maxLength: 8 })),
      AWS_INSTANCE_PORT: awkwardValue,
      ECS_CLUSTER_NAME: fc.constantFrom('c1', 'c2', ''),
      ECS_SERVICE_NAME: fc.constantFrom('svc0', 'svc1', ''),
      METRICS_PATH: awkwardValue,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(awkwardKey, awkwardValue, { maxKeys: 5 }),
);

const instance = fc
  .record({ id: fc.string({ minLength: 1, maxLength: 12 }), attributes })
  .map((value): CloudMapInstance => value);

const cloudMapService = (namespaceId: string) =>
  fc
    .record({
      id: fc.constantFrom('srv-a', 'srv-b', 'srv-c', 'srv-d'),
      name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
      type: fc.constantFrom('ServiceConnect', 'ServiceDiscovery'),
      tags: tagList,
      selected: fc.boolean(),
      instances: fc.array(instance, { maxLength: 4 }),
    })
    .map(({ id, ...rest }): CloudMapService => ({ id, arn: cloudMapArn(id), namespaceId, ...rest }));

const namespace = (index: number) =>
  fc
    .record({
      name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
      tags: tagList,
      services: fc.array(cloudMapService(`ns-${index}`), { maxLength: 3 }),
    })
    .map(
      ({ name, tags, services }): Namespace => ({
        id: `ns-${index}`,
        arn: `arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-${index}`,
        name,
        tags,
        services,
      }),
    );

const snapshot: fc.Arbitrary<InventorySnapshot> = fc.record({
  clusters: fc.tuple(
    fc.tuple(ecsService('c1', 0), ecsService('c1', 1)).map((services) => ({
      arn: `${ACCOUNT}:cluster/c1`,
      name: 'c1',
      services,
    })),
    fc.array(ecsService('c2', 2), { maxLength: 1 }).map((services) => ({
      arn: `${ACCOUNT}:cluster/c2`,
      name: 'c2',
      services,
    })),
  ),
  namespaces: fc
    .array(fc.nat(3), { maxLength: 2 })
    .chain((indexes) => fc.tuple(...[...new Set(indexes)].map(namespace))),
});

const configuration: fc.Arbitrary<DiscoveryConfig> = fc
  .record({
    mode: fc.constantFrom('clusters', 'namespaces', 'both'),
    ecsTaskTags: fc.constantFrom(['*', 'METRICS_*'], ['METRICS_*'], ['aws:*', 'METRICS_*']),
    cloudMapNamespaceTags: fc.constantFrom(['*', 'METRICS_*'], ['METRICS_*']),
    extraPrometheusLabels: fc.constantFrom([], [kv('instance', 'x'), kv('9lives', 'y'), kv('a b', '')]),
  })
  .map((overrides) =>
    fixtureConfig({
      ...overrides,
      mode: overrides.mode as DiscoveryConfig['mode'],
      ecsClusters: overrides.mode === 'namespaces' ? [] : ['c1', 'c2'],
      cloudMapNamespaces: overrides.mode === 'clusters' ? [] : ['app'],
    }),
  );

type Group = { targets: unknown; labels: unknown };

/** Label names of each group as they appear in the text (JSON.parse would hide a repeated key). */
const rawLabelNames = (body: string): string[][] => {
  const names: string[][] = [];
  JSON.parse(body, function reviver(this: unknown, key: string, value: unknown) {
    if (key === 'labels' && value !== null && typeof value === 'object') names.push(Object.keys(value));
    return value;
  });
  return names;
};

describe('buildTargets over random snapshots', () => {
  it('never throws and renders valid, deterministic http_sd', () => {
    let emitted = 0;
    fc.assert(
      fc.property(snapshot, configuration, (inventory, config) => {
        // Act
        const first = renderTargets(buildTargets(inventory, config).groups);
        const second = renderTargets(buildTargets(inventory, config).groups);
        // Assess
        expect(second).toBe(first);
        const groups = JSON.parse(first) as Group[];
        expect(Array.isArray(groups)).toBe(true);
        emitted += groups.length;
        for (const group of groups) {
          expect(Object.keys(group as object).sort()).toEqual(['labels', 'targets']);
          expect(Array.isArray(group.targets)).toBe(true);
          const targets = group.targets as unknown[];
          expect(targets.length).toBe(1);
          expect(typeof targets[0]).toBe('string');
          expect(targets[0]).toMatch(/^[^:\s]+:\d+$/);
          expect(typeof group.labels).toBe('object');
          for (const [name, value] of Object.entries(group.labels as Record<string, unknown>)) {
            expect(name).toMatch(LABEL_NAME);
            expect(typeof value).toBe('string');
            expect(value).not.toBe('');
          }
        }
        for (const names of rawLabelNames(first)) {
          expect(new Set(names).size).toBe(names.length);
        }
      }),
      { numRuns: 250 },
    );
    // The generators must reach the interesting part: some runs emit targets.
    expect(emitted).toBeGreaterThan(20);
  });

  it('keeps the instance label equal to the target address whatever the tags say', () => {
    fc.assert(
      fc.property(snapshot, configuration, (inventory, config) => {
        // Act
        const { groups } = buildTargets(inventory, config);
        // Assess
        for (const group of groups)
          expect(`${group.labels.instance}:`).toBe(group.targets[0].replace(/\d+$/, ''));
      }),
      { numRuns: 150 },
    );
  });

  it('never emits a __* label other than the service’s own, nor job, and only ports 1..65535', () => {
    const own = /^__(?:metrics_path__$|meta_ecs_|meta_cloudmap_)/;
    fc.assert(
      fc.property(snapshot, configuration, (inventory, config) => {
        // Act
        const { groups } = buildTargets(inventory, config);
        // Assess
        for (const group of groups) {
          const names = Object.keys(group.labels);
          expect(names.filter((name) => name.startsWith('__') && !own.test(name))).toEqual([]);
          expect(names).not.toContain('job');
          const port = Number(group.targets[0].slice(group.targets[0].lastIndexOf(':') + 1));
          expect(port >= 1 && port <= 65_535).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('renders [] for an empty snapshot', () => {
    // Act
    const body = renderTargets(buildTargets({ clusters: [], namespaces: [] }, fixtureConfig()).groups);
    // Assess
    expect(body).toBe('[]');
  });
});
