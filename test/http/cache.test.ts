import { describe, expect, it } from 'vitest';
import { createDiscoveryCache, DiscoveryUnavailableError } from '../../lambda/http/cache.ts';
import { discoveryResult, gatedDiscover, manualClock, scriptedDiscover } from './support.ts';

const awsDown = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('createDiscoveryCache', () => {
  it('serves a result from the cache until its TTL has passed, then refreshes', async () => {
    // Prepare
    const clock = manualClock();
    const fake = scriptedDiscover(discoveryResult('[1]'), discoveryResult('[2]'));
    const cache = createDiscoveryCache({
      refresh: fake.discover,
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
      now: clock.now,
    });

    // Act
    const first = await cache.read('r1');
    clock.advanceSeconds(59);
    const second = await cache.read('r2');
    clock.advanceSeconds(1);
    const third = await cache.read('r3');

    // Assess
    expect(
      [first, second, third].map((read) => [
        read.source,
        read.entry.body.text,
        read.ageSeconds,
        read.maxAgeSeconds,
      ]),
    ).toEqual([
      ['refresh', '[1]', 0, 60],
      ['hit', '[1]', 59, 1],
      ['refresh', '[2]', 0, 60],
    ]);
    expect(fake.calls()).toBe(2);
  });

  it('refreshes on every read when the TTL is 0', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult());
    const cache = createDiscoveryCache({ refresh: fake.discover, ttlSeconds: 0, staleIfErrorSeconds: 600 });

    // Act
    const sources = [(await cache.read('r1')).source, (await cache.read('r2')).source];

    // Assess
    expect([sources, fake.calls()]).toEqual([['refresh', 'refresh'], 2]);
  });

  it.each([60, 0])('shares one refresh among concurrent reads (TTL %i)', async (ttlSeconds) => {
    // Prepare
    const fake = gatedDiscover();
    const cache = createDiscoveryCache({ refresh: fake.discover, ttlSeconds, staleIfErrorSeconds: 600 });

    // Act
    const reads = Array.from({ length: 20 }, (_, i) => cache.read(`r${i}`));
    fake.resolve(discoveryResult('[42]'));
    const results = await Promise.all(reads);

    // Assess
    expect(fake.calls()).toBe(1);
    expect(new Set(results.map((read) => read.entry.body.text))).toEqual(new Set(['[42]']));
  });

  it('serves the last complete result while it is inside the stale window, then fails', async () => {
    // Prepare
    const clock = manualClock();
    const fake = scriptedDiscover(discoveryResult('[1]'), awsDown());
    const cache = createDiscoveryCache({
      refresh: fake.discover,
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
      now: clock.now,
    });
    await cache.read('r1');

    // Act
    clock.advanceSeconds(61);
    const stale = await cache.read('r2');
    clock.advanceSeconds(538); // 599 s after the result was stored
    const lastStale = await cache.read('r3');
    clock.advanceSeconds(1);
    const failed = cache.read('r4');

    // Assess
    expect([stale.source, stale.ageSeconds, stale.maxAgeSeconds, stale.entry.body.text]).toEqual([
      'stale',
      61,
      0,
      '[1]',
    ]);
    expect((stale.error as Error).name).toBe('ThrottlingException');
    expect([lastStale.source, lastStale.ageSeconds]).toEqual(['stale', 599]);
    await expect(failed).rejects.toBeInstanceOf(DiscoveryUnavailableError);
    expect(fake.calls()).toBe(4);
  });

  it('fails at once when nothing was ever discovered, and keeps the cause', async () => {
    // Prepare
    const cache = createDiscoveryCache({
      refresh: scriptedDiscover(awsDown()).discover,
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
    });

    // Act
    const error = await cache.read('r1').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DiscoveryUnavailableError);
    expect(((error as Error).cause as Error).message).toBe('Rate exceeded');
  });

  it('tries AWS again on the read after a failure and recovers', async () => {
    // Prepare
    const clock = manualClock();
    const fake = scriptedDiscover(discoveryResult('[1]'), awsDown(), discoveryResult('[2]'));
    const cache = createDiscoveryCache({
      refresh: fake.discover,
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
      now: clock.now,
    });
    await cache.read('r1');
    clock.advanceSeconds(61);
    await cache.read('r2');

    // Act
    clock.advanceSeconds(1);
    const recovered = await cache.read('r3');

    // Assess
    expect([recovered.source, recovered.entry.body.text, recovered.ageSeconds, fake.calls()]).toEqual([
      'refresh',
      '[2]',
      0,
      3,
    ]);
  });

  it('never serves stale data when the stale window is 0', async () => {
    // Prepare
    const clock = manualClock();
    const fake = scriptedDiscover(discoveryResult('[1]'), awsDown());
    const cache = createDiscoveryCache({
      refresh: fake.discover,
      ttlSeconds: 0,
      staleIfErrorSeconds: 0,
      now: clock.now,
    });
    await cache.read('r1');

    // Act
    const failed = cache.read('r2');

    // Assess
    await expect(failed).rejects.toBeInstanceOf(DiscoveryUnavailableError);
  });

  it('hands the id of the request that started a refresh to the refresh', async () => {
    // Prepare
    const ids: string[] = [];
    const cache = createDiscoveryCache({
      refresh: async (requestId) => {
        ids.push(requestId);
        return discoveryResult();
      },
      ttlSeconds: 60,
      staleIfErrorSeconds: 600,
    });

    // Act
    await Promise.all([cache.read('first'), cache.read('second')]);

    // Assess
    expect(ids).toEqual(['first']);
  });
});
