/**
 * Wires the discovery core: AWS reads -> inventory snapshot -> targets -> http_sd body.
 * `createDiscover` is called once per process (cold start); each call of the returned function is
 * one complete refresh that either resolves with the whole result or rejects.
 */
import type { CallOutcomes, Warning } from './aws/call-context.ts';
import type { AwsClients } from './aws/clients.ts';
import type { Pacer } from './aws/pacer.ts';
import { resolveSources, type Source } from './aws/sources.ts';
import type { SourceId } from './config/sources.ts';
import type { DiscoveryConfig } from './config/types.ts';
import { collectSources } from './inventory/sources.ts';
import { createTtlCache, type TtlCache } from './inventory/ttl-cache.ts';
import type { Discover, DiscoveryResult } from './model/discovery.ts';
import type { Explain } from './model/explain.ts';
import type { InventorySnapshot } from './model/inventory.ts';
import { buildTargets, renderTargets } from './targets/index.ts';
import type { TargetGroup } from './targets/target-group.ts';

export type DiscoverDeps = {
  /**
   * SDK clients of the single own-account source (no `AssumeRoleArns`, at most one Region); made
   * from the standard AWS settings when absent.
   */
  readonly clients?: AwsClients;
  /** Every source with its clients and pacer (several accounts or Regions). @default made from `config` */
  readonly sources?: readonly Source[];
  /** Receives AWS `failures` entries and other expected oddities of one refresh (log them as warnings). */
  readonly onWarning?: (warning: Warning) => void;
  /** Clock for durations and the top-level cache. @default Date.now */
  readonly now?: () => number;
  /** Cache of top-level resources, shared across refreshes. @default a new in-memory cache */
  readonly cache?: TtlCache;
  /**
   * Paces every AWS call of every refresh of this process (the single own-account source; with
   * several sources each has its own, in `sources`). @default one pacer at `config.awsRateShare`
   * of AWS's buckets, made here once
   */
  readonly pacer?: Pacer;
};

/** The source a refresh failed in, as errors, logs and metrics name it. */
export type FailedSource = SourceId & { readonly name: string };

/**
 * A refresh failed; `cause` holds the AWS error, `awsCalls` what was called before it failed (the
 * failed call included, all sources together), `awsCallOutcomes` the same calls by how they ended,
 * and `source` the (account, Region) whose read failed (the first in configuration order).
 */
export class DiscoveryError extends Error {
  readonly awsCalls: Readonly<Record<string, number>>;
  readonly awsCallOutcomes: CallOutcomes;
  readonly source: FailedSource | undefined;
  constructor(
    cause: unknown,
    awsCalls: Readonly<Record<string, number>>,
    awsCallOutcomes: CallOutcomes = {},
    source?: FailedSource,
  ) {
    super(
      source === undefined
        ? 'Discovery failed: an AWS read did not complete'
        : `Discovery failed: an AWS read did not complete in source ${source.name}`,
      { cause },
    );
    this.name = 'DiscoveryError';
    this.awsCalls = awsCalls;
    this.awsCallOutcomes = awsCallOutcomes;
    this.source = source;
  }
}

const copyOutcomes = (outcomes: CallOutcomes): CallOutcomes =>
  Object.fromEntries(Object.entries(outcomes).map(([op, counts]) => [op, { ...counts }]));

/** The full outcome of one refresh, for the CLI and tests that want more than the body. */
export type DiscoveryDetails = DiscoveryResult & {
  readonly explain: Explain;
  readonly snapshot: InventorySnapshot;
  readonly groups: readonly TargetGroup[];
  /** AWS calls per source name (`111111111111/eu-west-1`, `self/…`), in configuration order. */
  readonly awsCallsBySource: Readonly<Record<string, Readonly<Record<string, number>>>>;
};

export const createDiscoverDetailed = (
  config: DiscoveryConfig,
  deps: DiscoverDeps = {},
): (() => Promise<DiscoveryDetails>) => {
  const now = deps.now ?? Date.now;
  const cache = deps.cache ?? createTtlCache(now);
  const sources = resolveSources(config, deps);
  return async () => {
    const started = now();
    const collected = await collectSources({ config, sources, cache });
    for (const warning of collected.warnings) deps.onWarning?.(warning);
    if (collected.failure !== undefined) {
      const { error, source } = collected.failure;
      throw new DiscoveryError(error, collected.calls, copyOutcomes(collected.outcomes), {
        accountId: source.plan.accountId,
        region: source.plan.region,
        name: source.name,
      });
    }
    const snapshot = collected.snapshot;
    const { groups, skipped, droppedLabels, warnings, explain } = buildTargets(snapshot, config);
    for (const warning of warnings) deps.onWarning?.(warning);
    const completedAt = now();
    return {
      body: renderTargets(groups),
      targetCount: groups.length,
      skipped,
      droppedLabels,
      awsCalls: collected.calls,
      awsCallOutcomes: copyOutcomes(collected.outcomes),
      awsCallsBySource: collected.callsBySource,
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
    const { snapshot: _snapshot, groups: _groups, awsCallsBySource: _bySource, ...result } = await detailed();
    return result;
  };
};
