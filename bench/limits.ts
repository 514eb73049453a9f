/**
 * AWS API rate limits the double enforces with token buckets (one per operation family), and the
 * lower bound they put on a refresh's wall time. Sources and assumptions: docs/benchmarks.md.
 */
import type { TokenBucketSpec } from '../test/aws-double/index.ts';
import type { CallCounts } from './formulas.ts';

export type RateFamily = TokenBucketSpec & {
  /** Name in the tables. */
  readonly name: string;
  /** Where the numbers come from (Markdown). */
  readonly source: string;
};

const ECS_PAGE = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
const ECS_LINK = `[ECS request throttling](${ECS_PAGE})`;
const CLOUD_MAP_ASSUMED = 'assumed (Cloud Map publishes a rate only for DiscoverInstances)';

/**
 * ECS: one bucket per documented action group. Cloud Map: each action its own bucket, sized like the
 * ECS read groups (an assumption, see docs/benchmarks.md).
 */
export const RATE_FAMILIES: readonly RateFamily[] = [
  {
    name: 'ECS cluster read',
    family: ['ecs:DescribeClusters', 'ecs:ListClusters'],
    burst: 50,
    ratePerSecond: 20,
    source: `${ECS_LINK}: burst documented, rate assumed`,
  },
  {
    name: 'ECS service read',
    family: ['ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListServicesByNamespace'],
    burst: 100,
    ratePerSecond: 20,
    source: `${ECS_LINK}: group documented, values assumed`,
  },
  {
    name: 'ECS task read',
    family: ['ecs:ListTasks', 'ecs:DescribeTasks'],
    burst: 100,
    ratePerSecond: 20,
    source: `${ECS_LINK}: group documented, values assumed`,
  },
  ...(
    [
      'servicediscovery:ListNamespaces',
      'servicediscovery:GetNamespace',
      'servicediscovery:ListServices',
      'servicediscovery:GetService',
      'servicediscovery:ListInstances',
      'servicediscovery:ListTagsForResource',
    ] as const
  ).map(
    (op): RateFamily => ({
      name: `Cloud Map ${op.split(':')[1]}`,
      family: [op],
      burst: 100,
      ratePerSecond: 20,
      source: CLOUD_MAP_ASSUMED,
    }),
  ),
];

/**
 * Seconds a refresh making `calls` needs at least, starting with full buckets: per family
 * `(calls - burst) / rate`, the families draining in parallel, so the slowest family bounds the
 * whole; and no faster than the calls' own latency allows with `concurrency` calls in flight.
 */
export const lowerBoundSeconds = (calls: CallCounts, latencyMs: number, concurrency: number) => {
  const bucket = Math.max(
    0,
    ...RATE_FAMILIES.map((f) => {
      const n = f.family.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
      return Math.max(0, n - f.burst) / f.ratePerSecond;
    }),
  );
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  const latency = (Math.ceil(totalCalls / concurrency) * latencyMs) / 1000;
  return { bucket, latency, bound: Math.max(bucket, latency) };
};
