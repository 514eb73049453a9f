import { describe, expect, it } from 'vitest';
import type { LatencySpec } from './faults.ts';
import { latencyFor, TokenBucket } from './faults.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the sustained rate, never above the burst', () => {
    // Prepare
    const bucket = new TokenBucket({ family: ['ecs:ListTasks'], burst: 2, ratePerSecond: 10 }, 0);

    // Act
    const takes = [
      bucket.take(0),
      bucket.take(0),
      bucket.take(0),
      bucket.take(100), // one token refilled after 100 ms at 10/s
      bucket.take(100),
      bucket.take(10_100), // refilled to the burst of 2, not 100
      bucket.take(10_100),
      bucket.take(10_100),
    ];

    // Assess
    expect(takes).toEqual([true, true, false, true, false, true, true, false]);
  });
});

describe('latencyFor', () => {
  it.each<[string, LatencySpec, number]>([
    ['a global number', 25, 25],
    ['the operation entry', { 'ecs:ListTasks': 40, default: 5 }, 40],
    ['the default entry', { 'ecs:DescribeTasks': 40, default: 5 }, 5],
    ['no entry', { 'ecs:DescribeTasks': 40 }, 0],
  ])('takes %s', (_case, latency, expected) => {
    // Act / Assess
    expect(latencyFor(latency, 'ecs:ListTasks')).toBe(expected);
  });
});
