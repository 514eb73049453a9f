/**
 * The snapshot object in S3: one conditional read and one conditional write. The write is
 * `If-Match` on the entity tag the writer read (or `If-None-Match: *` when there was none), so a run
 * that started from an older snapshot never replaces a newer one (decisions.md, "One refresh per
 * fleet (issue 13)").
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Sender } from './call-context.ts';

export type SnapshotLocation = { readonly bucket: string; readonly key: string };

export type StoreRead =
  | { readonly kind: 'missing' }
  /** The object still has the entity tag given as `ifNoneMatch`. */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'found'; readonly etag: string; readonly text: string };

/** What the writer last saw: the object's entity tag, or `absent` when there was no object. */
export type WriteCondition = { readonly etag: string } | 'absent';

export type StoreWrite =
  | { readonly kind: 'written'; readonly etag: string }
  /** Another run wrote since this one read; nothing was written. */
  | { readonly kind: 'conflict' };

export type SnapshotStore = {
  readonly read: (ifNoneMatch?: string) => Promise<StoreRead>;
  readonly write: (text: string, condition: WriteCondition) => Promise<StoreWrite>;
};

/** The S3 call failed for another reason than a missing object or a failed precondition. */
export class SnapshotStoreError extends Error {
  constructor(operation: string, location: SnapshotLocation, options: ErrorOptions) {
    super(`S3 ${operation} of s3://${location.bucket}/${location.key} failed`, options);
    this.name = 'SnapshotStoreError';
  }
}

type SdkError = { name?: string; $metadata?: { httpStatusCode?: number } };
const statusOf = (error: unknown): number | undefined => (error as SdkError)?.$metadata?.httpStatusCode;
const nameOf = (error: unknown): string | undefined => (error as SdkError)?.name;

/** `s3` is an `S3Client` (only `send` is used, so tests may pass any sender). */
export const createSnapshotStore = (s3: Sender, location: SnapshotLocation): SnapshotStore => ({
  read: async (ifNoneMatch) => {
    try {
      const output = await s3.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key, IfNoneMatch: ifNoneMatch }),
      );
      const text: string = await output.Body.transformToString('utf-8');
      return { kind: 'found', etag: String(output.ETag ?? ''), text };
    } catch (error) {
      // The SDK surfaces 304 as an error without a code (the answer has no body).
      if (statusOf(error) === 304) return { kind: 'unchanged' };
      if (nameOf(error) === 'NoSuchKey' || statusOf(error) === 404) return { kind: 'missing' };
      throw new SnapshotStoreError('GetObject', location, { cause: error });
    }
  },
  write: async (text, condition) => {
    try {
      const output = await s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Body: text,
          ContentType: 'application/json',
          ...(condition === 'absent' ? { IfNoneMatch: '*' } : { IfMatch: condition.etag }),
        }),
      );
      return { kind: 'written', etag: String(output.ETag ?? '') };
    } catch (error) {
      // 412: the precondition failed. 409 ConditionalRequestConflict: a concurrent conditional write
      // won. If-Match on an object deleted meanwhile answers 404. All mean "someone else wrote".
      const status = statusOf(error);
      if (status === 412 || status === 409 || (condition !== 'absent' && status === 404)) {
        return { kind: 'conflict' };
      }
      throw new SnapshotStoreError('PutObject', location, { cause: error });
    }
  },
});
