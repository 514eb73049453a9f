/**
 * `GET /debug/targets` through the real app and Lambda adapter: JSON by default, the HTML page for
 * `Accept: text/html`, the same auth as the targets, untrusted values escaped
 * (docs/decisions.md "Explain view (issue 15)").
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { createApp } from '../../lambda/http/app.ts';
import { EXPLAIN_PAGE_CSP, escapeHtml } from '../../lambda/http/explain-page.ts';
import { wantsHtml } from '../../lambda/http/explain-response.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import type { DiscoveryResult } from '../../lambda/model/discovery.ts';
import type { Explain } from '../../lambda/model/explain.ts';
import {
  discoveryResult,
  functionUrlEvent,
  lambdaContext,
  manualClock,
  recordingLogger,
  scriptedDiscover,
  testConfig,
} from './support.ts';

const SCRIPT_TAG = '<script>alert(1)</script>';
const IMG_TAG = '"><img src=x onerror=alert(1)>';

const EXPLAIN: Explain = {
  entries: [
    {
      kind: 'cluster',
      cluster: 'prod',
      service: '',
      task: '',
      group: '',
      address: '',
      target: true,
      notes: [],
    },
    {
      kind: 'service',
      cluster: 'prod',
      service: 'web',
      task: '',
      group: '',
      address: '',
      target: true,
      notes: [],
    },
    {
      kind: 'scrape_group',
      cluster: 'prod',
      service: 'web',
      task: 't1',
      group: 'METRICS_PORT',
      address: '10.0.1.15:8080',
      target: true,
      notes: [],
    },
    {
      kind: 'service',
      cluster: 'prod',
      service: IMG_TAG,
      task: '',
      group: '',
      address: '',
      target: false,
      notes: [
        {
          reason: 'service_selector',
          values: { wanted: 'PROMETHEUS_TARGET=true', had: `PROMETHEUS_TARGET=${SCRIPT_TAG}` },
        },
      ],
    },
  ],
  omitted: { cluster: 0, service: 0, task: 0, scrape_group: 0, cloud_map_instance: 0 },
};

const setUp = (
  config: Partial<DiscoveryConfig> = {},
  result: DiscoveryResult = discoveryResult(undefined, { explain: EXPLAIN }),
) => {
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () => testConfig(config),
    createDiscover: () => scriptedDiscover(result).discover,
    logger,
    readSecret: async () => 'unused',
    now: manualClock().now,
  });
  const handler = createHandler(app, { logger });
  return (headers: Record<string, string> = {}, method = 'GET') =>
    handler(functionUrlEvent({ path: '/debug/targets', headers, method }), lambdaContext());
};

const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('GET /debug/targets', () => {
  it('answers JSON by default: fixed key order, entries in fleet order', async () => {
    // Act
    const response = await setUp()();

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      isBase64Encoded: false,
      headers: {
        'Cache-Control': 'no-store',
        Vary: 'Accept',
        'X-Content-Type-Options': 'nosniff',
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({
        completedAt: '2023-11-14T22:13:20.000Z',
        targetCount: 1,
        omitted: EXPLAIN.omitted,
        entries: EXPLAIN.entries,
      }),
    });
    expect(Object.keys(JSON.parse(response.body as string).entries[0])).toEqual([
      'kind',
      'cluster',
      'service',
      'task',
      'group',
      'address',
      'target',
      'notes',
    ]);
  });

  it('answers the HTML page with a strict Content-Security-Policy to a browser', async () => {
    // Act
    const response = await setUp()({ accept: HTML_ACCEPT });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'Cache-Control': 'no-store',
      Vary: 'Accept',
      'X-Content-Type-Options': 'nosniff',
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': EXPLAIN_PAGE_CSP,
      'Referrer-Policy': 'no-referrer',
    });
    expect(EXPLAIN_PAGE_CSP).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; script-src 'sha256-[A-Za-z0-9+/]{43}='; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    const body = response.body as string;
    expect(body).toContain('<td>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(body).toContain('had=PROMETHEUS_TARGET=&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(SCRIPT_TAG);
    expect(body).not.toContain('<img');
    expect(body.match(/<script>/g)).toHaveLength(1);
    expect(body).not.toMatch(/\b(src|href)=["']?https?:/);
  });

  it('needs the same bearer token as the targets', async () => {
    // Prepare
    const request = setUp({ bearerToken: 's3cret' });

    // Act
    const without = await request({ accept: HTML_ACCEPT });
    const wrong = await request({ authorization: 'Bearer nope' });
    const right = await request({ authorization: 'Bearer s3cret' });

    // Assess
    expect([without.statusCode, wrong.statusCode, right.statusCode]).toEqual([401, 401, 200]);
    expect(without.headers?.['WWW-Authenticate']).toBe('Bearer');
    expect(without.body).not.toContain('prod');
  });

  it('answers 503 when the result being served carries no explain record (an older snapshot)', async () => {
    // Act
    const response = await setUp({}, discoveryResult())();

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('60');
  });

  it('answers HEAD with the headers and no body', async () => {
    // Act
    const response = await setUp()({}, 'HEAD');

    // Assess
    expect([response.statusCode, response.body]).toEqual([200, '']);
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    ['text/html', true],
    [HTML_ACCEPT, true],
    ['application/json, text/html;q=0.5', false],
    ['text/html;q=0, */*', false],
    ['TEXT/HTML', true],
  ])('Accept %s → HTML %s', (accept, html) => {
    expect(wantsHtml(accept)).toBe(html);
  });
});

describe('escapeHtml', () => {
  it.each([
    [SCRIPT_TAG, '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [IMG_TAG, '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ["a'b&c", 'a&#39;b&amp;c'],
    ['plain-name_1', 'plain-name_1'],
  ])('%s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
