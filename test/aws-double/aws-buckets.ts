/**
 * AWS's token buckets as the double enforces them: the families of `lambda/aws/limits.ts` at AWS's
 * full published (or assumed) size, so ListTasks and DescribeTasks share one bucket on purpose and
 * ListServicesByNamespace has its own 10 / 1. Operations the double does not speak are left out.
 */
import { AWS_RATE_FAMILIES } from '../../lambda/aws/limits.ts';
import type { TokenBucketSpec } from './faults.ts';
import { OPERATIONS, type Operation } from './operations.ts';

const spoken = new Set<string>(OPERATIONS);
const isSpoken = (op: string): op is Operation => spoken.has(op);

export const AWS_BUCKETS: readonly TokenBucketSpec[] = AWS_RATE_FAMILIES.map((f) => ({
  family: f.operations.filter(isSpoken),
  burst: f.burst,
  ratePerSecond: f.ratePerSecond,
})).filter((b) => b.family.length > 0);
