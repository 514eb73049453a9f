/**
 * Self-metrics served on `GET /metrics`, in a registry of their own (never prom-client's global
 * default registry, so two apps in one process, as in tests, never share or clash).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DiscoveryResult } from '../model/discovery.ts';

export const METRIC_PREFIX = 'ecs_cloudmap_sd_';

/** Outcome of a refresh (the `outcome` label of the duration histogram). */
const RefreshOutcome = { Success: 'success', Error: 'error' } as const;

type Outcomes = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * The calls a failed discovery made, by operation and outcome (`awsCallOutcomes` of the core's
 * `DiscoveryError`, the failed call included with its own outcome). A failure that carries none (not
 * from the core) counts as one `operation="unknown", outcome="error"` call.
 */
const failureOutcomes = (error: unknown): Outcomes | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { awsCallOutcomes } = error as { awsCallOutcomes?: unknown };
  return typeof awsCallOutcomes === 'object' && awsCallOutcomes !== null
    ? (awsCallOutcomes as Outcomes)
    : undefined;
};

/** The (account, Region) a failed discovery names (the core's `DiscoveryError.source`), if any. */
const failedSource = (error: unknown): { account: string; region: string } | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { source } = error as { source?: { name?: unknown } };
  if (typeof source?.name !== 'string') return undefined;
  const [account = '', region = ''] = source.name.split('/');
  return { account, region };
};

export type AppMetrics = {
  readonly registry: Registry;
  readonly refreshSucceeded: (result: DiscoveryResult) => void;
  readonly refreshFailed: (error: unknown, durationMs: number) => void;
  readonly served: (source: 'hit' | 'refresh' | 'stale', ageSeconds: number) => void;
  readonly responded: (route: string, status: number) => void;
};

export const createMetrics = (): AppMetrics => {
  const registry = new Registry();
  const registers = [registry];
  const refreshes = new Counter({
    name: `${METRIC_PREFIX}refreshes_total`,
    help: 'Discovery refreshes attempted (calls to AWS), successful or not.',
    registers,
  });
  const failures = new Counter({
    name: `${METRIC_PREFIX}refresh_failures_total`,
    help: 'Discovery refreshes that failed; no partial result is ever served.',
    registers,
  });
  const duration = new Histogram({
    name: `${METRIC_PREFIX}refresh_duration_seconds`,
    help: 'Wall time of a discovery refresh.',
    labelNames: ['outcome'] as const,
    // Small fleets refresh in well under a second; 10k-task fleets take tens of seconds under throttling.
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const awsCalls = new Counter({
    name: `${METRIC_PREFIX}aws_calls_total`,
    help: 'AWS API calls made by discovery refreshes, by operation and outcome (success, throttled, not_found, error); each call counted once.',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const sourceFailures = new Counter({
    name: `${METRIC_PREFIX}source_failures_total`,
    help: 'Failed refreshes by the source (account, Region) whose AWS read failed; the own account is "self".',
    labelNames: ['account', 'region'] as const,
    registers,
  });
  const cacheHits = new Counter({
    name: `${METRIC_PREFIX}cache_hits_total`,
    help: 'Target-list requests answered from the cache without calling AWS.',
    registers,
  });
  const staleServes = new Counter({
    name: `${METRIC_PREFIX}stale_responses_total`,
    help: 'Target-list requests answered with the last complete result after a failed refresh.',
    registers,
  });
  const targets = new Gauge({
    name: `${METRIC_PREFIX}targets`,
    help: 'Target groups in the last complete discovery result.',
    registers,
  });
  const skipped = new Gauge({
    name: `${METRIC_PREFIX}skipped_tasks`,
    help: 'Running tasks that produced no target in the last complete discovery result, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const dropped = new Gauge({
    name: `${METRIC_PREFIX}dropped_labels`,
    help: 'Labels left out of the last complete discovery result, by reason (reserved tag names, oversized values).',
    labelNames: ['reason'] as const,
    registers,
  });
  const age = new Gauge({
    name: `${METRIC_PREFIX}served_result_age_seconds`,
    help: 'Age of the discovery result served by the last target-list response.',
    registers,
  });
  const requests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by route and status code.',
    labelNames: ['route', 'code'] as const,
    registers,
  });

  const countCalls = (outcomes: Outcomes): void => {
    for (const [operation, counts] of Object.entries(outcomes)) {
      for (const [outcome, count] of Object.entries(counts)) awsCalls.inc({ operation, outcome }, count);
    }
  };

  return {
    registry,
    refreshSucceeded: (result) => {
      refreshes.inc();
      duration.observe({ outcome: RefreshOutcome.Success }, result.durationMs / 1000);
      countCalls(result.awsCallOutcomes);
      targets.set(result.targetCount);
      for (const [reason, count] of Object.entries(result.skipped)) skipped.set({ reason }, count);
      for (const [reason, count] of Object.entries(result.droppedLabels)) dropped.set({ reason }, count);
    },
    refreshFailed: (error, durationMs) => {
      refreshes.inc();
      failures.inc();
      duration.observe({ outcome: RefreshOutcome.Error }, durationMs / 1000);
      const source = failedSource(error);
      if (source !== undefined) sourceFailures.inc(source);
      const outcomes = failureOutcomes(error);
      if (outcomes) countCalls(outcomes);
      else awsCalls.inc({ operation: 'unknown', outcome: RefreshOutcome.Error });
    },
    served: (source, ageSeconds) => {
      if (source === 'hit') cacheHits.inc();
      if (source === 'stale') staleServes.inc();
      age.set(ageSeconds);
    },
    responded: (route, status) => requests.inc({ route, code: String(status) }),
  };
};
