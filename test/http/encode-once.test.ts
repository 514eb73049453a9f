/**
 * A discovery result is encoded once, whatever the number of responses it serves: the local server
 * writes the same Buffer to every connection, the streaming handler streams the same Buffer, and
 * the buffered handler base64-encodes the gzip bytes once.
 */
import { ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../lambda/http/app.ts';
import { createHandler, createStreamingHandler } from '../../lambda/http/lambda-adapter.ts';
import { type RunningServer, startServer } from '../../lambda/server.ts';
import {
  installAwsLambdaGlobal,
  invokeStreaming,
  removeAwsLambdaGlobal,
  TestResponseStream,
} from './awslambda-polyfill.ts';
import {
  discoveryResult,
  functionUrlEvent,
  lambdaContext,
  recordingLogger,
  scriptedDiscover,
  TARGETS_BODY,
  testConfig,
} from './support.ts';

const RESPONSES = 5;
const GZIP = { 'accept-encoding': 'gzip' };

/** One app whose discovery always answers the same result (cached for 60 s). */
const oneResultApp = () => {
  const { discover, calls } = scriptedDiscover(discoveryResult());
  const app = createApp({
    loadConfig: () => testConfig(),
    createDiscover: () => discover,
    logger: recordingLogger(),
    readSecret: async () => 'unused',
  });
  return { app, calls };
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the local server', () => {
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  // fetch asks for gzip unless told otherwise; `identity` is what a client without gzip sends in effect.
  it.each([
    { encoding: 'identity', headers: { 'accept-encoding': 'identity' } as Record<string, string> },
    { encoding: 'gzip', headers: GZIP },
  ])('writes one prepared Buffer to every $encoding response of a result', async ({ encoding, headers }) => {
    // Prepare
    const { app } = oneResultApp();
    running = await startServer({ port: 0, host: '127.0.0.1', app, logger: recordingLogger() });
    const end = vi.spyOn(ServerResponse.prototype, 'end');

    // Act
    const bodies: Buffer[] = [];
    for (let i = 0; i < RESPONSES; i += 1) {
      const response = await fetch(`${running.url}/prometheus-targets`, { headers });
      bodies.push(Buffer.from(await response.arrayBuffer()));
    }

    // Assess: every response carried the target list, and every `end` got the very same Buffer.
    const written = end.mock.calls.map((call) => call[0]);
    expect(
      end.mock.contexts.map((response) => (response as ServerResponse).getHeader('content-encoding')),
    ).toEqual(Array(RESPONSES).fill(encoding === 'gzip' ? 'gzip' : undefined));
    expect(written).toHaveLength(RESPONSES);
    expect(written[0]).toBeInstanceOf(Buffer);
    for (const chunk of written) expect(chunk).toBe(written[0]);
    // fetch decodes gzip itself, so both encodings read back as the JSON text.
    expect(bodies.map((body) => body.toString('utf8'))).toEqual(Array(RESPONSES).fill(TARGETS_BODY));
  });
});

describe('the buffered handler', () => {
  it('base64-encodes the gzip bytes of a result once for all its responses', async () => {
    // Prepare
    const { app } = oneResultApp();
    const handler = createHandler(app);
    const bufferToString = vi.spyOn(Buffer.prototype, 'toString');

    // Act
    const results = [];
    for (let i = 0; i < RESPONSES; i += 1) {
      results.push(await handler(functionUrlEvent({ headers: GZIP }), lambdaContext()));
    }

    // Assess
    const base64Calls = bufferToString.mock.calls.filter(([encoding]) => encoding === 'base64');
    expect(base64Calls).toHaveLength(1);
    expect(results.map((result) => result.isBase64Encoded)).toEqual(Array(RESPONSES).fill(true));
    expect(
      new Set(results.map((result) => gunzipSync(Buffer.from(result.body, 'base64')).toString())),
    ).toEqual(new Set([TARGETS_BODY]));
  });
});

describe('the streaming handler', () => {
  beforeAll(() => installAwsLambdaGlobal());
  afterAll(() => removeAwsLambdaGlobal());

  it.each([
    { encoding: 'identity', headers: {} as Record<string, string> },
    { encoding: 'gzip', headers: GZIP },
  ])(
    'streams one prepared Buffer for every $encoding response of a result',
    async ({ encoding, headers }) => {
      // Prepare
      const { app } = oneResultApp();
      const handler = createStreamingHandler(app);
      const write = vi.spyOn(TestResponseStream.prototype, '_write');

      // Act
      const bodies: Buffer[] = [];
      for (let i = 0; i < RESPONSES; i += 1) {
        const response = await invokeStreaming(handler, functionUrlEvent({ headers }), lambdaContext());
        bodies.push(response.body);
      }

      // Assess: the prelude and its delimiter are small writes; the body is one chunk, the same each time.
      const bodyChunks = write.mock.calls.map((call) => call[0]).filter((chunk) => chunk.length > 8);
      const bodyOnly = bodyChunks.filter((chunk) => !chunk.toString('latin1').startsWith('{"statusCode"'));
      expect(bodyOnly).toHaveLength(RESPONSES);
      for (const chunk of bodyOnly) expect(chunk).toBe(bodyOnly[0]);
      const text = (body: Buffer) => (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      expect(bodies.map(text)).toEqual(Array(RESPONSES).fill(TARGETS_BODY));
    },
  );
});
