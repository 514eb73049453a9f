/**
 * AWS API rate limits: the buckets the double enforces (AWS's published numbers, one per bucket
 * family, the same families the core's pacer uses) and the lower bound they put on a refresh's wall
 * time when the core paces itself to a share of them. Sources and assumptions: docs/benchmarks.md.
 */
import { AWS_RATE_FAMILIES } from '../lambda/aws/limits.ts';
import { OPTIONS } from '../lambda/config/options.ts';
import { AWS_BUCKETS, type TokenBucketSpec } from '../test/aws-double/index.ts';
import type { CallCounts } from './formulas.ts';

export type RateFamily = TokenBucketSpec & {
  /** Name in the tables. */
  readonly name: string;
  /** Where the numbers come from (Markdown). */
  readonly source: string;
};

const ECS_PAGE = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
const CLOUD_MAP_PAGE = 'https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html';

/** The share of every bucket the benchmark's core paces itself to: `AwsRateShare`'s default. */
export const BENCH_SHARE = Number(process.env.BENCH_RATE_SHARE ?? OPTIONS.awsRateShare.default);

/** The double's buckets (AWS's full size) with their names and sources, in the order of the tables. */
export const RATE_FAMILIES: readonly RateFamily[] = AWS_RATE_FAMILIES.flatMap((f): RateFamily[] => {
  const bucket = AWS_BUCKETS.find((b) => b.family.some((op) => f.operations.includes(op)));
  if (bucket === undefined) return [];
  const source = f.published
    ? `published: ${f.name.startsWith('ECS') ? `[ECS request throttling](${ECS_PAGE})` : `[Cloud Map throttling](${CLOUD_MAP_PAGE})`}`
    : 'assumed: Cloud Map publishes no control-plane rate; sized like the ECS service read group';
  return [{ ...bucket, name: f.name, source }];
});

/** The double's buckets, for `startAwsDouble({ buckets })`. */
export const doubleBuckets = (): TokenBucketSpec[] =>
  RATE_FAMILIES.map(({ family, burst, ratePerSecond }) => ({ family, burst, ratePerSecond }));

/**
 * Seconds a refresh making `calls` needs at least, paced to `share` of every bucket and starting
 * with full buckets: per family `max(0, calls − share × burst) / (share × rate)` (capacity at least 1),
 * the families draining in parallel, so the slowest family bounds the whole; and no faster than the
 * calls' own latency allows with `concurrency` calls in flight. `share` 1: unpaced, at AWS's sizes.
 */
export const lowerBoundSeconds = (
  calls: CallCounts,
  latencyMs: number,
  concurrency: number,
  share = BENCH_SHARE,
) => {
  const bucket = Math.max(0, ...RATE_FAMILIES.map((f) => familySeconds(f, calls, share)));
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const latency = (Math.ceil(totalCalls / concurrency) * latencyMs) / 1000;
  return { bucket, latency, bound: Math.max(bucket, latency) };
};

/** Seconds one family needs for its share of `calls` (see `lowerBoundSeconds`). */
export const familySeconds = (f: TokenBucketSpec, calls: CallCounts, share = BENCH_SHARE): number => {
  const n = f.family.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
  return Math.max(0, n - Math.max(1, f.burst * share)) / (f.ratePerSecond * share);
};

/** The docs' paragraph on where the numbers come from. */
export const RATE_LIMITS_NOTE: readonly string[] = [
  `ECS: the [request throttling page](${ECS_PAGE}) publishes one token bucket per action group, per`,
  'account and Region (burst = bucket size, sustained = refill rate), shared by the actions of the group:',
  'ListTasks, DescribeTasks, ListContainerInstances and DescribeContainerInstances draw from one bucket;',
  'ListServicesByNamespace has its own, small one (10 / 1 per second).',
  `Cloud Map: the [throttling page](${CLOUD_MAP_PAGE}) publishes a bucket only for the data plane's`,
  '`DiscoverInstances` (2,000 burst, 1,000 per second). **Assumption:** every control-plane action',
  '(ListNamespaces, ListServices, GetService, ListInstances, ListTagsForResource) has a bucket of its own',
  "of 100 burst / 20 per second, the size of ECS's service read group.",
  `The double enforces these full sizes; the core paces itself to \`AwsRateShare\` = ${BENCH_SHARE} of each,`,
  "leaving the rest to the account's other callers, and the wall-time bound below is computed for that share.",
];
