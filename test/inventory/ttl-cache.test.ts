/**
 * The process cache's expiry, and `remainingMs`, which lets a mutable-facts table grow without
 * outliving its first entry's 10 minutes (docs/decisions.md "EC2 labels (issue 15)").
 */
import { describe, expect, it } from 'vitest';
import { createTtlCache } from '../../lambda/inventory/ttl-cache.ts';

describe('createTtlCache', () => {
  it('serves an entry until its expiry and reports the time left', () => {
    // Prepare
    let now = 1_000;
    const cache = createTtlCache(() => now);
    cache.set('k', { a: 1 }, 600);

    // Act
    now += 599;
    const before = [cache.get('k'), cache.remainingMs('k')];
    now += 1;
    const after = [cache.get('k'), cache.remainingMs('k')];

    // Assess
    expect(before).toEqual([{ a: 1 }, 1]);
    expect(after).toEqual([undefined, 0]);
  });

  it('rewriting with the time left keeps the first expiry', () => {
    // Prepare
    let now = 0;
    const cache = createTtlCache(() => now);
    cache.set('table', { i1: 'a' }, 600);
    now = 400;

    // Act
    cache.set('table', { i1: 'a', i2: 'b' }, cache.remainingMs('table'));
    now = 600;

    // Assess
    expect(cache.get('table')).toBeUndefined();
    expect(cache.remainingMs('missing')).toBe(0);
  });
});
