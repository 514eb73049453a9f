/**
 * Wires the discovery core: AWS reads -> inventory snapshot -> targets -> http_sd body.
 * `createDiscover` is called once per process (cold start); each call of the returned function is
 * one complete refresh that either resolves with the whole result or rejects.
 */
import { type CallOutcomes, createCallContext, type Warning } from './aws/call-context.ts';
import { type AwsClients, createAwsClients } from './aws/clients.ts';
import { createPacer, type Pacer } from './aws/pacer.ts';
import type { DiscoveryConfig } from './config/types.ts';
import { collectInventory } from './inventory/collect.ts';
import { createTtlCache, type TtlCache } from './inventory/ttl-cache.ts';
import type { Discover, DiscoveryResult } from './model/discovery.ts';
import type { Explain } from './model/explain.ts';
import type { InventorySnapshot } from './model/inventory.ts';
import { buildTargets, renderTargets } from './targets/index.ts';
import type { TargetGroup } from './targets/target-group.ts';

export type DiscoverDeps = {
  /** SDK clients; made from the standard AWS settings when absent. */
  readonly clients?: AwsClients;
  /** Receives AWS `failures` entries and other expected oddities of one refresh (log them as warnings). */
  readonly onWarning?: (warning: Warning) => void;
  /** Clock for durations and the top-level cache. @default Date.now */
  readonly now?: () => number;
  /** Cache of top-level resources, shared across refreshes. @default a new in-memory cache */
  readonly cache?: TtlCache;
  /**
   * Paces every AWS call of every refresh of this process. @default one pacer at
   * `config.awsRateShare` of AWS's buckets, made here once
   */
  readonly pacer?: Pacer;
};

/**
 * A refresh failed; `cause` holds the AWS error, `awsCalls` what was called before it failed (the
 * failed call included) and `awsCallOutcomes` the same calls by how they ended.
 */
export class DiscoveryError extends Error {
  readonly awsCalls: Readonly<Record<string, number>>;
  readonly awsCallOutcomes: CallOutcomes;
  constructor(
    cause: unknown,
    awsCalls: Readonly<Record<string, number>>,
    awsCallOutcomes: CallOutcomes = {},
  ) {
    super('Discovery failed: an AWS read did not complete', { cause });
    this.name = 'DiscoveryError';
    this.awsCalls = awsCalls;
    this.awsCallOutcomes = awsCallOutcomes;
  }
}

const copyOutcomes = (outcomes: CallOutcomes): CallOutcomes =>
  Object.fromEntries(Object.entries(outcomes).map(([op, counts]) => [op, { ...counts }]));

/** The full outcome of one refresh, for the CLI and tests that want more than the body. */
export type DiscoveryDetails = DiscoveryResult & {
  readonly explain: Explain;
  readonly snapshot: InventorySnapshot;
  readonly groups: readonly TargetGroup[];
};

export const createDiscoverDetailed = (
  config: DiscoveryConfig,
  deps: DiscoverDeps = {},
): (() => Promise<DiscoveryDetails>) => {
  const clients = deps.clients ?? createAwsClients();
  const now = deps.now ?? Date.now;
  const cache = deps.cache ?? createTtlCache(now);
  const pacer = deps.pacer ?? createPacer({ share: config.awsRateShare });
  return async () => {
    const started = now();
    const ctx = createCallContext({ maxConcurrency: config.awsMaxConcurrency, pacer });
    let snapshot: InventorySnapshot;
    try {
      snapshot = await collectInventory({ ctx, clients, config, cache });
    } catch (error) {
      throw new DiscoveryError(error, { ...ctx.calls }, copyOutcomes(ctx.outcomes));
    } finally {
      for (const warning of ctx.warnings) deps.onWarning?.(warning);
    }
    const { groups, skipped, droppedLabels, warnings, explain } = buildTargets(snapshot, config);
    for (const warning of warnings) deps.onWarning?.(warning);
    const completedAt = now();
    return {
      body: renderTargets(groups),
      targetCount: groups.length,
      skipped,
      droppedLabels,
      awsCalls: { ...ctx.calls },
      awsCallOutcomes: copyOutcomes(ctx.outcomes),
      durationMs: completedAt - started,
      completedAt,
      explain,
      snapshot,
      groups,
    };
  };
};

export const createDiscover = (config: DiscoveryConfig, deps: DiscoverDeps = {}): Discover => {
  const detailed = createDiscoverDetailed(config, deps);
  return async () => {
    const { snapshot: _snapshot, groups: _groups, ...result } = await detailed();
    return result;
  };
};
