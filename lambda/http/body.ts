/**
 * The target-list representations: computed once per discovery result (hash, UTF-8 bytes, gzip,
 * base64), then reused by every request that result serves, so a cache hit costs no hashing, no
 * compression and no encoding.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzipAsync = promisify(gzipCallback);

/** Content codings the endpoint serves. */
export const BodyEncoding = { Identity: 'identity', Gzip: 'gzip' } as const;
export type BodyEncoding = (typeof BodyEncoding)[keyof typeof BodyEncoding];

/**
 * One representation of a target list, encoded at most once per discovery result and shared by
 * every response it serves: a 9 MB body re-encoded per response costs a copy per connection
 * (docs/decisions.md, "Endpoint hardening (issue 10)").
 */
export type EncodedBody = {
  readonly encoding: BodyEncoding;
  /** Length of `bytes()`, known without making them. */
  readonly byteLength: number;
  /** The bytes on the wire (local server, streaming handler): the same Buffer on every call. */
  readonly bytes: () => Buffer;
  /**
   * The body as a buffered Lambda result carries it: the JSON text, or the gzip bytes in base64.
   * The same string on every call.
   */
  readonly lambdaText: () => string;
};

export type PreparedBody = {
  readonly text: string;
  /** UTF-8 length of `text`. */
  readonly bytes: number;
  /** Strong entity tag of the identity representation. */
  readonly etag: string;
  /** Strong entity tag of the gzip representation (a different representation, a different tag). */
  readonly gzipEtag: string;
  /** The identity representation (UTF-8 bytes made on first use, then kept). */
  readonly identity: () => EncodedBody;
  /** The gzip representation, compressed on first use and memoised. */
  readonly gzip: () => Promise<EncodedBody>;
};

/** `make()` on the first call; the same value on every later one. */
const once = <T>(make: () => T): (() => T) => {
  let made: { readonly value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
};

const identityOf = (text: string): EncodedBody => ({
  encoding: BodyEncoding.Identity,
  byteLength: Buffer.byteLength(text, 'utf8'),
  bytes: once(() => Buffer.from(text, 'utf8')),
  lambdaText: () => text,
});

const gzipOf = (compressed: Buffer): EncodedBody => ({
  encoding: BodyEncoding.Gzip,
  byteLength: compressed.length,
  bytes: () => compressed,
  lambdaText: once(() => compressed.toString('base64')),
});

export const prepareBody = (text: string): PreparedBody => {
  const hash = createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32);
  const identity = identityOf(text);
  return {
    text,
    bytes: identity.byteLength,
    etag: `"${hash}"`,
    gzipEtag: `"${hash}-gz"`,
    identity: () => identity,
    gzip: once(() => gzipAsync(text).then(gzipOf)),
  };
};

/**
 * A body whose representations were prepared elsewhere (a stored snapshot: its text, gzip bytes and
 * entity tags as `prepareBody` made them), so serving it hashes and compresses nothing.
 */
export const preparedBodyOf = (stored: {
  readonly text: string;
  readonly gzip: Buffer;
  readonly etag: string;
  readonly gzipEtag: string;
}): PreparedBody => {
  const identity = identityOf(stored.text);
  const gzip = Promise.resolve(gzipOf(stored.gzip));
  return {
    text: stored.text,
    bytes: identity.byteLength,
    etag: stored.etag,
    gzipEtag: stored.gzipEtag,
    identity: () => identity,
    gzip: () => gzip,
  };
};

/** Parses `coding;q=…` lists: gzip is used when `gzip`/`x-gzip`, or else `*`, has a non-zero q. */
export const acceptsGzip = (acceptEncoding: string | undefined): boolean => {
  if (acceptEncoding === undefined) return false;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.split(';').map((piece) => piece.trim());
    const q = params.find((param) => /^q=/i.test(param));
    const weight = q === undefined ? 1 : Number.parseFloat(q.slice(2));
    weights.set(coding.toLowerCase(), Number.isNaN(weight) ? 0 : weight);
  }
  const gzip = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*');
  return gzip !== undefined && gzip > 0;
};

const ENTITY_TAG = /(?:W\/)?("[^"]*")/g;

/** RFC 9110 section 13.1.2: `*` or a list of tags compared weakly (a `W/` prefix is ignored). */
export const ifNoneMatchHits = (ifNoneMatch: string | undefined, etag: string): boolean => {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const match of ifNoneMatch.matchAll(ENTITY_TAG)) {
    if (match[1] === etag) return true;
  }
  return false;
};
