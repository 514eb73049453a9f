/**
 * Stale while refreshing (the local server's `refreshWaitMs`): a request does not wait longer than
 * the refresh has left of its wait when an earlier complete result may be served instead.
 */
import { describe, expect, it } from 'vitest';
import { createDiscoveryCache, RefreshTimeoutError } from '../../lambda/http/cache.ts';
import { discoveryResult, gatedDiscover, manualClock } from './support.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A cache whose first refresh answers `[1]` at once and whose later refreshes wait for the gate. */
const cacheAfterOneResult = async (options: { refreshWaitMs?: number; staleIfErrorSeconds?: number }) => {
  const clock = manualClock();
  const slow = gatedDiscover();
  let first = true;
  const cache = createDiscoveryCache({
    refresh: () => {
      if (!first) return slow.discover();
      first = false;
      return Promise.resolve(discoveryResult('[1]'));
    },
    ttlSeconds: 10,
    staleIfErrorSeconds: options.staleIfErrorSeconds ?? 600,
    ...(options.refreshWaitMs === undefined ? {} : { refreshWaitMs: options.refreshWaitMs }),
    now: clock.now,
  });
  await cache.read('r1');
  clock.advanceSeconds(11);
  return { cache, clock, slow };
};

describe('stale while refreshing', () => {
  it('answers from the earlier result once the refresh has run its wait, and the refresh still lands', async () => {
    // Prepare
    const { cache, clock, slow } = await cacheAfterOneResult({ refreshWaitMs: 30 });

    // Act
    const startedAt = performance.now();
    const waited = await cache.read('r2');
    const waitedMs = performance.now() - startedAt;
    clock.advanceSeconds(1); // the refresh has now run past its wait: no more waiting at all
    const joined = await cache.read('r3');
    slow.resolve(discoveryResult('[2]'));
    await settle();
    const next = await cache.read('r4');

    // Assess
    expect([waited.source, waited.entry.body.text, waited.ageSeconds, waited.maxAgeSeconds]).toEqual([
      'stale',
      '[1]',
      11,
      0,
    ]);
    expect(waited.error).toBeInstanceOf(RefreshTimeoutError);
    expect((waited.error as Error).message).toContain('budget of 30 ms');
    expect(waitedMs).toBeGreaterThanOrEqual(25);
    expect([joined.source, joined.entry.body.text, joined.ageSeconds]).toEqual(['stale', '[1]', 12]);
    // The budget the cache chose, not a wall-clock bound (which a busy machine could break).
    expect((joined.error as Error).message).toContain('budget of 0 ms');
    expect([next.source, next.entry.body.text]).toEqual(['hit', '[2]']);
    expect(slow.calls()).toBe(1);
  });

  it('gives the fresh result when the refresh lands inside the wait', async () => {
    // Prepare
    const { cache, slow } = await cacheAfterOneResult({ refreshWaitMs: 10_000 });

    // Act
    const pending = cache.read('r2');
    slow.resolve(discoveryResult('[2]'));
    const read = await pending;

    // Assess
    expect([read.source, read.entry.body.text]).toEqual(['refresh', '[2]']);
  });

  it('waits for the refresh without an earlier result, however short the wait', async () => {
    // Prepare
    const slow = gatedDiscover();
    const cache = createDiscoveryCache({
      refresh: slow.discover,
      ttlSeconds: 10,
      staleIfErrorSeconds: 600,
      refreshWaitMs: 0,
    });

    // Act
    const pending = cache.read('r1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.resolve(discoveryResult('[1]'));
    const read = await pending;

    // Assess
    expect([read.source, read.entry.body.text]).toEqual(['refresh', '[1]']);
  });

  it('waits for the refresh when the earlier result is outside the stale window', async () => {
    // Prepare: the earlier result is 11 s old, the stale window 5 s.
    const { cache, slow } = await cacheAfterOneResult({ refreshWaitMs: 0, staleIfErrorSeconds: 5 });

    // Act
    const pending = cache.read('r2');
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.resolve(discoveryResult('[2]'));
    const read = await pending;

    // Assess
    expect([read.source, read.entry.body.text]).toEqual(['refresh', '[2]']);
  });

  it('waits for the refresh when no wait is set (a Lambda environment is frozen once it answers)', async () => {
    // Prepare
    const { cache, slow } = await cacheAfterOneResult({});

    // Act
    const pending = cache.read('r2');
    await new Promise((resolve) => setTimeout(resolve, 20));
    slow.resolve(discoveryResult('[2]'));
    const read = await pending;

    // Assess
    expect([read.source, read.entry.body.text]).toEqual(['refresh', '[2]']);
  });
});
