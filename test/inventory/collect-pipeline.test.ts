/**
 * The refresh is a pipeline (docs/decisions.md "Pipelined refresh (issue 12)"): a stage starts as
 * soon as what it needs is known. Proven by event order, not by durations: a middleware on the real
 * SDK clients records when each call starts and ends, and holds the answer of one chosen call until
 * a later stage has been seen (or a fallback timer fires, which is what a stage-by-stage refresh
 * needs to go on). The order of the recorded events then shows which stage waited for which.
 */
import { setTimeout as sleep } from 'node:timers/promises';
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

/** How long a held answer waits for its release before giving up; only a serial refresh waits it out. */
const FALLBACK_MS = 3_000;
const TEST_TIMEOUT_MS = 30_000;

type CallEvent = {
  readonly at: 'start' | 'end';
  readonly operation: string;
  readonly cluster: string;
  /** The service of a ListTasks (`serviceName`) or the services of a DescribeServices, comma-joined. */
  readonly services: string;
};
/** Holds the answer of every call matching `call` until `until(events)` holds. */
type Hold = {
  readonly call: (operation: string, cluster: string, services: string) => boolean;
  readonly until: (events: readonly CallEvent[]) => boolean;
};

const SERVICES = { ECSClient: 'ecs', ServiceDiscoveryClient: 'servicediscovery' } as const;

const opened: { double: AwsDouble; destroy: () => void }[] = [];
afterEach(async () => {
  for (const { double, destroy } of opened.splice(0)) {
    destroy();
    await double.close();
  }
});

const setup = async (spec: FleetSpec, env: Record<string, string>, holds: readonly Hold[]) => {
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const events: CallEvent[] = [];
  const waiters = new Set<() => void>();
  const record = (event: CallEvent) => {
    events.push(event);
    for (const wake of waiters) wake();
  };
  const waitFor = (until: Hold['until']) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        if (!until(events)) return;
        waiters.delete(wake);
        resolve();
      };
      waiters.add(wake);
      wake();
      void sleep(FALLBACK_MS).then(() => {
        waiters.delete(wake);
        resolve();
      });
    });
  const timeline =
    <A extends { readonly input: object }, R>(
      next: (args: A) => Promise<R>,
      context: { readonly clientName?: string; readonly commandName?: string },
    ) =>
    async (args: A): Promise<R> => {
      const service = SERVICES[context.clientName as keyof typeof SERVICES] ?? context.clientName;
      const operation = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
      const input = args.input as { cluster?: string; serviceName?: string; services?: string[] };
      const cluster = (input.cluster ?? '').split('/').pop() ?? '';
      const services = input.serviceName ?? (input.services ?? []).join(',');
      record({ at: 'start', operation, cluster, services });
      try {
        const output = await next(args);
        for (const hold of holds) if (hold.call(operation, cluster, services)) await waitFor(hold.until);
        return output;
      } finally {
        record({ at: 'end', operation, cluster, services });
      }
    };
  clients.ecs.middlewareStack.add(timeline, { step: 'initialize', name: 'callTimeline' });
  clients.serviceDiscovery.middlewareStack.add(timeline, { step: 'initialize', name: 'callTimeline' });
  const discover = createDiscoverDetailed(loadConfig(env), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
    cache: createTtlCache(),
    // Unpaced: this test is about the order of stages, not about waiting for tokens.
    pacer: { buckets: [], acquire: async () => {} },
  });
  return { discover, events, double };
};

/** Position of the first event matching, or -1. */
const first = (events: readonly CallEvent[], at: CallEvent['at'], operation: string, cluster = '') =>
  events.findIndex(
    (e) => e.at === at && e.operation === operation && (cluster === '' || e.cluster === cluster),
  );
const last = (events: readonly CallEvent[], at: CallEvent['at'], operation: string, cluster = '') =>
  events.findLastIndex(
    (e) => e.at === at && e.operation === operation && (cluster === '' || e.cluster === cluster),
  );
const happened =
  (at: CallEvent['at'], operation: string, cluster = '') =>
  (events: readonly CallEvent[]) =>
    first(events, at, operation, cluster) >= 0;

const service = (name: string, extra: object = {}) => ({
  name,
  tags: { METRICS_PORT: '80' },
  tasks: 1,
  ...extra,
});

describe('clusters mode', () => {
  it(
    "reads a cluster's tasks and its namespaces while another cluster's services are still being read",
    async () => {
      // Prepare: `slow` is configured first; its ListServices answer is held until `fast`'s tasks
      // are described and the namespace `fast` uses has its instances read.
      const { discover, events } = await setup(
        {
          clusters: [
            { name: 'slow', services: [service('web')] },
            { name: 'fast', services: [service('api', { serviceConnect: { namespace: 'apps' } })] },
          ],
        },
        { DiscoveryOptions__EcsClusters: 'slow;fast' },
        [
          {
            call: (operation, cluster) => operation === 'ecs:ListServices' && cluster === 'slow',
            until: (e) =>
              happened('end', 'ecs:DescribeTasks', 'fast')(e) &&
              happened('end', 'servicediscovery:DiscoverInstances')(e),
          },
        ],
      );

      // Act
      const result = await discover();

      // Assess
      const slowServicesListed = first(events, 'end', 'ecs:ListServices', 'slow');
      expect(first(events, 'start', 'ecs:ListTasks', 'fast')).toBeLessThan(slowServicesListed);
      expect(first(events, 'end', 'ecs:DescribeTasks', 'fast')).toBeLessThan(slowServicesListed);
      expect(first(events, 'start', 'servicediscovery:ListNamespaces')).toBeLessThan(slowServicesListed);
      expect(first(events, 'end', 'servicediscovery:DiscoverInstances')).toBeLessThan(slowServicesListed);
      // Assembled in configuration order, whatever order the reads completed in; nothing read twice.
      expect(result.snapshot.clusters.map((c) => c.name)).toEqual(['slow', 'fast']);
      expect(result.snapshot.namespaces.map((n) => n.name)).toEqual(['apps']);
      expect(result.awsCalls).toEqual({
        'ecs:DescribeClusters': 1,
        'ecs:ListServices': 2,
        'ecs:DescribeServices': 2,
        'ecs:ListTasks': 2,
        'ecs:DescribeTasks': 2,
        'servicediscovery:ListNamespaces': 1,
        'servicediscovery:ListServices': 1,
        'servicediscovery:ListTagsForResource': 2,
        'servicediscovery:DiscoverInstances': 1,
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('both configured', () => {
  it(
    'reads the configured namespaces while the clusters’ services are being read',
    async () => {
      // Prepare: every DescribeServices answer is held until ListNamespaces has started.
      const { discover, events } = await setup(
        {
          clusters: [
            {
              name: 'a',
              services: [service('sc', { serviceConnect: { namespace: 'apps' } }), service('plain')],
            },
            { name: 'b', services: [service('sc2', { serviceConnect: { namespace: 'apps' } })] },
          ],
        },
        { DiscoveryOptions__EcsClusters: 'a;b', DiscoveryOptions__CloudMapNamespaces: 'apps' },
        [
          {
            call: (operation) => operation === 'ecs:DescribeServices',
            until: happened('start', 'servicediscovery:ListNamespaces'),
          },
        ],
      );

      // Act
      const result = await discover();

      // Assess
      expect(first(events, 'start', 'servicediscovery:ListNamespaces')).toBeLessThan(
        last(events, 'end', 'ecs:DescribeServices'),
      );
      expect(first(events, 'start', 'servicediscovery:ListNamespaces')).toBeLessThan(
        first(events, 'end', 'ecs:DescribeServices'),
      );
      expect(result.snapshot.clusters.map((c) => [c.name, c.services.map((s) => s.name)])).toEqual([
        ['a', ['sc']],
        ['b', ['sc2']],
      ]);
      expect(result.awsCalls).toEqual({
        'ecs:DescribeClusters': 1,
        'ecs:ListServices': 2,
        'ecs:DescribeServices': 2,
        'ecs:ListTasks': 2,
        'ecs:DescribeTasks': 2,
        'servicediscovery:ListNamespaces': 1,
        'servicediscovery:ListServices': 1,
        'servicediscovery:ListTagsForResource': 3,
        'servicediscovery:DiscoverInstances': 2,
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('namespaces mode', () => {
  it(
    "lists the namespaces' ECS services while their instances are read, and reads a cluster's tasks before another's services are described",
    async () => {
      // Prepare: every ListInstances answer is held until ListServicesByNamespace has answered; the
      // DescribeServices answer of cluster `b` until cluster `a`'s tasks are described.
      const { discover, events } = await setup(
        {
          clusters: [
            { name: 'a', services: [service('sc', { serviceConnect: { namespace: 'apps' } })] },
            { name: 'b', services: [service('sd', { serviceDiscovery: { namespace: 'apps-dns' } })] },
          ],
        },
        { DiscoveryOptions__CloudMapNamespaces: 'apps;apps-dns' },
        [
          {
            call: (operation) => operation === 'servicediscovery:DiscoverInstances',
            until: happened('end', 'ecs:ListServicesByNamespace'),
          },
          {
            call: (operation, cluster) => operation === 'ecs:DescribeServices' && cluster === 'b',
            until: happened('end', 'ecs:DescribeTasks', 'a'),
          },
        ],
      );

      // Act
      const result = await discover();

      // Assess
      expect(first(events, 'end', 'ecs:ListServicesByNamespace')).toBeLessThan(
        last(events, 'end', 'servicediscovery:DiscoverInstances'),
      );
      const bDescribed = first(events, 'end', 'ecs:DescribeServices', 'b');
      expect(first(events, 'start', 'ecs:ListTasks', 'a')).toBeLessThan(bDescribed);
      expect(first(events, 'end', 'ecs:DescribeTasks', 'a')).toBeLessThan(bDescribed);
      expect(result.snapshot.clusters.map((c) => [c.name, c.services.map((s) => s.name)])).toEqual([
        ['a', ['sc']],
        ['b', ['sd']],
      ]);
      expect(result.snapshot.namespaces.map((n) => n.name)).toEqual(['apps', 'apps-dns']);
      expect(result.awsCalls).toEqual({
        'ecs:ListServicesByNamespace': 2,
        'ecs:DescribeServices': 2,
        'ecs:ListTasks': 2,
        'ecs:DescribeTasks': 2,
        'servicediscovery:ListNamespaces': 1,
        'servicediscovery:ListServices': 2,
        'servicediscovery:ListTagsForResource': 4,
        'servicediscovery:DiscoverInstances': 2,
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('within a cluster', () => {
  it(
    'describes a full batch of listed tasks while another service of the cluster is still being listed',
    async () => {
      // Prepare: 1 + 1 ListTasks and 2 DescribeTasks per service beat 6 + 6 cluster-wide, so tasks are
      // listed per service; the ListTasks answer of `small` is held until a DescribeTasks has started.
      const { discover, events } = await setup(
        {
          clusters: [
            {
              name: 'c1',
              services: [
                { name: 'big', tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '80' }, tasks: 100 },
                { name: 'small', tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '80' }, tasks: 1 },
                { name: 'out', tags: { METRICS_PORT: '80' }, tasks: 500 },
              ],
            },
          ],
        },
        {
          DiscoveryOptions__EcsClusters: 'c1',
          DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
        },
        [
          {
            call: (operation, _cluster, services) => operation === 'ecs:ListTasks' && services === 'small',
            until: happened('start', 'ecs:DescribeTasks'),
          },
        ],
      );

      // Act
      const result = await discover();

      // Assess
      expect(first(events, 'start', 'ecs:DescribeTasks')).toBeLessThan(
        events.findIndex((e) => e.at === 'end' && e.operation === 'ecs:ListTasks' && e.services === 'small'),
      );
      expect(result.targetCount).toBe(101);
      expect(result.awsCalls['ecs:ListTasks']).toBe(2);
      expect(result.awsCalls['ecs:DescribeTasks']).toBe(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "lists a service's tasks in namespaces mode as soon as its Describe batch answers",
    async () => {
      // Prepare: 11 services, described in batches of 10 (svc00-svc09, then svc10); the second batch's
      // answer is held until the tasks of svc00 are listed.
      const services = Array.from({ length: 11 }, (_, i) =>
        service(`svc${String(i).padStart(2, '0')}`, { serviceConnect: { namespace: 'apps' } }),
      );
      const { discover, events } = await setup(
        { clusters: [{ name: 'a', services }] },
        { DiscoveryOptions__CloudMapNamespaces: 'apps' },
        [
          {
            call: (operation, _cluster, names) => operation === 'ecs:DescribeServices' && names === 'svc10',
            until: (e) =>
              e.some((x) => x.at === 'end' && x.operation === 'ecs:ListTasks' && x.services === 'svc00'),
          },
        ],
      );

      // Act
      const result = await discover();

      // Assess
      expect(
        events.findIndex(
          (e) => e.at === 'start' && e.operation === 'ecs:ListTasks' && e.services === 'svc00',
        ),
      ).toBeLessThan(
        events.findIndex(
          (e) => e.at === 'end' && e.operation === 'ecs:DescribeServices' && e.services === 'svc10',
        ),
      );
      expect(result.targetCount).toBe(11);
      expect(result.awsCalls['ecs:DescribeServices']).toBe(2);
      expect(result.awsCalls['ecs:ListTasks']).toBe(11);
      expect(result.awsCalls['ecs:DescribeTasks']).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('failures while other reads are in flight', () => {
  it.each([
    ['servicediscovery:ListNamespaces', 'a'],
    ['ecs:ListServices', 'b'],
    ['ecs:DescribeTasks', 'a'],
  ] as const)(
    'rejects the whole refresh when %s fails (cluster %s)',
    async (operation, cluster) => {
      // Prepare: cluster `b`'s ListServices is held until cluster `a`'s tasks are described, so the
      // failing read happens while the other stages are running.
      const { discover, double } = await setup(
        {
          clusters: [
            { name: 'a', services: [service('web', { serviceConnect: { namespace: 'apps' } })] },
            { name: 'b', services: [service('api')] },
          ],
        },
        { DiscoveryOptions__EcsClusters: 'a;b' },
        [
          {
            call: (op, c) => op === 'ecs:ListServices' && c === 'b',
            until: happened('end', 'ecs:DescribeTasks', 'a'),
          },
        ],
      );
      double.inject({
        operation,
        ...(operation.startsWith('ecs:') ? { cluster } : {}),
        error: 'AccessDeniedException',
        times: 'always',
      });

      // Act
      const failure = await discover().catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DiscoveryError);
      expect((failure as DiscoveryError).cause).toMatchObject({ name: 'AccessDeniedException' });
    },
    TEST_TIMEOUT_MS,
  );
});
