import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../lambda/http/app.ts';
import type { Discover } from '../lambda/model/discovery.ts';
import { type RunningServer, startServer } from '../lambda/server.ts';
import {
  discoveryResult,
  gatedDiscover,
  manualClock,
  recordingLogger,
  scriptedDiscover,
  TARGETS_BODY,
  TARGETS_ETAG,
  TARGETS_GZIP_ETAG,
  testConfig,
} from './http/support.ts';

type RawResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** A raw HTTP exchange (no automatic decompression), with headers given as [name, value] pairs. */
const send = (
  url: string,
  method = 'GET',
  headers: readonly (readonly [string, string])[] = [],
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    // Raw [name, value, ...] headers keep duplicates; node then adds no Host header itself.
    const rawHeaders = [['Host', new URL(url).host], ...headers].flat();
    const req = httpRequest(url, { method, headers: rawHeaders }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

let running: RunningServer | undefined;

const serve = async (discover: Discover, config = testConfig()) => {
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () => config,
    createDiscover: () => discover,
    logger,
    readSecret: async () => '',
    // A standing clock: `max-age` is the TTL left, which wall time would wear down between calls.
    now: manualClock().now,
  });
  running = await startServer({ port: 0, host: '127.0.0.1', app, logger });
  return running.url;
};

describe('startServer', () => {
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('serves the target list over real HTTP with the Lambda headers', async () => {
    // Prepare
    const url = await serve(scriptedDiscover(discoveryResult()).discover);

    // Act
    const response = await send(`${url}/prometheus-targets`);

    // Assess
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect({
      status: response.status,
      contentType: response.headers['content-type'],
      etag: response.headers.etag,
      cacheControl: response.headers['cache-control'],
      contentLength: response.headers['content-length'],
      body: response.body.toString('utf8'),
    }).toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      etag: TARGETS_ETAG,
      cacheControl: 'max-age=60',
      contentLength: '122',
      body: TARGETS_BODY,
    });
  });

  it('decodes the base64 gzip body into bytes on the wire', async () => {
    // Prepare
    const url = await serve(scriptedDiscover(discoveryResult()).discover);

    // Act
    const response = await send(`${url}/prometheus-targets`, 'GET', [['Accept-Encoding', 'gzip']]);

    // Assess
    expect([response.status, response.headers['content-encoding'], response.headers.etag]).toEqual([
      200,
      'gzip',
      TARGETS_GZIP_ETAG,
    ]);
    expect(gunzipSync(response.body).toString('utf8')).toBe(TARGETS_BODY);
  });

  it.each([
    { name: 'a conditional GET', method: 'GET', headers: [['If-None-Match', TARGETS_ETAG]], status: 304 },
    { name: 'a HEAD', method: 'HEAD', headers: [], status: 200 },
  ] as const)('answers $name with no body', async ({ method, headers, status }) => {
    // Prepare
    const url = await serve(scriptedDiscover(discoveryResult()).discover);

    // Act
    const response = await send(`${url}/prometheus-targets`, method, headers);

    // Assess
    expect([response.status, response.headers.etag, response.body.length]).toEqual([status, TARGETS_ETAG, 0]);
  });

  it.each([
    { name: 'no token', headers: [], status: 401 },
    { name: 'the token', headers: [['Authorization', 'Bearer s3cr3t']], status: 200 },
    { name: 'the bare token', headers: [['Authorization', 's3cr3t']], status: 200 },
    {
      name: 'the token twice',
      headers: [
        ['Authorization', 'Bearer s3cr3t'],
        ['Authorization', 'Bearer s3cr3t'],
      ],
      status: 401,
    },
  ] as const)('answers $status to a request with $name', async ({ headers, status }) => {
    // Prepare
    const url = await serve(
      scriptedDiscover(discoveryResult()).discover,
      testConfig({ bearerToken: 's3cr3t' }),
    );

    // Act
    const response = await send(`${url}/prometheus-targets`, 'GET', headers);

    // Assess
    expect(response.status).toBe(status);
    if (status === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers /health and unknown paths like the Lambda does', async () => {
    // Prepare
    const url = await serve(scriptedDiscover(discoveryResult()).discover);

    // Act
    const health = await send(`${url}/health`);
    const missing = await send(`${url}/nope`);

    // Assess
    expect([health.status, health.body.toString('utf8')]).toEqual([200, 'Healthy']);
    expect([
      missing.status,
      missing.headers['content-type'],
      JSON.parse(missing.body.toString('utf8')).status,
    ]).toEqual([404, 'application/problem+json', 404]);
  });

  it('serves a list over 6 MB whole (the buffered Lambda limit does not apply locally)', async () => {
    // Prepare
    const body = JSON.stringify(
      Array.from({ length: 40_000 }, (_, i) => ({
        targets: [`10.1.${(i >> 8) & 255}.${i & 255}:9100`],
        labels: { n: 'x'.repeat(150) },
      })),
    );
    const url = await serve(scriptedDiscover(discoveryResult(body)).discover);

    // Act
    const response = await send(`${url}/prometheus-targets`);

    // Assess
    expect(response.body.length).toBeGreaterThan(6 * 1024 * 1024);
    expect(response.body.toString('utf8')).toBe(body);
  });

  it('answers the request in flight before close() resolves, then refuses connections', async () => {
    // Prepare
    const gate = gatedDiscover();
    const url = await serve(gate.discover);
    const inFlight = send(`${url}/prometheus-targets`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const closed = running!.close();
    running = undefined;
    gate.resolve(discoveryResult());
    const response = await inFlight;
    await closed;

    // Assess
    expect(response.status).toBe(200);
    await expect(send(`${url}/health`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('npm start (lambda/server.ts as a process)', () => {
  it('listens on PORT and exits cleanly on SIGTERM', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'lambda/server.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        DiscoveryOptions__EcsClusters: 'prod',
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });

    // Act
    const health = await send(`${url}/health`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');

    // Assess
    expect(health.status).toBe(200);
    expect(await exited).toBe(0);
  });
});
