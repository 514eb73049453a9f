/**
 * The target-list representation: computed once per discovery result (hash, gzip), then reused by
 * every request that result serves, so a cache hit costs no hashing and no compression.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzipAsync = promisify(gzipCallback);

export type PreparedBody = {
  readonly text: string;
  /** UTF-8 length of `text`. */
  readonly bytes: number;
  /** Strong entity tag of the identity representation. */
  readonly etag: string;
  /** Strong entity tag of the gzip representation (a different representation, a different tag). */
  readonly gzipEtag: string;
  /** The gzip bytes, compressed on first use and memoised. */
  readonly gzip: () => Promise<Buffer>;
};

export const prepareBody = (text: string): PreparedBody => {
  const hash = createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 32);
  let compressed: Promise<Buffer> | undefined;
  return {
    text,
    bytes: Buffer.byteLength(text, 'utf8'),
    etag: `"${hash}"`,
    gzipEtag: `"${hash}-gz"`,
    gzip: () => {
      compressed ??= gzipAsync(text);
      return compressed;
    },
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
