import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../lambda/config/errors.ts';
import type { DiscoveryConfig } from '../lambda/config/types.ts';
import { createApp } from '../lambda/http/app.ts';
import { createHandler } from '../lambda/http/lambda-adapter.ts';
import type { SecretReader } from '../lambda/http/token-source.ts';
import type { PowertoolsLog } from '../lambda/log.ts';
import type { Discover } from '../lambda/model/discovery.ts';
import { powertoolsLines } from './http/powertools-lines.ts';
import {
  discoveryResult,
  type EventOptions,
  flush,
  functionUrlEvent,
  gatedDiscover,
  httpApiEvent,
  lambdaContext,
  manualClock,
  recordingLogger,
  restEvent,
  scriptedDiscover,
  TARGETS_BODY,
  TARGETS_ETAG,
  TARGETS_GZIP_ETAG,
  testConfig,
} from './http/support.ts';

type Setup = {
  readonly config?: Partial<DiscoveryConfig>;
  readonly loadConfig?: () => DiscoveryConfig;
  readonly discover?: Discover;
  readonly readSecret?: SecretReader;
  readonly maxResponseBytes?: number;
  /** A Powertools-backed logger, handed to `injectLambdaContext` as the Lambda door does. */
  readonly powertoolsLog?: PowertoolsLog;
};

const setUp = (setup: Setup = {}) => {
  const logger = recordingLogger();
  const clock = manualClock();
  const discover = setup.discover ?? scriptedDiscover(discoveryResult()).discover;
  const app = createApp({
    loadConfig: setup.loadConfig ?? (() => testConfig(setup.config)),
    createDiscover: () => discover,
    logger: setup.powertoolsLog ?? logger,
    readSecret: setup.readSecret ?? (async () => 'unused'),
    now: clock.now,
  });
  const handler = createHandler(app, {
    logger: setup.powertoolsLog ?? logger,
    ...(setup.powertoolsLog === undefined ? {} : { lambdaContextLogger: setup.powertoolsLog.powertools }),
    ...(setup.maxResponseBytes === undefined ? {} : { maxResponseBytes: setup.maxResponseBytes }),
  });
  const invoke = (event: APIGatewayProxyEvent | APIGatewayProxyEventV2) => handler(event, lambdaContext());
  return { invoke, logger, clock };
};

const RFC9110_SECTIONS: Record<number, string> = {
  400: '15.5.1',
  401: '15.5.2',
  404: '15.5.5',
  405: '15.5.6',
  500: '15.6.1',
  503: '15.6.4',
};

const problemResponse = (
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
) => ({
  statusCode: status,
  headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/problem+json', ...headers },
  body: JSON.stringify({
    type: `https://tools.ietf.org/html/rfc9110#section-${RFC9110_SECTIONS[status]}`,
    title,
    status,
    detail,
  }),
});

const parsed = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

const OK_HEADERS = {
  ETag: TARGETS_ETAG,
  'Cache-Control': 'max-age=60',
  Vary: 'Accept-Encoding',
  'Content-Type': 'application/json; charset=utf-8',
};

const EVENT_SHAPES: readonly {
  name: string;
  event: (options?: EventOptions) => APIGatewayProxyEvent | APIGatewayProxyEventV2;
}[] = [
  { name: 'a Function URL', event: functionUrlEvent },
  { name: 'an HTTP API (2.0) stage', event: httpApiEvent },
  { name: 'a REST API (1.0) stage', event: restEvent },
];

describe('GET /prometheus-targets', () => {
  it.each(EVENT_SHAPES)('answers the target list to $name event', async ({ event }) => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(event());

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: OK_HEADERS,
      body: TARGETS_BODY,
      isBase64Encoded: false,
    });
  });

  it.each(EVENT_SHAPES)(
    'answers HEAD with the headers of GET and no body to $name event',
    async ({ event }) => {
      // Prepare
      const { invoke } = setUp();

      // Act
      const response = await invoke(event({ method: 'HEAD' }));

      // Assess
      expect(response).toEqual({ statusCode: 200, headers: OK_HEADERS, body: '', isBase64Encoded: false });
    },
  );

  it.each(EVENT_SHAPES)(
    'answers 304 to $name event whose If-None-Match carries the ETag',
    async ({ event }) => {
      // Prepare
      const { invoke } = setUp();

      // Act
      const response = await invoke(event({ headers: { 'If-None-Match': `W/"old", ${TARGETS_ETAG}` } }));

      // Assess
      expect(response).toEqual({
        statusCode: 304,
        headers: { ETag: TARGETS_ETAG, 'Cache-Control': 'max-age=60', Vary: 'Accept-Encoding' },
        body: '',
        isBase64Encoded: false,
      });
    },
  );

  it('answers 200 when If-None-Match carries another tag', async () => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(functionUrlEvent({ headers: { 'if-none-match': '"something-else"' } }));

    // Assess
    expect([response.statusCode, response.body]).toEqual([200, TARGETS_BODY]);
  });

  it.each([
    { name: 'a Function URL', event: functionUrlEvent },
    { name: 'an HTTP API (2.0) stage', event: httpApiEvent },
  ])('gzips the body for $name event whose Accept-Encoding allows it', async ({ event }) => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(event({ headers: { 'accept-encoding': 'gzip, deflate, br' } }));

    // Assess
    expect({ ...response, body: gunzipSync(Buffer.from(response.body, 'base64')).toString('utf8') }).toEqual({
      statusCode: 200,
      headers: { ...OK_HEADERS, ETag: TARGETS_GZIP_ETAG, 'Content-Encoding': 'gzip' },
      body: TARGETS_BODY,
      isBase64Encoded: true,
    });
  });

  it('answers 304 to a gzip request carrying the gzip ETag', async () => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(
      functionUrlEvent({ headers: { 'accept-encoding': 'gzip', 'if-none-match': TARGETS_GZIP_ETAG } }),
    );

    // Assess
    expect([response.statusCode, response.headers?.ETag, response.body]).toEqual([
      304,
      TARGETS_GZIP_ETAG,
      '',
    ]);
  });

  it('never gzips for a REST API (binary bodies need binary media types there)', async () => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(restEvent({ headers: { 'Accept-Encoding': 'gzip' } }));

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: OK_HEADERS,
      body: TARGETS_BODY,
      isBase64Encoded: false,
    });
  });

  it('counts the remaining TTL down in Cache-Control', async () => {
    // Prepare
    const { invoke, clock } = setUp({ config: { cacheTtlSeconds: 30 } });
    await invoke(functionUrlEvent());

    // Act
    clock.advanceSeconds(12);
    const response = await invoke(functionUrlEvent());

    // Assess
    expect(response.headers?.['Cache-Control']).toBe('max-age=18');
  });

  it('sends max-age=0 and refreshes every time when CacheTtlSeconds is 0', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult());
    const { invoke } = setUp({ config: { cacheTtlSeconds: 0 }, discover: fake.discover });

    // Act
    const responses = [await invoke(functionUrlEvent()), await invoke(functionUrlEvent())];

    // Assess
    expect(responses.map((response) => [response.statusCode, response.headers?.['Cache-Control']])).toEqual([
      [200, 'max-age=0'],
      [200, 'max-age=0'],
    ]);
    expect(fake.calls()).toBe(2);
  });

  it('makes exactly one discovery for 20 concurrent requests', async () => {
    // Prepare
    const fake = gatedDiscover();
    const { invoke } = setUp({ discover: fake.discover });

    // Act
    const pending = Array.from({ length: 20 }, () => invoke(functionUrlEvent()));
    await flush();
    fake.resolve(discoveryResult());
    const responses = await Promise.all(pending);

    // Assess
    expect(fake.calls()).toBe(1);
    expect(responses.map((response) => `${response.statusCode} ${response.body}`)).toEqual(
      Array.from({ length: 20 }, () => `200 ${TARGETS_BODY}`),
    );
  });
});

describe('failures and staleness', () => {
  const throttled = () =>
    Object.assign(new Error('Rate exceeded for ListTasks in account 123456789012'), {
      name: 'ThrottlingException',
      operation: 'ecs:ListTasks',
      $metadata: { httpStatusCode: 400, requestId: 'aws-req-1' },
    });

  it('serves the last complete result with Age and X-Discovery-Stale after an AWS failure', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult(), throttled());
    const { invoke, clock } = setUp({ discover: fake.discover });
    await invoke(functionUrlEvent());

    // Act
    clock.advanceSeconds(75);
    const response = await invoke(functionUrlEvent());

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { ...OK_HEADERS, 'Cache-Control': 'max-age=0', Age: '75', 'X-Discovery-Stale': 'true' },
      body: TARGETS_BODY,
      isBase64Encoded: false,
    });
  });

  it('answers 503 once the last result is older than StaleIfErrorSeconds, with no AWS text', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult(), throttled());
    const { invoke, clock, logger } = setUp({
      config: { staleIfErrorSeconds: 120 },
      discover: fake.discover,
    });
    await invoke(functionUrlEvent());

    // Act
    clock.advanceSeconds(119);
    const stale = await invoke(functionUrlEvent());
    clock.advanceSeconds(1);
    const unavailable = await invoke(functionUrlEvent());

    // Assess
    expect(stale.headers?.Age).toBe('119');
    expect(unavailable).toEqual(
      problemResponse(
        503,
        'Service Unavailable',
        'Discovery failed and no result younger than 120 seconds is available.',
        { 'Retry-After': '5' },
      ),
    );
    expect(unavailable.body).not.toMatch(/Rate exceeded|Throttling|123456789012/);
    expect(logger.entries.filter((entry) => entry.message === 'discovery refresh failed').length).toBe(2);
    expect(JSON.stringify(logger.entries)).toContain('Rate exceeded for ListTasks');
  });

  it('answers 503 when the very first discovery fails', async () => {
    // Prepare
    const { invoke } = setUp({ discover: scriptedDiscover(throttled()).discover });

    // Act
    const response = await invoke(functionUrlEvent());

    // Assess
    expect(response).toEqual(
      problemResponse(
        503,
        'Service Unavailable',
        'Discovery failed and no result younger than 600 seconds is available.',
        { 'Retry-After': '5' },
      ),
    );
  });

  it('tries AWS again on the next request after a failure and serves the new result', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult(), throttled(), discoveryResult('[]', { targetCount: 0 }));
    const { invoke, clock } = setUp({ discover: fake.discover });
    await invoke(functionUrlEvent());
    clock.advanceSeconds(61);
    await invoke(functionUrlEvent());

    // Act
    clock.advanceSeconds(1);
    const recovered = await invoke(functionUrlEvent());

    // Assess
    expect(recovered).toEqual({
      statusCode: 200,
      headers: { ...OK_HEADERS, ETag: '"T1PNoYwrqgwDVLtfmj7L5e0Sq02OEbqH"' },
      body: '[]',
      isBase64Encoded: false,
    });
    expect(fake.calls()).toBe(3);
  });
});

describe('auth', () => {
  const unauthorised = problemResponse(401, 'Unauthorized', 'A valid bearer token is required.', {
    'WWW-Authenticate': 'Bearer',
  });

  it.each<{ name: string; headers: Record<string, string>; status: number }>([
    { name: 'no Authorization header', headers: {}, status: 401 },
    { name: 'a wrong token', headers: { authorization: 'Bearer nope' }, status: 401 },
    { name: 'another scheme', headers: { authorization: 'Basic czNjcjN0' }, status: 401 },
    { name: 'the right token', headers: { authorization: 'Bearer s3cr3t' }, status: 200 },
    { name: 'the right bare token', headers: { authorization: 's3cr3t' }, status: 200 },
  ])('answers $status to a request with $name', async ({ headers, status }) => {
    // Prepare
    const { invoke } = setUp({ config: { bearerToken: 's3cr3t' } });

    // Act
    const response = await invoke(functionUrlEvent({ headers }));

    // Assess
    if (status === 401) expect(response).toEqual({ ...unauthorised });
    else expect([response.statusCode, response.body]).toEqual([200, TARGETS_BODY]);
  });

  it('checks the token on a REST API event whose header name is capitalised', async () => {
    // Prepare
    const { invoke } = setUp({ config: { bearerToken: 's3cr3t' } });

    // Act
    const response = await invoke(restEvent({ headers: { Authorization: 'Bearer s3cr3t' } }));

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('protects /metrics with the same token', async () => {
    // Prepare
    const { invoke } = setUp({ config: { bearerToken: 's3cr3t' } });

    // Act
    const denied = await invoke(functionUrlEvent({ path: '/metrics' }));
    const allowed = await invoke(
      functionUrlEvent({ path: '/metrics', headers: { authorization: 'Bearer s3cr3t' } }),
    );

    // Assess
    expect([denied.statusCode, allowed.statusCode]).toEqual([401, 200]);
  });

  it('reads a token secret once at cold start and accepts its value', async () => {
    // Prepare
    const references: string[] = [];
    const readSecret: SecretReader = async (reference) => {
      references.push(reference);
      return 'from-secrets-manager';
    };
    const { invoke } = setUp({ config: { bearerTokenSecret: 'prometheus/sd-token' }, readSecret });

    // Act
    const responses = [
      await invoke(functionUrlEvent({ headers: { authorization: 'Bearer from-secrets-manager' } })),
      await invoke(functionUrlEvent({ headers: { authorization: 'Bearer from-secrets-manager' } })),
      await invoke(functionUrlEvent({ headers: { authorization: 'Bearer unused' } })),
    ];

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 401]);
    expect(references).toEqual(['prometheus/sd-token']);
  });

  it('answers 503 while the token secret cannot be read, and retries it after the back-off, never for /health', async () => {
    // Prepare
    let attempts = 0;
    const readSecret: SecretReader = async () => {
      attempts += 1;
      if (attempts <= 2)
        throw new Error('AccessDeniedException: not authorized to GetSecretValue on arn:...');
      return 'tok';
    };
    const { invoke, logger, clock } = setUp({
      config: { bearerTokenSecret: 'prometheus/sd-token' },
      readSecret,
    });
    await flush();

    // Act
    const health = await invoke(functionUrlEvent({ path: '/health' }));
    const failed = await invoke(functionUrlEvent({ headers: { authorization: 'Bearer tok' } }));
    clock.advanceSeconds(1);
    const retried = await invoke(functionUrlEvent({ headers: { authorization: 'Bearer tok' } }));
    clock.advanceSeconds(2);
    const recovered = await invoke(functionUrlEvent({ headers: { authorization: 'Bearer tok' } }));

    // Assess
    expect([health.statusCode, health.body]).toEqual([503, 'Unhealthy']);
    expect(failed).toEqual(
      problemResponse(
        503,
        'Service Unavailable',
        'The bearer token could not be loaded; the cause has been logged.',
        { 'Retry-After': '1' },
      ),
    );
    expect([retried.statusCode, retried.headers?.['Retry-After']]).toEqual([503, '2']);
    expect(recovered.statusCode).toBe(200);
    // The cold start and the data request after the first back-off each tried once; /health did not.
    expect(attempts).toBe(3);
    expect(
      logger.entries.filter((entry) => entry.message === 'bearer token could not be loaded').length,
    ).toBe(2);
  });

  it('never writes the token or the Authorization header to the logs', async () => {
    // Prepare
    const { invoke, logger } = setUp({ config: { bearerToken: 'top-secret-token-value' } });

    // Act
    await invoke(functionUrlEvent({ headers: { authorization: 'Bearer top-secret-token-value' } }));
    await invoke(functionUrlEvent({ headers: { authorization: 'Bearer wrong-secret-attempt' } }));
    await invoke(functionUrlEvent({ path: '/health' }));

    // Assess
    const logged = JSON.stringify(logger.entries);
    expect(logger.entries.length).toBeGreaterThan(3);
    expect(logged).not.toMatch(/top-secret-token-value|wrong-secret-attempt|authorization/i);
  });
});

describe('GET /health', () => {
  it.each(EVENT_SHAPES)('answers 200 without a token to $name event', async ({ event }) => {
    // Prepare
    const { invoke } = setUp({ config: { bearerToken: 's3cr3t' } });

    // Act
    const response = await invoke(event({ path: '/health' }));

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: 'Healthy',
      isBase64Encoded: false,
    });
  });

  it('does not call AWS', async () => {
    // Prepare
    const fake = scriptedDiscover(discoveryResult());
    const { invoke } = setUp({ discover: fake.discover });

    // Act
    await invoke(functionUrlEvent({ path: '/health' }));

    // Assess
    expect(fake.calls()).toBe(0);
  });
});

describe('invalid configuration', () => {
  const configError = new ConfigError([
    {
      variable: 'DiscoveryOptions__CacheTtlSeconds',
      message:
        'DiscoveryOptions__CacheTtlSeconds is "soon"; expected a whole number of seconds from 0 to 65535.',
    },
  ]);
  const failingLoad = () => {
    throw configError;
  };

  it.each(['/prometheus-targets', '/metrics'])('answers 500 naming the variable on %s', async (path) => {
    // Prepare
    const { invoke } = setUp({ loadConfig: failingLoad });

    // Act
    const response = await invoke(functionUrlEvent({ path }));

    // Assess
    expect(response).toEqual(
      problemResponse(
        500,
        'An error occurred while processing your request.',
        'Invalid discovery configuration (1 problem):\n' +
          '- DiscoveryOptions__CacheTtlSeconds is "soon"; expected a whole number of seconds from 0 to 65535.',
      ),
    );
  });

  it('answers 503 on /health', async () => {
    // Prepare
    const { invoke } = setUp({ loadConfig: failingLoad });

    // Act
    const response = await invoke(httpApiEvent({ path: '/health' }));

    // Assess
    expect(response).toEqual({
      statusCode: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: 'Unhealthy',
      isBase64Encoded: false,
    });
  });

  it('hides the text of an error that is not a configuration error', async () => {
    // Prepare
    const { invoke, logger } = setUp({
      loadConfig: () => {
        throw new Error('EACCES: /var/task/internal/path');
      },
    });

    // Act
    const response = await invoke(functionUrlEvent());

    // Assess
    expect(parsed(response).detail).toBe(
      'The discovery could not be initialised; the cause has been logged.',
    );
    expect(JSON.stringify(logger.entries)).toContain('EACCES: /var/task/internal/path');
  });
});

describe('routing', () => {
  it.each(EVENT_SHAPES)('answers 404 to an unknown path in $name event', async ({ event }) => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(event({ path: '/targets' }));

    // Assess
    expect(response).toEqual(
      problemResponse(404, 'Not Found', 'Use /prometheus-targets, /health, /metrics or /debug/targets.'),
    );
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('answers 405 with Allow to %s', async (method) => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke(functionUrlEvent({ method }));

    // Assess
    expect(response).toEqual(
      problemResponse(405, 'Method Not Allowed', `${method} is not allowed; use GET or HEAD.`, {
        Allow: 'GET, HEAD',
      }),
    );
  });

  it('answers 400 problem+json to an event that is not an HTTP event', async () => {
    // Prepare
    const { invoke } = setUp();

    // Act
    const response = await invoke({ source: 'aws.events' } as unknown as APIGatewayProxyEventV2);

    // Assess
    expect(response).toEqual(
      problemResponse(
        400,
        'Bad Request',
        'Unsupported event: expected a Function URL, API Gateway HTTP API or REST API proxy event.',
      ),
    );
  });
});

describe('buffered response limit', () => {
  it('refuses a body over the buffered limit with a problem naming the streaming mode', async () => {
    // Prepare
    const body = JSON.stringify(
      Array.from({ length: 400 }, (_, i) => ({ targets: [`10.0.${i % 250}.1:8080`] })),
    );
    const { invoke, logger } = setUp({
      discover: scriptedDiscover(discoveryResult(body)).discover,
      maxResponseBytes: 8192,
    });

    // Act
    const response = await invoke(functionUrlEvent());

    // Assess
    expect(response.statusCode).toBe(500);
    expect(parsed(response).detail).toMatch(
      /exceeds the 8192 bytes of a buffered Lambda response.*RESPONSE_STREAM/,
    );
    expect(logger.entries.some((entry) => entry.message === 'response over the buffered limit')).toBe(true);
  });

  it('serves the same body gzipped, which fits', async () => {
    // Prepare
    const body = JSON.stringify(
      Array.from({ length: 400 }, (_, i) => ({ targets: [`10.0.${i % 250}.1:8080`] })),
    );
    const { invoke } = setUp({
      discover: scriptedDiscover(discoveryResult(body)).discover,
      maxResponseBytes: 8192,
    });

    // Act
    const response = await invoke(functionUrlEvent({ headers: { 'accept-encoding': 'gzip' } }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(gunzipSync(Buffer.from(response.body, 'base64')).toString('utf8')).toBe(body);
  });
});

describe('GET /metrics', () => {
  it('reports refreshes, AWS calls, cache hits, stale serves, targets, skipped tasks and age', async () => {
    // Prepare
    const failure = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      awsCallOutcomes: { 'ecs:ListTasks': { success: 2 }, 'ecs:DescribeTasks': { throttled: 1 } },
    });
    const fake = scriptedDiscover(discoveryResult(), failure);
    const { invoke, clock } = setUp({ discover: fake.discover });
    await invoke(functionUrlEvent()); // refresh
    clock.advanceSeconds(10);
    await invoke(functionUrlEvent()); // hit
    clock.advanceSeconds(60);
    await invoke(functionUrlEvent()); // failure, stale serve at age 70

    // Act
    const response = await invoke(functionUrlEvent({ path: '/metrics' }));

    // Assess
    expect([response.statusCode, response.headers?.['Content-Type']]).toEqual([
      200,
      'text/plain; version=0.0.4; charset=utf-8',
    ]);
    const lines = response.body.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'ecs_cloudmap_sd_refreshes_total 2',
        'ecs_cloudmap_sd_refresh_failures_total 1',
        'ecs_cloudmap_sd_refresh_duration_seconds_count{outcome="success"} 1',
        'ecs_cloudmap_sd_refresh_duration_seconds_sum{outcome="success"} 0.42',
        'ecs_cloudmap_sd_refresh_duration_seconds_count{outcome="error"} 1',
        'ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListServices",outcome="success"} 1',
        'ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListTasks",outcome="success"} 4',
        'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeTasks",outcome="success"} 1',
        'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeTasks",outcome="throttled"} 1',
        'ecs_cloudmap_sd_cache_hits_total 1',
        'ecs_cloudmap_sd_stale_responses_total 1',
        'ecs_cloudmap_sd_targets 1',
        'ecs_cloudmap_sd_skipped_tasks{reason="not_running"} 2',
        'ecs_cloudmap_sd_skipped_tasks{reason="no_address"} 1',
        'ecs_cloudmap_sd_skipped_tasks{reason="no_port"} 3',
        'ecs_cloudmap_sd_skipped_tasks{reason="bad_port"} 4',
        'ecs_cloudmap_sd_dropped_labels{reason="reserved_name"} 6',
        'ecs_cloudmap_sd_dropped_labels{reason="oversized_value"} 1',
        'ecs_cloudmap_sd_served_result_age_seconds 70',
        'ecs_cloudmap_sd_http_requests_total{route="prometheus-targets",code="200"} 3',
      ]),
    );
  });

  it('counts a failure without details as one unknown failed call', async () => {
    // Prepare
    const { invoke } = setUp({ discover: scriptedDiscover(new Error('socket hang up')).discover });
    await invoke(functionUrlEvent());

    // Act
    const response = await invoke(functionUrlEvent({ path: '/metrics' }));

    // Assess
    expect(response.body.split('\n')).toEqual(
      expect.arrayContaining([
        'ecs_cloudmap_sd_aws_calls_total{operation="unknown",outcome="error"} 1',
        'ecs_cloudmap_sd_http_requests_total{route="prometheus-targets",code="503"} 1',
      ]),
    );
  });
});

describe('logs', () => {
  it('logs each refresh with duration, calls per operation, targets and skipped tasks by reason', async () => {
    // Prepare
    const { invoke, logger } = setUp();

    // Act
    await invoke(functionUrlEvent());

    // Assess
    expect(logger.entries.find((entry) => entry.message === 'discovery refreshed')).toEqual({
      level: 'info',
      message: 'discovery refreshed',
      fields: {
        requestId: '6f1c0a7e-3b9d-4c2e-8a51-2d7b9e0f4a63',
        durationMs: 420,
        targetGroups: 1,
        awsCalls: {
          'ecs:ListServices': 1,
          'ecs:DescribeServices': 1,
          'ecs:ListTasks': 2,
          'ecs:DescribeTasks': 1,
        },
        skippedTasks: {
          not_running: 2,
          no_address: 1,
          no_port: 3,
          bad_port: 4,
          unmapped_port: 0,
          external_instance: 0,
          host_address_disabled: 0,
        },
      },
    });
  });

  it('marks only the first request of a container as a cold start', async () => {
    // Prepare: the cold start comes from Powertools' injectLambdaContext, read from its JSON lines.
    const output = powertoolsLines();
    const { invoke } = setUp({ powertoolsLog: output.log });

    // Act
    await invoke(functionUrlEvent());
    await invoke(functionUrlEvent());
    output.stop();

    // Assess
    const requests = output.lines().filter((entry) => entry.message === 'request');
    expect(requests.map((entry) => [entry.cold_start, entry.statusCode, entry.route])).toEqual([
      [true, 200, 'prometheus-targets'],
      [false, 200, 'prometheus-targets'],
    ]);
  });
});
