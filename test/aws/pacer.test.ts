import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AWS_RATE_FAMILIES } from '../../lambda/aws/limits.ts';
import { createPacer, pacedBuckets } from '../../lambda/aws/pacer.ts';

/** Settles every pending promise reaction (a macrotask turn; no wall-clock wait). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Virtual time: `sleep` registers a timer, `run` jumps from timer to timer until none is left. */
const fakeTime = () => {
  let t = 0;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  return {
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: t + ms, seq: seq++, resolve });
      }),
    run: async () => {
      for (;;) {
        await settle();
        if (timers.length === 0) return;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (next === undefined) return;
        t = Math.max(t, next.at);
        next.resolve();
      }
    },
  };
};

describe('pacedBuckets', () => {
  it('sizes every AWS bucket family to the share, capacity at least one token', () => {
    // Act
    const half = pacedBuckets(AWS_RATE_FAMILIES, 0.5).map((b) => [b.name, b.capacity, b.ratePerSecond]);
    const tiny = pacedBuckets(AWS_RATE_FAMILIES, 0.01).find((b) => b.name === 'ECS ListServicesByNamespace');

    // Assess
    expect(half).toEqual([
      ['ECS cluster read', 25, 10],
      ['ECS service read', 50, 10],
      ['ECS cluster resource read', 50, 10],
      ['ECS task definition read', 25, 10],
      ['ECS tag read', 25, 10],
      ['ECS ListServicesByNamespace', 5, 0.5],
      ['EC2 DescribeInstances', 50, 10],
      ['EC2 DescribeNetworkInterfaces', 50, 10],
      ['Cloud Map DiscoverInstances', 1000, 500],
      ['Cloud Map ListNamespaces', 50, 10],
      ['Cloud Map GetNamespace', 50, 10],
      ['Cloud Map ListServices', 50, 10],
      ['Cloud Map GetService', 50, 10],
      ['Cloud Map ListInstances', 50, 10],
      ['Cloud Map ListTagsForResource', 50, 10],
    ]);
    expect([tiny?.capacity, tiny?.ratePerSecond]).toEqual([1, 0.01]);
  });

  it.each([0, -0.5, 1.5, Number.NaN])('rejects the share %s', (share) => {
    expect(() => pacedBuckets(AWS_RATE_FAMILIES, share)).toThrow(
      `AWS rate share must be in (0, 1], got ${share}`,
    );
  });
});

describe('createPacer', () => {
  const grantTimes = async (share: number, operations: readonly string[]) => {
    const time = fakeTime();
    const pacer = createPacer({ share, now: time.now, sleep: time.sleep });
    const granted: [string, number][] = [];
    const all = Promise.all(
      operations.map((op) => pacer.acquire(op).then(() => granted.push([op, time.now()]))),
    );
    await time.run();
    await all;
    return granted;
  };

  it('lets the burst through at once, then one call per refill interval (ListServicesByNamespace 5 / 0.5 s⁻¹)', async () => {
    // Act
    const granted = await grantTimes(0.5, Array(7).fill('ecs:ListServicesByNamespace'));

    // Assess
    expect(granted.map(([, t]) => t)).toEqual([0, 0, 0, 0, 0, 2000, 4000]);
  });

  it('makes ListTasks and DescribeTasks wait in one bucket, and never holds up another bucket', async () => {
    // Act
    const granted = await grantTimes(0.5, [
      ...Array(50).fill('ecs:ListTasks'),
      'ecs:DescribeTasks',
      'servicediscovery:DiscoverInstances',
      'sts:GetCallerIdentity',
    ]);

    // Assess: the 51st call of the cluster resource read bucket (50 / 10 s⁻¹) waits 100 ms.
    expect(granted.slice(-3)).toEqual([
      ['servicediscovery:DiscoverInstances', 0],
      ['sts:GetCallerIdentity', 0],
      ['ecs:DescribeTasks', 100],
    ]);
  });

  it('never lets a bucket go below zero, whatever concurrent refreshes ask for', async () => {
    const operations = [
      'ecs:ListTasks',
      'ecs:DescribeTasks',
      'ecs:DescribeServices',
      'ecs:ListServicesByNamespace',
      'servicediscovery:ListTagsForResource',
      'servicediscovery:DiscoverInstances',
    ] as const;
    const step = fc.record({
      gapMs: fc.integer({ min: 0, max: 3000 }),
      calls: fc.array(fc.constantFrom(...operations), { minLength: 1, maxLength: 40 }),
    });
    const refresh = fc.array(step, { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.array(refresh, { minLength: 1, maxLength: 4 }),
        async (share, refreshes) => {
          // Prepare: every refresh runs its steps in order, the calls of one step at once.
          const time = fakeTime();
          const pacer = createPacer({ share, now: time.now, sleep: time.sleep });
          const granted: { op: string; at: number }[] = [];
          const runRefresh = async (steps: (typeof refreshes)[number]) => {
            for (const { gapMs, calls } of steps) {
              await time.sleep(gapMs);
              await Promise.all(
                calls.map((op) => pacer.acquire(op).then(() => granted.push({ op, at: time.now() }))),
              );
            }
          };

          // Act
          const done = Promise.all(refreshes.map(runRefresh));
          await time.run();
          await done;

          // Assess: every call was granted, and replaying the grants against a bucket of the paced
          // size (full at 0, refilled continuously) never takes a token that is not there.
          const asked = refreshes.flat().reduce((n, s) => n + s.calls.length, 0);
          expect(granted).toHaveLength(asked);
          for (const bucket of pacedBuckets(AWS_RATE_FAMILIES, share)) {
            let tokens = bucket.capacity;
            let last = 0;
            for (const { at } of granted.filter((g) => bucket.operations.includes(g.op))) {
              tokens = Math.min(bucket.capacity, tokens + ((at - last) / 1000) * bucket.ratePerSecond);
              last = at;
              tokens -= 1;
              expect(tokens).toBeGreaterThanOrEqual(-1e-9);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
