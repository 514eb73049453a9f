import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../lambda/http/app.ts';
import {
  BUFFERED_RESPONSE_LIMIT_BYTES,
  createHandler,
  createStreamingHandler,
} from '../lambda/http/lambda-adapter.ts';
import type { Discover } from '../lambda/model/discovery.ts';
import { installAwsLambdaGlobal, invokeStreaming, removeAwsLambdaGlobal } from './http/awslambda-polyfill.ts';
import {
  discoveryResult,
  functionUrlEvent,
  lambdaContext,
  manualClock,
  recordingLogger,
  scriptedDiscover,
  TARGETS_BODY,
  TARGETS_ETAG,
  testConfig,
} from './http/support.ts';

/** An http_sd body of about 7.5 MB: 20,000 target groups with realistic labels. */
const largeBody = (): string =>
  JSON.stringify(
    Array.from({ length: 20_000 }, (_, i) => {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`;
      return {
        targets: [address],
        labels: {
          __metrics_path__: '/metrics',
          instance: address,
          scrape_target_name: `service-${i % 700}`,
          ecs_cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/production',
          ecs_service: `service-${i % 700}`,
          ecs_task: `arn:aws:ecs:eu-west-1:123456789012:task/production/${i.toString(16).padStart(32, '0')}`,
          ecs_task_definition_family: `service-${i % 700}`,
          cloudmap_namespace: 'internal.example.com',
          team: 'platform',
        },
      };
    }),
  );

const appWith = (discover: Discover, config = testConfig()) =>
  createApp({
    loadConfig: () => config,
    createDiscover: () => discover,
    logger: recordingLogger(),
    readSecret: async () => 'unused',
    // A clock that stands still: `max-age` is the TTL left, so a millisecond of wall time between
    // storing and reading the 7.5 MB entry must not turn 60 into 59.
    now: manualClock().now,
  });

describe('streamingHandler', () => {
  beforeAll(() => installAwsLambdaGlobal());
  afterAll(() => removeAwsLambdaGlobal());

  it('delivers a target list over the 6 MB buffered limit whole, which the buffered handler refuses', async () => {
    // Prepare
    const body = largeBody();
    const app = appWith(scriptedDiscover(discoveryResult(body, { targetCount: 20_000 })).discover);
    const streaming = createStreamingHandler(app);
    const buffered = createHandler(app);

    // Act
    const streamed = await invokeStreaming(streaming, functionUrlEvent(), lambdaContext());
    const refused = await buffered(functionUrlEvent(), lambdaContext());

    // Assess
    expect(Buffer.byteLength(body)).toBeGreaterThan(BUFFERED_RESPONSE_LIMIT_BYTES);
    expect(streamed.prelude).toEqual({
      statusCode: 200,
      headers: {
        ETag: expect.stringMatching(/^"[A-Za-z0-9_-]{32}"$/),
        'Cache-Control': 'max-age=60',
        Vary: 'Accept-Encoding',
        'Content-Type': 'application/json; charset=utf-8',
      },
    });
    expect(streamed.body.length).toBe(Buffer.byteLength(body));
    expect(createHash('sha256').update(streamed.body).digest('hex')).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
    expect(refused.statusCode).toBe(500);
  });

  it('streams gzip bytes as bytes, not as base64 text', async () => {
    // Prepare
    const body = largeBody();
    const streaming = createStreamingHandler(appWith(scriptedDiscover(discoveryResult(body)).discover));

    // Act
    const streamed = await invokeStreaming(
      streaming,
      functionUrlEvent({ headers: { 'accept-encoding': 'gzip' } }),
      lambdaContext(),
    );

    // Assess
    expect(streamed.prelude.headers['Content-Encoding']).toBe('gzip');
    expect(gunzipSync(streamed.body).toString('utf8')).toBe(body);
  });

  it('streams a small list with the same status and headers as the buffered handler', async () => {
    // Prepare
    const streaming = createStreamingHandler(appWith(scriptedDiscover(discoveryResult()).discover));

    // Act
    const streamed = await invokeStreaming(streaming, functionUrlEvent(), lambdaContext());

    // Assess
    expect({ ...streamed, body: streamed.body.toString('utf8') }).toEqual({
      contentType: 'application/vnd.awslambda.http-integration-response',
      prelude: {
        statusCode: 200,
        headers: {
          ETag: TARGETS_ETAG,
          'Cache-Control': 'max-age=60',
          Vary: 'Accept-Encoding',
          'Content-Type': 'application/json; charset=utf-8',
        },
      },
      body: TARGETS_BODY,
    });
  });

  it('writes the prelude even when the body is empty (304)', async () => {
    // Prepare
    const streaming = createStreamingHandler(appWith(scriptedDiscover(discoveryResult()).discover));

    // Act
    const streamed = await invokeStreaming(
      streaming,
      functionUrlEvent({ headers: { 'if-none-match': TARGETS_ETAG } }),
      lambdaContext(),
    );

    // Assess
    expect([streamed.prelude.statusCode, streamed.body.length]).toEqual([304, 0]);
  });

  it('streams errors as problem+json', async () => {
    // Prepare
    const app = appWith(scriptedDiscover(discoveryResult()).discover, testConfig({ bearerToken: 's3cr3t' }));
    const streaming = createStreamingHandler(app);

    // Act
    const streamed = await invokeStreaming(streaming, functionUrlEvent(), lambdaContext());

    // Assess
    expect({ ...streamed, body: JSON.parse(streamed.body.toString('utf8')) }).toEqual({
      contentType: 'application/vnd.awslambda.http-integration-response',
      prelude: {
        statusCode: 401,
        headers: {
          'Cache-Control': 'no-store',
          'WWW-Authenticate': 'Bearer',
          'Content-Type': 'application/problem+json',
        },
      },
      body: {
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2',
        title: 'Unauthorized',
        status: 401,
        detail: 'A valid bearer token is required.',
      },
    });
  });
});

describe('createStreamingHandler outside the Lambda runtime', () => {
  it('refuses to start without the awslambda global', () => {
    // Prepare
    removeAwsLambdaGlobal();

    // Act
    const act = () => createStreamingHandler(appWith(scriptedDiscover(discoveryResult()).discover));

    // Assess
    expect(act).toThrow('the awslambda global of the Lambda Node.js runtime is missing');
  });
});
