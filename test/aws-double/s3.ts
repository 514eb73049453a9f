/**
 * S3 in the AWS API double: the REST/XML object calls the snapshot uses, path-style
 * (`/<bucket>/<key>`; clients set `forcePathStyle: true`). PUT and GET object with strong ETags
 * (MD5 of the bytes, as S3 for single-part uploads), `If-None-Match` (GET: 304; PUT `*`: 412 when the
 * key exists), `If-Match` (412 on a different ETag; PUT on a missing key: 404 NoSuchKey), and
 * `NoSuchBucket`/`NoSuchKey` errors. Signatures are not checked. Fault hooks let a test fail a call.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const S3Operation = { GetObject: 's3:GetObject', PutObject: 's3:PutObject' } as const;
export type S3Operation = (typeof S3Operation)[keyof typeof S3Operation];

export type S3Object = {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
  /** How many PUTs wrote this key so far (1 for the first). */
  readonly writes: number;
};

export type S3Double = {
  /** Creates an empty bucket (idempotent). */
  readonly createBucket: (name: string) => void;
  readonly object: (bucket: string, key: string) => S3Object | undefined;
  /** Calls per operation, including refused and faulted ones. */
  readonly calls: () => Partial<Record<S3Operation, number>>;
  /** Answers the next `times` calls of `operation` with a 500 InternalError. */
  readonly failNext: (operation: S3Operation, times?: number) => void;
  /** Runs `listener` when a call arrives, before it is answered (e.g. to race a write). */
  readonly onCall: (listener: (operation: S3Operation, bucket: string, key: string) => void) => () => void;
  readonly resetCalls: () => void;
};

/** S3 requests carry no `X-Amz-Target`; the JSON protocol's always do. */
export const isS3Request = (request: IncomingMessage): boolean =>
  request.headers['x-amz-target'] === undefined && (request.method === 'GET' || request.method === 'PUT');

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const sendXmlError = (response: ServerResponse, status: number, code: string, message: string) => {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': randomUUID(),
  });
  response.end(body);
};

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `"a", "b"` or `*` against one ETag (S3 compares strongly; quotes are part of the tag). */
const matches = (condition: string, etag: string): boolean =>
  condition
    .split(',')
    .map((part) => part.trim())
    .some((part) => part === '*' || part === etag || `"${part}"` === etag);

export const createS3Double = () => {
  const buckets = new Map<string, Map<string, S3Object>>();
  const calls = new Map<S3Operation, number>();
  const failures = new Map<S3Operation, number>();
  const listeners = new Set<(operation: S3Operation, bucket: string, key: string) => void>();

  const api: S3Double = {
    createBucket: (name) => {
      if (!buckets.has(name)) buckets.set(name, new Map());
    },
    object: (bucket, key) => buckets.get(bucket)?.get(key),
    calls: () => Object.fromEntries(calls),
    failNext: (operation, times = 1) => failures.set(operation, (failures.get(operation) ?? 0) + times),
    onCall: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resetCalls: () => calls.clear(),
  };

  const answer = (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    const [, bucketName = '', ...keyParts] = url.pathname.split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    const operation = request.method === 'PUT' ? S3Operation.PutObject : S3Operation.GetObject;
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    for (const listener of listeners) listener(operation, bucketName, key);
    const failing = failures.get(operation) ?? 0;
    if (failing > 0) {
      failures.set(operation, failing - 1);
      sendXmlError(response, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      return;
    }
    const bucket = buckets.get(bucketName);
    if (bucket === undefined || key === '') {
      sendXmlError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      return;
    }
    const existing = bucket.get(key);
    const ifMatch = header(request, 'if-match');
    const ifNoneMatch = header(request, 'if-none-match');

    if (operation === S3Operation.PutObject) {
      if (ifNoneMatch !== undefined && existing !== undefined) {
        sendXmlError(
          response,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
        return;
      }
      if (ifMatch !== undefined && existing === undefined) {
        sendXmlError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
        return;
      }
      if (ifMatch !== undefined && existing !== undefined && !matches(ifMatch, existing.etag)) {
        sendXmlError(
          response,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
        return;
      }
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      bucket.set(key, {
        body,
        etag,
        contentType: header(request, 'content-type') ?? 'binary/octet-stream',
        writes: (existing?.writes ?? 0) + 1,
      });
      response.writeHead(200, { etag, 'content-length': 0, 'x-amz-request-id': randomUUID() });
      response.end();
      return;
    }

    if (existing === undefined) {
      sendXmlError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    if (ifMatch !== undefined && !matches(ifMatch, existing.etag)) {
      sendXmlError(
        response,
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
      return;
    }
    if (ifNoneMatch !== undefined && matches(ifNoneMatch, existing.etag)) {
      response.writeHead(304, { etag: existing.etag, 'x-amz-request-id': randomUUID() });
      response.end();
      return;
    }
    response.writeHead(200, {
      etag: existing.etag,
      'content-type': existing.contentType,
      'content-length': existing.body.length,
      'last-modified': new Date(0).toUTCString(),
      'x-amz-request-id': randomUUID(),
    });
    response.end(existing.body);
  };

  return { api, answer };
};
