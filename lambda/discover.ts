/**
 * Wires the discovery core: AWS reads -> inventory snapshot -> targets -> http_sd body.
 * `createDiscover` is called once per process (cold start); each call of the returned function is
 * one complete refresh that either resolves with the whole result or rejects.
 */
import { createCallContext, type Warning } from './aws/call-context.ts';
import { type AwsClients, createAwsClients } from './aws/clients.ts';
import type { DiscoveryConfig } from './config/types.ts';
import { collectInventory } from './inventory/collect.ts';
import { createTtlCache, type TtlCache } from './inventory/ttl-cache.ts';
import type { Discover, DiscoveryResult } from './model/discovery.ts';
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
};

/** A refresh failed; `cause` holds the AWS error, `awsCalls` what was called before it failed. */
export class DiscoveryError extends Error {
  readonly awsCalls: Readonly<Record<string, number>>;
  constructor(cause: unknown, awsCalls: Readonly<Record<string, number>>) {
    super('Discovery failed: an AWS read did not complete', { cause });
    this.name = 'DiscoveryError';
    this.awsCalls = awsCalls;
  }
}

/** The full outcome of one refresh, for the CLI and tests that want more than the body. */
export type DiscoveryDetails = DiscoveryResult & {
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
  return async () => {
    const started = now();
    const ctx = createCallContext(config.awsMaxConcurrency);
    let snapshot: InventorySnapshot;
    try {
      snapshot = await collectInventory({ ctx, clients, config, cache });
    } catch (error) {
      throw new DiscoveryError(error, { ...ctx.calls });
    } finally {
      for (const warning of ctx.warnings) deps.onWarning?.(warning);
    }
    const { groups, skipped, droppedLabels, warnings } = buildTargets(snapshot, config);
    for (const warning of warnings) deps.onWarning?.(warning);
    const completedAt = now();
    return {
      body: renderTargets(groups),
      targetCount: groups.length,
      skipped,
      droppedLabels,
      awsCalls: { ...ctx.calls },
      durationMs: completedAt - started,
      completedAt,
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
