/**
 * A small in-memory cache with per-entry expiry and an injectable clock. One instance per process
 * holds the top-level resources (`CacheTopLevelResources`): cluster and namespace lookups and
 * Cloud Map tags, which change rarely and cost one call per resource to read.
 */
export type TtlCache = {
  get<T>(key: string): T | undefined;
  set<T>(key: string, value: T, ttlMs: number): void;
  /** Milliseconds until `key` expires; 0 when it is absent or expired. */
  remainingMs(key: string): number;
  clear(): void;
  readonly size: number;
};

export const createTtlCache = (now: () => number = Date.now): TtlCache => {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  return {
    get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value as T;
    },
    remainingMs(key) {
      const entry = entries.get(key);
      return entry === undefined ? 0 : Math.max(0, entry.expiresAt - now());
    },
    set(key, value, ttlMs) {
      if (ttlMs > 0) entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
};

/** How long top-level resources are cached (docs/decisions.md "AWS reads and caching": a fixed 10 minutes). */
export const TOP_LEVEL_TTL_MS = 10 * 60 * 1000;

/** How long facts that never change (a Cloud Map service's namespace) are kept: a day, to bound memory. */
export const IMMUTABLE_TTL_MS = 24 * 60 * 60 * 1000;
