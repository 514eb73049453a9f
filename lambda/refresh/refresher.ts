/**
 * The refresher: a full reconcile (one complete discovery) or an event batch (re-read only the
 * changed tasks and patch the stored inventory), each ending in one conditional snapshot write.
 * A failed run writes nothing; a run that lost the race to a newer write writes nothing either.
 */
import { createCallContext, type Warning } from '../aws/call-context.ts';
import type { AwsClients } from '../aws/clients.ts';
import { describeTasks } from '../aws/ecs.ts';
import type { Pacer } from '../aws/pacer.ts';
import type { SnapshotStore, WriteCondition } from '../aws/snapshot-store.ts';
import { resolveSources, type Source, sourceOfArn } from '../aws/sources.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { createDiscoverDetailed } from '../discover.ts';
import { prepareBody } from '../http/body.ts';
import { rereadInstances } from '../inventory/cloud-map.ts';
import { withHostAddresses } from '../inventory/host-addresses.ts';
import { sourceCache } from '../inventory/sources.ts';
import { readTaskDefinitions, type TaskDefinitionReads } from '../inventory/task-definitions.ts';
import { createTtlCache, type TtlCache } from '../inventory/ttl-cache.ts';
import type { Log } from '../log.ts';
import type { CloudMapInstance, InventorySnapshot, TaskDefinition } from '../model/inventory.ts';
import {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_FORMAT,
  type Snapshot,
  SnapshotKind,
} from '../model/snapshot.ts';
import { buildTargets, renderTargets } from '../targets/index.ts';
import {
  type DescribedTask,
  instanceReadPlanner,
  missingTaskDefinitionArns,
  nextTaskVersions,
  patchInventory,
  relevantTo,
} from './patch-inventory.ts';
import { isFinal, latestChanges, type TaskChange } from './task-events.ts';

export type RefresherDeps = {
  readonly config: DiscoveryConfig;
  readonly store: SnapshotStore;
  /** Clients of the single own-account source. @default made from the standard AWS settings */
  readonly clients?: AwsClients;
  /** Every source (several accounts or Regions). @default made from `config` */
  readonly sources?: readonly Source[];
  readonly logger: Log;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Top-level resource cache shared by the full reconciles of one container. @default a new one */
  readonly cache?: TtlCache;
  /**
   * Paces every AWS call, full reconciles and event batches alike. @default one pacer at
   * `config.awsRateShare`, made here once
   */
  readonly pacer?: Pacer;
};

export const RefreshOutcome = {
  /** A new snapshot was written. */
  Written: 'written',
  /** Another run wrote after this one read: the newer snapshot stands, nothing was written. */
  Superseded: 'superseded',
  /** The events changed nothing the snapshot holds: nothing was written. */
  Unchanged: 'unchanged',
  /** Events arrived before the first full reconcile: nothing to patch, nothing was written. */
  NoSnapshot: 'no_snapshot',
} as const;
export type RefreshOutcome = (typeof RefreshOutcome)[keyof typeof RefreshOutcome];

export type RefreshReport = {
  readonly outcome: RefreshOutcome;
  readonly awsCalls: Readonly<Record<string, number>>;
  /** The written snapshot's generation (when written). */
  readonly generation?: number;
  readonly targetCount?: number;
};

/** An event batch lost the race to a newer write; thrown so that SQS delivers the batch again. */
export class SnapshotConflictError extends Error {
  constructor() {
    super('The snapshot changed while the event batch was applied; the batch is retried');
    this.name = 'SnapshotConflictError';
  }
}

export type Refresher = {
  readonly full: () => Promise<RefreshReport>;
  readonly events: (changes: readonly TaskChange[]) => Promise<RefreshReport>;
};

type Current = { readonly snapshot: Snapshot | undefined; readonly condition: WriteCondition };

type Built = Omit<Snapshot, 'format' | 'generation' | 'kind' | 'reconciledAt' | 'taskVersions'>;

export const createRefresher = (deps: RefresherDeps): Refresher => {
  const now = deps.now ?? Date.now;
  const log = deps.logger;
  const onWarning = (warning: Warning) => log.warn(warning.message, { ...warning.data });
  // One set of sources (clients, pacers) for full reconciles and event batches alike.
  const sources = resolveSources(deps.config, deps);
  // One cache for reconciles and event batches: the hosts of bridge/host tasks a reconcile read
  // serve the tasks an event brings (docs/decisions.md "Every task, every network (issue 14)").
  const cache = deps.cache ?? createTtlCache(now);
  const discover = createDiscoverDetailed(deps.config, {
    sources,
    now,
    onWarning,
    cache,
  });

  const readCurrent = async (): Promise<Current> => {
    const read = await deps.store.read();
    if (read.kind !== 'found') return { snapshot: undefined, condition: 'absent' };
    try {
      return { snapshot: decodeSnapshot(read.text), condition: { etag: read.etag } };
    } catch (error) {
      // An unreadable snapshot (another format) is replaced by the next full reconcile.
      log.warn('stored snapshot unreadable', { error: String(error) });
      return { snapshot: undefined, condition: { etag: read.etag } };
    }
  };

  const build = async (inventory: InventorySnapshot, startedAt: number, awsCalls: Record<string, number>) => {
    const { groups, skipped, droppedLabels, warnings, explain } = buildTargets(inventory, deps.config);
    for (const warning of warnings) log.warn(warning.message, warning.data);
    const body = prepareBody(renderTargets(groups));
    const gzip = await body.gzip();
    const completedAt = now();
    const built: Built = {
      completedAt,
      body: body.text,
      gzipBase64: gzip.lambdaText(),
      etag: body.etag,
      gzipEtag: body.gzipEtag,
      targetCount: groups.length,
      skipped,
      droppedLabels,
      awsCalls,
      durationMs: completedAt - startedAt,
      explain,
      inventory,
    };
    return built;
  };

  const write = async (
    current: Current,
    snapshot: Omit<Snapshot, 'format' | 'generation'>,
  ): Promise<RefreshReport> => {
    const generation = (current.snapshot?.generation ?? 0) + 1;
    const written = await deps.store.write(
      encodeSnapshot({ format: SNAPSHOT_FORMAT, generation, ...snapshot }),
      current.condition,
    );
    if (written.kind === 'conflict') {
      log.warn('snapshot superseded by a newer write', { kind: snapshot.kind });
      return { outcome: RefreshOutcome.Superseded, awsCalls: snapshot.awsCalls };
    }
    log.info('snapshot written', {
      kind: snapshot.kind,
      generation,
      durationMs: snapshot.durationMs,
      targetGroups: snapshot.targetCount,
      awsCalls: snapshot.awsCalls,
      skippedTasks: snapshot.skipped,
    });
    return {
      outcome: RefreshOutcome.Written,
      awsCalls: snapshot.awsCalls,
      generation,
      targetCount: snapshot.targetCount,
    };
  };

  const full = async (): Promise<RefreshReport> => {
    const startedAt = now();
    // Read first: the write is conditional on what was there before this discovery began.
    const current = await readCurrent();
    const details = await discover();
    const built = await build(details.snapshot, startedAt, { ...details.awsCalls });
    return write(current, {
      ...built,
      kind: SnapshotKind.Full,
      reconciledAt: built.completedAt,
      taskVersions: nextTaskVersions(details.snapshot, current.snapshot?.taskVersions ?? {}),
    });
  };

  const events = async (changes: readonly TaskChange[]): Promise<RefreshReport> => {
    const startedAt = now();
    const current = await readCurrent();
    const previous = current.snapshot;
    if (previous === undefined) {
      log.info('task events before the first snapshot ignored', { changes: changes.length });
      return { outcome: RefreshOutcome.NoSnapshot, awsCalls: {} };
    }
    const fresh = latestChanges(changes, previous.taskVersions);
    const relevant = fresh.filter(relevantTo(previous.inventory));
    if (relevant.length === 0) {
      log.info('task events changed nothing', { changes: changes.length, fresh: fresh.length });
      return { outcome: RefreshOutcome.Unchanged, awsCalls: {} };
    }
    // The task's cluster ARN names its account and Region: each re-read goes to that source's
    // clients and pacer. A change of a source no longer configured was already dropped by `relevantTo`.
    const contexts = new Map(
      sources.map((source) => [
        source,
        createCallContext({ maxConcurrency: deps.config.awsMaxConcurrency, pacer: source.pacer }),
      ]),
    );
    const toRead = new Map<string, string[]>();
    for (const change of relevant.filter((c) => !isFinal(c))) {
      toRead.set(change.clusterArn, [...(toRead.get(change.clusterArn) ?? []), change.taskArn]);
    }
    let described: DescribedTask[];
    let definitions: TaskDefinition[];
    let instances: ReadonlyMap<string, readonly CloudMapInstance[]>;
    // Per source: two clusters adding tasks of one new revision share its one read.
    const definitionReads = new Map<Source, TaskDefinitionReads>(
      sources.map((source) => [source, new Map()]),
    );
    // The instances of the Cloud Map services enriching the joining tasks' services, each once per
    // batch, through the source of the cluster that asked, so their instance labels come with this
    // patch (docs/decisions.md "One refresh per fleet (issue 13)"). Started as soon as a cluster's
    // tasks are described, beside its EC2 and task-definition reads; none without Cloud Map.
    const planInstanceReads = instanceReadPlanner(previous.inventory, deps.config);
    const instanceReads = new Map<string, Promise<readonly CloudMapInstance[]>>();
    try {
      const perCluster = await Promise.all(
        [...toRead].map(async ([clusterArn, arns]) => {
          const source = sourceOfArn(sources, clusterArn);
          const ctx = source === undefined ? undefined : contexts.get(source);
          if (source === undefined || ctx === undefined) return { tasks: [], definitions: [] };
          const tasks = await describeTasks(ctx, source.clients.ecs, clusterArn, arns);
          for (const read of planInstanceReads(tasks.map((task) => ({ ...task, clusterArn })))) {
            if (instanceReads.has(read.service.arn)) continue;
            const reread = rereadInstances(ctx, source.clients.cloudMap, read.service, read.namespace);
            // Awaited once every cluster is read; a failure meanwhile must not go unhandled.
            reread.catch(() => undefined);
            instanceReads.set(read.service.arn, reread);
          }
          // The source's clients (its EC2) and its keys in the cache, as its reconcile used them.
          const collectDeps = {
            ctx,
            clients: source.clients,
            config: deps.config,
            cache: sourceCache(cache, source.name, sources.length > 1),
          };
          // A joining task of a revision the snapshot does not hold: read it (cached, paced like the
          // reconcile's reads; none with DockerLabels=none), so its docker-label targets come with
          // this patch (docs/decisions.md "One refresh per fleet (issue 13)").
          const [hosted, read] = await Promise.all([
            withHostAddresses(collectDeps, clusterArn, tasks, true),
            readTaskDefinitions(
              collectDeps,
              missingTaskDefinitionArns(previous.inventory, clusterArn, tasks),
              definitionReads.get(source),
            ),
          ]);
          return { tasks: hosted.map((task) => ({ ...task, clusterArn })), definitions: read };
        }),
      );
      described = perCluster.flatMap((cluster) => cluster.tasks);
      definitions = perCluster.flatMap((cluster) => cluster.definitions);
      instances = new Map(
        await Promise.all([...instanceReads].map(async ([arn, read]) => [arn, await read] as const)),
      );
    } finally {
      for (const ctx of contexts.values()) for (const warning of ctx.warnings) onWarning(warning);
    }
    const calls: Record<string, number> = {};
    for (const ctx of contexts.values()) {
      for (const [operation, count] of Object.entries(ctx.calls))
        calls[operation] = (calls[operation] ?? 0) + count;
    }
    const inventory = patchInventory(previous.inventory, relevant, described, definitions, instances);
    const built = await build(inventory, startedAt, calls);
    const report = await write(current, {
      ...built,
      kind: SnapshotKind.Events,
      reconciledAt: previous.reconciledAt,
      taskVersions: nextTaskVersions(inventory, previous.taskVersions, relevant),
    });
    if (report.outcome === RefreshOutcome.Superseded) throw new SnapshotConflictError();
    return report;
  };

  return { full, events };
};
