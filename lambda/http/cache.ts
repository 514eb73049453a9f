/**
 * The per-container discovery cache: TTL, single-flight refresh, stale-if-error.
 *
 * - A result younger than `ttlSeconds` is served as is (`hit`). `ttlSeconds = 0` means every
 *   request refreshes, but concurrent requests still share one refresh.
 * - One refresh at a time: requests arriving during a refresh wait for it and share its outcome.
 * - When a refresh fails, the last complete result is served (`stale`) while it is younger than
 *   `staleIfErrorSeconds`; after that the read fails with `DiscoveryUnavailableError`.
 * - Failures are not cached: the next read after a failure refreshes again.
 * - With `refreshWaitMs` (long-lived processes only: the local server), a request that finds a
 *   refresh needed while an earlier complete result is inside the stale window waits until that
 *   refresh has run `refreshWaitMs`, then gets the earlier result as `stale`; the refresh goes on
 *   and a later request gets it.
 *   A Lambda environment is frozen once it answers, so there the request waits for its refresh.
 */
import type { DiscoveryResult } from '../model/discovery.ts';
import { type PreparedBody, prepareBody } from './body.ts';

export type CacheOptions = {
  /** Runs one discovery for the request (id) that started it; rejects on any AWS failure. */
  readonly refresh: (requestId: string) => Promise<DiscoveryResult>;
  /** Lifetime of a result. 0 = no cache. @default 60 (from `DiscoveryOptions__CacheTtlSeconds`) */
  readonly ttlSeconds: number;
  /** How long after it was stored a result may be served when refreshing fails. @default 600 */
  readonly staleIfErrorSeconds: number;
  /**
   * Stale-while-refresh: how long a request waits for a refresh when an earlier complete result
   * (younger than `staleIfErrorSeconds`) can be served instead. @default undefined (wait for it)
   */
  readonly refreshWaitMs?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
};

export type CacheEntry = {
  readonly result: DiscoveryResult;
  readonly body: PreparedBody;
  /** Epoch milliseconds (cache clock) at which the result was stored. */
  readonly storedAt: number;
};

export const CacheSource = {
  /** Served from the cache without calling AWS. */
  Hit: 'hit',
  /** Produced by a refresh this request started or joined. */
  Refresh: 'refresh',
  /** The refresh failed; this is the last complete result, inside the stale window. */
  Stale: 'stale',
} as const;
export type CacheSource = (typeof CacheSource)[keyof typeof CacheSource];

export type CacheRead = {
  readonly entry: CacheEntry;
  readonly source: CacheSource;
  /** Whole seconds since the entry was stored. */
  readonly ageSeconds: number;
  /** Whole seconds of TTL left (0 for a stale entry): the `Cache-Control: max-age`. */
  readonly maxAgeSeconds: number;
  /** The refresh failure behind a `stale` read. */
  readonly error?: unknown;
};

/** No result may be served: the refresh failed and nothing complete is younger than the stale window. */
export class DiscoveryUnavailableError extends Error {
  constructor(options: ErrorOptions) {
    super('Discovery failed and no result within the stale window is available', options);
    this.name = 'DiscoveryUnavailableError';
  }
}

export type DiscoveryCache = {
  /**
   * The result to serve to request `requestId` (which starts the refresh when one is needed).
   * @throws DiscoveryUnavailableError
   */
  readonly read: (requestId: string, budgetMs?: number) => Promise<CacheRead>;
};

/** A refresh outlived the request's time budget; it goes on, and a later request gets its result. */
export class RefreshTimeoutError extends Error {
  constructor(budgetMs: number) {
    super(`The refresh did not complete within the request's budget of ${budgetMs} ms`);
    this.name = 'RefreshTimeoutError';
  }
}

/** `promise`, or a RefreshTimeoutError after `budgetMs` (no timer when there is no budget). */
const within = <T>(promise: Promise<T>, budgetMs: number | undefined): Promise<T> => {
  if (budgetMs === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RefreshTimeoutError(budgetMs)), budgetMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export const createDiscoveryCache = (options: CacheOptions): DiscoveryCache => {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  const staleMs = options.staleIfErrorSeconds * 1000;
  let current: CacheEntry | undefined;
  let inFlight: Promise<CacheEntry> | undefined;
  let inFlightSince = 0;

  const describe = (entry: CacheEntry, source: CacheSource, at: number, error?: unknown): CacheRead => {
    const ageMs = Math.max(0, at - entry.storedAt);
    const maxAgeSeconds = source === CacheSource.Stale ? 0 : Math.max(0, Math.floor((ttlMs - ageMs) / 1000));
    const read = { entry, source, ageSeconds: Math.floor(ageMs / 1000), maxAgeSeconds };
    return error === undefined ? read : { ...read, error };
  };

  const refreshOnce = async (requestId: string): Promise<CacheEntry> => {
    const result = await options.refresh(requestId);
    current = { result, body: prepareBody(result.body), storedAt: now() };
    return current;
  };

  return {
    read: async (requestId, budgetMs) => {
      const startedAt = now();
      if (current !== undefined && startedAt - current.storedAt < ttlMs) {
        return describe(current, CacheSource.Hit, startedAt);
      }
      if (inFlight === undefined) {
        inFlightSince = startedAt;
        inFlight = refreshOnce(requestId).finally(() => {
          inFlight = undefined;
        });
        // A request that gave up on the refresh leaves no one awaiting it: its failure is handled here.
        inFlight.catch(() => undefined);
      }
      // docs/decisions.md, "Stale while refreshing (issue 10)": the long-lived server answers from
      // the earlier result rather than holding every connection for the length of a refresh.
      const servable = current !== undefined && startedAt - current.storedAt < staleMs;
      const waitMs =
        servable && options.refreshWaitMs !== undefined
          ? Math.min(
              Math.max(0, options.refreshWaitMs - (startedAt - inFlightSince)),
              budgetMs ?? Number.POSITIVE_INFINITY,
            )
          : budgetMs;
      try {
        const entry = await within(inFlight, waitMs);
        return describe(entry, CacheSource.Refresh, now());
      } catch (error) {
        const failedAt = now();
        if (current !== undefined && failedAt - current.storedAt < staleMs) {
          return describe(current, CacheSource.Stale, failedAt, error);
        }
        throw new DiscoveryUnavailableError({ cause: error });
      }
    },
  };
};
