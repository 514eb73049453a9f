/**
 * The fleet snapshot: what the refresher writes to S3 and the endpoint serves. One JSON document
 * holding the served representations (body, gzip form, their entity tags) and what they were built
 * from (the inventory), so an event batch can patch the inventory without a full discovery.
 */
import type { DroppedLabelReason, SkipReason } from './discovery.ts';
import type { Explain } from './explain.ts';
import type { InventorySnapshot } from './inventory.ts';

/** Bumped when the document shape changes; a reader refuses other versions. */
export const SNAPSHOT_FORMAT = 1;

export const SnapshotKind = {
  /** Written by a complete discovery (the schedule, the deploy-time first refresh). */
  Full: 'full',
  /** Written by an event batch that patched the previous snapshot's inventory. */
  Events: 'events',
} as const;
export type SnapshotKind = (typeof SnapshotKind)[keyof typeof SnapshotKind];

export type Snapshot = {
  readonly format: typeof SNAPSHOT_FORMAT;
  /** One more than the snapshot it replaced (1 for the first): a write counter for logs and metrics. */
  readonly generation: number;
  readonly kind: SnapshotKind;
  /** Epoch milliseconds at which this snapshot was built. */
  readonly completedAt: number;
  /**
   * Epoch milliseconds of the last complete discovery this snapshot descends from. Ages count from
   * here: events only patch tasks of known services (decisions.md, "One refresh per fleet (issue 13)").
   */
  readonly reconciledAt: number;
  /** The http_sd JSON array. */
  readonly body: string;
  /** `body` gzip-compressed, base64. */
  readonly gzipBase64: string;
  /** Entity tags of the identity and gzip representations (as `prepareBody` computes them). */
  readonly etag: string;
  readonly gzipEtag: string;
  readonly targetCount: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Labels left out of this snapshot's targets, by reason (reserved names, oversized values). */
  readonly droppedLabels: Readonly<Record<DroppedLabelReason, number>>;
  /** AWS calls of the run that wrote this snapshot, keyed `service:Operation`. */
  readonly awsCalls: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /**
   * The builder's explain record of this snapshot's targets (bounded: `MAX_EXPLAIN_ENTRIES`). Optional,
   * so snapshots written before it existed still decode; the endpoint then has none to show.
   */
  readonly explain?: Explain;
  readonly inventory: InventorySnapshot;
  /**
   * `detail.version` of the newest task state change applied per task ARN, so duplicates and
   * out-of-order deliveries are dropped. Kept for the tasks of the inventory only.
   */
  readonly taskVersions: Readonly<Record<string, number>>;
};

/** The stored document is not a snapshot this code can serve. */
export class SnapshotFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`Snapshot is unreadable: ${message}`, options);
    this.name = 'SnapshotFormatError';
  }
}

export const encodeSnapshot = (snapshot: Snapshot): string => JSON.stringify(snapshot);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a stored document; checks the fields the endpoint relies on. @throws SnapshotFormatError */
export const decodeSnapshot = (text: string): Snapshot => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnapshotFormatError('not JSON', { cause: error });
  }
  if (!isRecord(parsed)) throw new SnapshotFormatError('not a JSON object');
  if (parsed.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotFormatError(`format ${String(parsed.format)}, expected ${SNAPSHOT_FORMAT}`);
  }
  for (const field of ['body', 'gzipBase64', 'etag', 'gzipEtag'] as const) {
    if (typeof parsed[field] !== 'string') throw new SnapshotFormatError(`${field} is not a string`);
  }
  for (const field of ['generation', 'completedAt', 'reconciledAt', 'targetCount'] as const) {
    if (typeof parsed[field] !== 'number') throw new SnapshotFormatError(`${field} is not a number`);
  }
  if (!isRecord(parsed.inventory) || !Array.isArray(parsed.inventory.clusters)) {
    throw new SnapshotFormatError('inventory is missing');
  }
  if (!isRecord(parsed.taskVersions)) throw new SnapshotFormatError('taskVersions is missing');
  // The checks above cover what is read; the rest was written by `encodeSnapshot` of this format.
  return parsed as Snapshot;
};
