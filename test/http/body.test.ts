import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, ifNoneMatchHits, prepareBody } from '../../lambda/http/body.ts';
import { TARGETS_BODY, TARGETS_ETAG, TARGETS_GZIP_ETAG } from './support.ts';

describe('prepareBody', () => {
  it('tags the identity and the gzip representation with different strong tags derived from the body', async () => {
    // Act
    const body = prepareBody(TARGETS_BODY);

    // Assess
    expect({ etag: body.etag, gzipEtag: body.gzipEtag, bytes: body.bytes }).toEqual({
      etag: TARGETS_ETAG,
      gzipEtag: TARGETS_GZIP_ETAG,
      bytes: 122,
    });
    expect(gunzipSync((await body.gzip()).bytes()).toString('utf8')).toBe(TARGETS_BODY);
  });

  it('compresses once however often the gzip bytes are asked for', async () => {
    // Prepare
    const body = prepareBody(TARGETS_BODY);

    // Act
    const [first, second] = await Promise.all([body.gzip(), body.gzip()]);

    // Assess
    expect(second).toBe(first);
  });

  it('encodes each representation once: the same bytes and the same Lambda text on every call', async () => {
    // Prepare
    const body = prepareBody(TARGETS_BODY);
    const [identity, gzip] = [body.identity(), await body.gzip()];

    // Act
    const again = [body.identity(), await body.gzip()] as const;

    // Assess
    expect(again[0].bytes()).toBe(identity.bytes());
    expect(again[1].bytes()).toBe(gzip.bytes());
    expect([identity.encoding, identity.byteLength, identity.lambdaText()]).toEqual([
      'identity',
      122,
      TARGETS_BODY,
    ]);
    expect([gzip.encoding, gzip.byteLength, gzip.lambdaText()]).toEqual([
      'gzip',
      gzip.bytes().length,
      gzip.bytes().toString('base64'),
    ]);
  });
});

describe('acceptsGzip', () => {
  it.each([
    { header: undefined, gzip: false },
    { header: '', gzip: false },
    { header: 'identity', gzip: false },
    { header: 'gzip', gzip: true },
    { header: 'gzip, deflate, br', gzip: true },
    { header: 'br;q=1.0, gzip;q=0.8, *;q=0.1', gzip: true },
    { header: 'GZIP', gzip: true },
    { header: 'x-gzip', gzip: true },
    { header: 'gzip;q=0', gzip: false },
    { header: '*', gzip: true },
    { header: '*;q=0', gzip: false },
    { header: 'gzip;q=0, *', gzip: false },
    { header: 'deflate, br', gzip: false },
  ])('answers $gzip for "$header"', ({ header, gzip }) => {
    expect(acceptsGzip(header)).toBe(gzip);
  });
});

describe('ifNoneMatchHits', () => {
  it.each([
    { header: undefined, hit: false },
    { header: '"abc"', hit: true },
    { header: 'W/"abc"', hit: true },
    { header: '"x", "abc"', hit: true },
    { header: '*', hit: true },
    { header: '"abcd"', hit: false },
    { header: 'abc', hit: false },
  ])('answers $hit for $header against "abc"', ({ header, hit }) => {
    expect(ifNoneMatchHits(header, '"abc"')).toBe(hit);
  });
});
