/**
 * The snapshot store through `@aws-sdk/client-s3` against the double's S3: conditional reads and
 * writes on the wire (If-None-Match → 304, If-None-Match: * and If-Match → 412, NoSuchKey → 404).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSnapshotStore } from '../../lambda/aws/snapshot-store.ts';
import { type SnapshotWorld, startSnapshotWorld } from '../refresh/support.ts';

const worlds: SnapshotWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});
const setup = async () => {
  const world = await startSnapshotWorld();
  worlds.push(world);
  return world;
};

describe('snapshot store', () => {
  it('reads a missing object as missing', async () => {
    // Prepare
    const { store } = await setup();

    // Act
    const read = await store.read();

    // Assess
    expect(read).toEqual({ kind: 'missing' });
  });

  it('writes the first object with If-None-Match: * and refuses a second first write', async () => {
    // Prepare
    const { store } = await setup();

    // Act
    const first = await store.write('{"n":1}', 'absent');
    const second = await store.write('{"n":2}', 'absent');

    // Assess: the ETag is the MD5 of the bytes, as S3 gives for a single-part upload.
    expect(first).toEqual({ kind: 'written', etag: '"082c26c8a6bc75226a31da5495cc9292"' });
    expect(second).toEqual({ kind: 'conflict' });
    expect(await store.read()).toEqual({
      kind: 'found',
      etag: '"082c26c8a6bc75226a31da5495cc9292"',
      text: '{"n":1}',
    });
  });

  it('replaces an object only If-Match its current ETag', async () => {
    // Prepare
    const { store } = await setup();
    const first = await store.write('{"n":1}', 'absent');
    const etag = first.kind === 'written' ? first.etag : '';

    // Act
    const replaced = await store.write('{"n":2}', { etag });
    const stale = await store.write('{"n":3}', { etag });

    // Assess
    expect(replaced.kind).toBe('written');
    expect(stale).toEqual({ kind: 'conflict' });
    expect(await store.read()).toMatchObject({ kind: 'found', text: '{"n":2}' });
  });

  it('answers unchanged (S3 304) to If-None-Match with the current ETag, found to another', async () => {
    // Prepare
    const { store } = await setup();
    const first = await store.write('{"n":1}', 'absent');
    const etag = first.kind === 'written' ? first.etag : '';

    // Act
    const same = await store.read(etag);
    const other = await store.read('"0123"');

    // Assess
    expect(same).toEqual({ kind: 'unchanged' });
    expect(other).toEqual({ kind: 'found', etag, text: '{"n":1}' });
  });

  it('treats If-Match on a deleted object as a conflict', async () => {
    // Prepare
    const { store } = await setup();

    // Act
    const written = await store.write('{"n":1}', { etag: '"gone"' });

    // Assess
    expect(written).toEqual({ kind: 'conflict' });
  });

  it('wraps other S3 failures with the location', async () => {
    // Prepare
    const { double, store } = await setup();
    const other = createSnapshotStore(
      {
        send: () =>
          Promise.reject(Object.assign(new Error('denied'), { $metadata: { httpStatusCode: 403 } })),
      },
      { bucket: 'b', key: 'k' },
    );
    double.s3.failNext('s3:PutObject');

    // Act
    const [failedPut, denied] = await Promise.allSettled([store.write('{}', 'absent'), other.read()]);

    // Assess
    expect(failedPut.status === 'rejected' && String(failedPut.reason)).toBe(
      'SnapshotStoreError: S3 PutObject of s3://sd-snapshots/prometheus-targets.json failed',
    );
    expect(denied.status === 'rejected' && String(denied.reason)).toBe(
      'SnapshotStoreError: S3 GetObject of s3://b/k failed',
    );
  });
});
