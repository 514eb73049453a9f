/**
 * The endpoint's result source in snapshot mode: the snapshot the refresher wrote, read from S3 with
 * `If-None-Match` on the entity tag held in memory (a 304 costs no download and no parse), at most once
 * per request and not at all for requests within `RECHECK_MS` of the last read. It never calls ECS or
 * Cloud Map. Ages count from the snapshot's last full reconcile:
 * - older than `CacheTtlSeconds + StaleIfErrorSeconds`: 503;
 * - older than two schedule periods (period = max(CacheTtlSeconds, 60) s): served as stale
 *   (`Age`, `X-Discovery-Stale: true`);
 * - no snapshot yet (or none readable): 503 with `Retry-After`.
 */

import type { SnapshotStore } from '../aws/snapshot-store.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { errorFields, type Log } from '../log.ts';
import { decodeSnapshot, type Snapshot } from '../model/snapshot.ts';
import { type PreparedBody, preparedBodyOf } from './body.ts';
import { type CacheEntry, type CacheRead, CacheSource, type DiscoveryCache } from './cache.ts';
import { HttpProblem } from './problem.ts';

/** Requests within this many ms of the last S3 read are answered from memory. */
export const RECHECK_MS = 1000;

/** The schedule never runs more often than once a minute (EventBridge's finest rate). */
export const MIN_SCHEDULE_SECONDS = 60;

/** Seconds a client should wait when there is no snapshot: the deploy-time refresh is under way. */
export const NO_SNAPSHOT_RETRY_AFTER_SECONDS = 10;

export const schedulePeriodSeconds = (config: Pick<DiscoveryConfig, 'cacheTtlSeconds'>): number =>
  Math.max(config.cacheTtlSeconds, MIN_SCHEDULE_SECONDS);

export type SnapshotSourceOptions = {
  readonly store: SnapshotStore;
  readonly config: Pick<DiscoveryConfig, 'cacheTtlSeconds' | 'staleIfErrorSeconds'>;
  readonly logger: Log;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
};

type Held = { readonly etag: string; readonly snapshot: Snapshot; readonly entry: CacheEntry };

const preparedOf = (snapshot: Snapshot): PreparedBody =>
  preparedBodyOf({
    text: snapshot.body,
    gzip: Buffer.from(snapshot.gzipBase64, 'base64'),
    etag: snapshot.etag,
    gzipEtag: snapshot.gzipEtag,
  });

const hold = (etag: string, snapshot: Snapshot): Held => ({
  etag,
  snapshot,
  entry: {
    result: {
      body: snapshot.body,
      targetCount: snapshot.targetCount,
      skipped: snapshot.skipped,
      droppedLabels: snapshot.droppedLabels,
      awsCalls: snapshot.awsCalls,
      // The serving process made none of the refresher's calls; its own S3 reads are not counted here.
      awsCallOutcomes: {},
      durationMs: snapshot.durationMs,
      completedAt: snapshot.completedAt,
      ...(snapshot.explain === undefined ? {} : { explain: snapshot.explain }),
    },
    body: preparedOf(snapshot),
    storedAt: snapshot.reconciledAt,
  },
});

export const createSnapshotSource = (options: SnapshotSourceOptions): DiscoveryCache => {
  const now = options.now ?? Date.now;
  const log = options.logger;
  const ttlMs = options.config.cacheTtlSeconds * 1000;
  const unavailableMs = (options.config.cacheTtlSeconds + options.config.staleIfErrorSeconds) * 1000;
  const staleMs = 2 * schedulePeriodSeconds(options.config) * 1000;
  let held: Held | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const check = async (requestId: string): Promise<void> => {
    try {
      const read = await options.store.read(held?.etag);
      if (read.kind === 'found') held = hold(read.etag, decodeSnapshot(read.text));
      else if (read.kind === 'missing') held = undefined;
    } catch (error) {
      // The held snapshot (if any) goes on being served; its age decides for how long.
      log.error('snapshot read failed', { requestId, error: errorFields(error) });
    }
  };

  const refreshHeld = (requestId: string, at: number): Promise<void> => {
    if (at - checkedAt < RECHECK_MS) return Promise.resolve();
    inFlight ??= check(requestId).finally(() => {
      checkedAt = at;
      inFlight = undefined;
    });
    return inFlight;
  };

  return {
    read: async (requestId): Promise<CacheRead> => {
      await refreshHeld(requestId, now());
      const at = now();
      if (held === undefined) {
        throw new HttpProblem(503, 'No target snapshot has been written yet.', {
          'Retry-After': String(NO_SNAPSHOT_RETRY_AFTER_SECONDS),
        });
      }
      const ageMs = Math.max(0, at - held.snapshot.reconciledAt);
      const ageSeconds = Math.floor(ageMs / 1000);
      if (ageMs >= unavailableMs) {
        throw new HttpProblem(
          503,
          `The newest target snapshot is ${ageSeconds} seconds old, older than the ${unavailableMs / 1000} seconds allowed.`,
          { 'Retry-After': String(NO_SNAPSHOT_RETRY_AFTER_SECONDS) },
        );
      }
      const stale = ageMs > staleMs;
      return {
        entry: held.entry,
        source: stale ? CacheSource.Stale : CacheSource.Hit,
        ageSeconds,
        maxAgeSeconds: stale ? 0 : Math.max(0, Math.floor((ttlMs - ageMs) / 1000)),
      };
    },
  };
};
