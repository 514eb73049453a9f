/**
 * Client-side pacing of AWS calls: one token bucket per AWS throttling bucket family, sized to a share
 * of AWS's numbers (`AwsRateShare`), so discovery leaves the rest of every bucket to the account's
 * other callers (deployments, consoles, other tools) and waits for a token instead of being throttled.
 *
 * One pacer is made per process at the edge and shared by every refresh of that process: the AWS
 * buckets are per account and Region, so two overlapping refreshes must draw from one budget.
 * The clock and the sleep are injected, so tests drive time by hand.
 */

import { performance } from 'node:perf_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import { AWS_RATE_FAMILIES, type RateFamily } from './limits.ts';

export type PacerClock = {
  /** Monotonic milliseconds. @default performance.now */
  readonly now: () => number;
  /** Resolves after `ms` milliseconds. @default node:timers/promises setTimeout */
  readonly sleep: (ms: number) => Promise<void>;
};

export type PacerOptions = Partial<PacerClock> & {
  /** Share of every AWS bucket discovery may use, in (0, 1]. */
  readonly share: number;
  /** The buckets to pace by. @default AWS_RATE_FAMILIES */
  readonly families?: readonly RateFamily[];
};

/** A bucket as the pacer sizes it: AWS's numbers times the share. */
export type PacedBucket = {
  readonly name: string;
  readonly operations: readonly string[];
  readonly capacity: number;
  readonly ratePerSecond: number;
};

export type Pacer = {
  /** Resolves when `operation` may be sent: at once while its bucket holds a token, else in FIFO order. */
  acquire(operation: string): Promise<void>;
  readonly buckets: readonly PacedBucket[];
};

/** Sizes the buckets. A capacity under one token could never send a call, so it is at least 1. */
export const pacedBuckets = (families: readonly RateFamily[], share: number): PacedBucket[] => {
  if (!(share > 0 && share <= 1)) throw new RangeError(`AWS rate share must be in (0, 1], got ${share}`);
  return families.map((f) => ({
    name: f.name,
    operations: f.operations,
    capacity: Math.max(1, f.burst * share),
    ratePerSecond: f.ratePerSecond * share,
  }));
};

type Bucket = {
  readonly spec: PacedBucket;
  tokens: number;
  last: number;
  readonly waiting: (() => void)[];
  pumping: boolean;
};

export const createPacer = (options: PacerOptions): Pacer => {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => wait(ms).then(() => undefined));
  const specs = pacedBuckets(options.families ?? AWS_RATE_FAMILIES, options.share);
  const start = now();
  const buckets = specs.map(
    (spec): Bucket => ({ spec, tokens: spec.capacity, last: start, waiting: [], pumping: false }),
  );
  const byOperation = new Map(buckets.flatMap((b) => b.spec.operations.map((op) => [op, b] as const)));

  const refill = (bucket: Bucket) => {
    const at = now();
    bucket.tokens = Math.min(
      bucket.spec.capacity,
      bucket.tokens + ((at - bucket.last) / 1000) * bucket.spec.ratePerSecond,
    );
    bucket.last = at;
  };

  // One pump per bucket hands out tokens to the waiters in order; a token is only ever taken when
  // the bucket holds a whole one, so the modelled bucket never goes below zero.
  const pump = async (bucket: Bucket) => {
    bucket.pumping = true;
    try {
      while (bucket.waiting.length > 0) {
        refill(bucket);
        if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          bucket.waiting.shift()?.();
        } else {
          // Rounded up to whole ms so the token is there when the sleep ends.
          await sleep(Math.ceil(((1 - bucket.tokens) / bucket.spec.ratePerSecond) * 1000));
        }
      }
    } finally {
      bucket.pumping = false;
    }
  };

  return {
    buckets: specs,
    acquire: (operation) => {
      const bucket = byOperation.get(operation);
      if (bucket === undefined) return Promise.resolve();
      refill(bucket);
      if (bucket.waiting.length === 0 && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        bucket.waiting.push(resolve);
        if (!bucket.pumping) void pump(bucket);
      });
    },
  };
};
