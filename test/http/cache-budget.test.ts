/** A refresh slower than the request's time budget: the request answers stale (or 503) in time. */
import { describe, expect, it } from 'vitest';
import {
  createDiscoveryCache,
  DiscoveryUnavailableError,
  RefreshTimeoutError,
} from '../../lambda/http/cache.ts';
import { discoveryResult, gatedDiscover, manualClock } from './support.ts';

describe('a refresh that outlives the request budget', () => {
  it('serves the last complete result as stale, and the refresh still lands for the next request', async () => {
    // Prepare
    const clock = manualClock();
    const slow = gatedDiscover();
    let first = true;
    const cache = createDiscoveryCache({
      refresh: () => {
        if (!first) return slow.discover();
        first = false;
        return Promise.resolve(discoveryResult('[1]'));
      },
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
      now: clock.now,
    });
    await cache.read('r1');
    clock.advanceSeconds(61);

    // Act
    const stale = await cache.read('r2', 20);
    slow.resolve(discoveryResult('[2]'));
    await new Promise((resolve) => setImmediate(resolve));
    const next = await cache.read('r3', 20);

    // Assess
    expect([stale.source, stale.entry.body.text, stale.error]).toEqual([
      'stale',
      '[1]',
      expect.any(RefreshTimeoutError),
    ]);
    expect([next.source, next.entry.body.text]).toEqual(['hit', '[2]']);
    expect(slow.calls()).toBe(1);
  });

  it('answers unavailable in time when there is no earlier result, without an unhandled rejection', async () => {
    // Prepare
    const slow = gatedDiscover();
    const cache = createDiscoveryCache({ refresh: slow.discover, ttlSeconds: 60, staleIfErrorSeconds: 600 });

    // Act
    const failure = await cache.read('r1', 20).catch((error: unknown) => error);
    slow.reject(new Error('late AWS failure'));
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(failure).toBeInstanceOf(DiscoveryUnavailableError);
    expect((failure as DiscoveryUnavailableError).cause).toBeInstanceOf(RefreshTimeoutError);
  });
});
