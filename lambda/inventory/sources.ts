/**
 * Many sources, one snapshot: runs the one-source collector (`collect.ts`) once per source, each
 * with its own call context (its pacer), its share of the configured clusters and namespaces and
 * its own keys in the top-level cache, and concatenates the snapshots in configuration order.
 * A failure in any source fails the whole refresh (never a partial list); every source is let
 * finish first, so the calls of all of them are counted (docs/decisions.md "Many accounts and
 * Regions (issue 16)").
 */
import { type CallOutcomes, createCallContext, type Warning } from '../aws/call-context.ts';
import type { Source } from '../aws/sources.ts';
import type { SourcePlan } from '../config/sources.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { DiscoveryMode } from '../config/types.ts';
import type { InventorySnapshot } from '../model/inventory.ts';
import { collectInventory } from './collect.ts';
import type { TtlCache } from './ttl-cache.ts';

export type SourcesInput = {
  readonly config: DiscoveryConfig;
  readonly sources: readonly Source[];
  /** The process-wide top-level cache; each source keys its entries by its name. */
  readonly cache: TtlCache;
};

export type SourceFailure = { readonly source: Source; readonly error: unknown };

export type CollectedSources = {
  /** All sources' clusters and namespaces, sources in configuration order; empty when `failure`. */
  readonly snapshot: InventorySnapshot;
  /** The first source (in configuration order) whose read failed. */
  readonly failure: SourceFailure | undefined;
  /** Calls of all sources together, per operation. */
  readonly calls: Record<string, number>;
  readonly outcomes: CallOutcomes;
  readonly callsBySource: Record<string, Record<string, number>>;
  readonly warnings: readonly Warning[];
};

/** Whether a source has anything to read in the configured mode (else it is not called at all). */
export const hasWork = (mode: DiscoveryMode, plan: SourcePlan): boolean => {
  const clusters = plan.ecsClusters.length > 0;
  const namespaces = plan.cloudMapNamespaces.length > 0;
  if (mode === DiscoveryMode.Clusters) return clusters;
  if (mode === DiscoveryMode.Namespaces) return namespaces;
  return clusters && namespaces;
};

/**
 * A view of the shared cache whose keys start with the source's name (one source: the cache
 * itself). Event batches use the same view, so they find the hosts their source's reconcile cached.
 */
export const sourceCache = (cache: TtlCache, name: string, several: boolean): TtlCache =>
  several
    ? {
        get: (key) => cache.get(`${name}|${key}`),
        set: (key, value, ttlMs) => cache.set(`${name}|${key}`, value, ttlMs),
        remainingMs: (key) => cache.remainingMs(`${name}|${key}`),
        clear: () => cache.clear(),
        get size() {
          return cache.size;
        },
      }
    : cache;

const addOutcomes = (into: Record<string, Record<string, number>>, outcomes: CallOutcomes) => {
  for (const [operation, counts] of Object.entries(outcomes)) {
    const target = into[operation] ?? {};
    into[operation] = target;
    for (const [outcome, count] of Object.entries(counts))
      target[outcome] = (target[outcome] ?? 0) + (count ?? 0);
  }
};

export const collectSources = async ({ config, sources, cache }: SourcesInput): Promise<CollectedSources> => {
  const several = sources.length > 1;
  const runs = sources.map((source) => {
    const ctx = createCallContext({ maxConcurrency: config.awsMaxConcurrency, pacer: source.pacer });
    const { ecsClusters, cloudMapNamespaces } = source.plan;
    const work = hasWork(config.mode, source.plan)
      ? collectInventory({
          ctx,
          clients: source.clients,
          config: several ? { ...config, ecsClusters, cloudMapNamespaces } : config,
          cache: sourceCache(cache, source.name, several),
        })
      : Promise.resolve<InventorySnapshot>({ clusters: [], namespaces: [] });
    return { source, ctx, work };
  });
  const settled = await Promise.allSettled(runs.map((run) => run.work));
  const calls: Record<string, number> = {};
  const outcomes: Record<string, Record<string, number>> = {};
  const callsBySource: Record<string, Record<string, number>> = {};
  const warnings: Warning[] = [];
  let failure: SourceFailure | undefined;
  const clusters: InventorySnapshot['clusters'][number][] = [];
  const namespaces: InventorySnapshot['namespaces'][number][] = [];
  // Services left out by selectors or registration, kept for the explain view (per source, in order).
  const excludedServices: NonNullable<InventorySnapshot['excludedServices']>[number][] = [];
  // Task definitions (DockerLabels), by ARN: an ARN names its account and Region, so sources never clash.
  const taskDefinitions: NonNullable<InventorySnapshot['taskDefinitions']>[number][] = [];
  runs.forEach(({ source, ctx }, i) => {
    const result = settled[i]!;
    callsBySource[source.name] = { ...ctx.calls };
    for (const [operation, count] of Object.entries(ctx.calls))
      calls[operation] = (calls[operation] ?? 0) + count;
    addOutcomes(outcomes, ctx.outcomes);
    warnings.push(
      ...ctx.warnings.map((w) => (several ? { ...w, data: { ...w.data, source: source.name } } : w)),
    );
    if (result.status === 'rejected') failure ??= { source, error: result.reason };
    else {
      clusters.push(...result.value.clusters);
      namespaces.push(...result.value.namespaces);
      excludedServices.push(...(result.value.excludedServices ?? []));
      taskDefinitions.push(...(result.value.taskDefinitions ?? []));
    }
  });
  return {
    snapshot:
      failure !== undefined
        ? { clusters: [], namespaces: [] }
        : {
            clusters,
            namespaces,
            ...(excludedServices.length === 0 ? {} : { excludedServices }),
            ...(taskDefinitions.length === 0 ? {} : { taskDefinitions }),
          },
    failure,
    calls,
    outcomes,
    callsBySource,
    warnings,
  };
};
