/**
 * Fault injection through the real pieces: `createDiscover` with real SDK clients pointed at the AWS
 * double, behind `createApp` and the buffered Middy handler. Never a partial 200; the last complete
 * result is served stale within the window, 503 after it, and the next refresh recovers.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createPacer } from '../../lambda/aws/pacer.ts';
import { type DiscoveryConfig, DiscoveryMode } from '../../lambda/config/types.ts';
import { createDiscover } from '../../lambda/discover.ts';
import { createApp } from '../../lambda/http/app.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import {
  type AwsDouble,
  type DoubleClientConfig,
  defineFleet,
  type FleetSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';
import {
  functionUrlEvent,
  lambdaContext,
  manualClock,
  recordingLogger,
  testConfig,
} from '../http/support.ts';

/** Text that must never reach a client: it stands for what AWS puts in its error messages. */
const AWS_TEXT = 'arn:aws:iam::123456789012:role/secret-role is not authorized (AWS-TEXT-7f3c)';

const FLEET: FleetSpec = {
  clusters: [
    {
      name: 'prod',
      services: [
        { name: 'web', tags: { METRICS_PORT: '9100' }, tasks: 150 },
        {
          name: 'api',
          tags: { METRICS_PORT: '8080' },
          tasks: 3,
          serviceDiscovery: { namespace: 'corp.local' },
        },
      ],
    },
    { name: 'staging', services: [{ name: 'web', tags: { METRICS_PORT: '9100' }, tasks: 2 }] },
  ],
};

const opened: { double: AwsDouble; destroy: () => void }[] = [];
afterEach(async () => {
  for (const { double, destroy } of opened.splice(0)) {
    destroy();
    await double.close();
  }
});

type Options = {
  readonly config?: Partial<DiscoveryConfig>;
  readonly clients?: Partial<DoubleClientConfig>;
};

const setUp = async (options: Options = {}) => {
  const double = await startAwsDouble(defineFleet(FLEET));
  const clients = makeClients(double, { maxAttempts: 2, ...options.clients });
  opened.push({ double, destroy: clients.destroy });
  const clock = manualClock();
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () =>
      testConfig({
        ecsClusters: ['prod', 'staging'],
        cacheTtlSeconds: 60,
        staleIfErrorSeconds: 600,
        ...options.config,
      }),
    createDiscover: (config) =>
      createDiscover(config, {
        clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
        // Unpaced: 1,000 back-to-back refreshes would wait on the real clock for cluster-read tokens.
        pacer: createPacer({ share: 1, families: [] }),
      }),
    logger,
    readSecret: async () => 'unused',
    now: clock.now,
  });
  const handler = createHandler(app, { logger });
  const get = (event: APIGatewayProxyEventV2 = functionUrlEvent()) => handler(event, lambdaContext());
  return { double, clock, logger, get };
};

type Response = Awaited<ReturnType<Awaited<ReturnType<typeof setUp>>['get']>>;

const targetCount = (response: Response) => (JSON.parse(response.body) as unknown[]).length;

/** Nothing AWS said reaches the client, in the body or in any header. */
const expectNoAwsText = (response: Response) => {
  const text = `${response.body}\n${JSON.stringify(response.headers)}`;
  expect(text).not.toContain('AWS-TEXT');
  expect(text).not.toContain('arn:aws:iam');
  expect(text).not.toMatch(/Exception|AccessDenied|nextToken/i);
};

/** A clean run's body, for comparison. */
const cleanBody = async () => {
  const { get } = await setUp();
  const response = await get();
  expect(response.statusCode).toBe(200);
  return response.body;
};

describe('fault injection through the real core, the AWS double and the app', () => {
  it('rides out a throttling storm that clears and serves the same body as a clean run', async () => {
    // Prepare
    const expected = await cleanBody();
    const { double, get } = await setUp({ clients: { maxAttempts: 8, retryMode: 'adaptive' } });
    double.throttle({
      family: ['ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks'],
      burst: 2,
      ratePerSecond: 20,
    });
    // Act
    const response = await get();
    // Assess
    const throttled = Object.values(double.throttled()).reduce((sum, n) => sum + n, 0);
    expect(throttled).toBeGreaterThan(0);
    expect(response.statusCode).toBe(200);
    expect(response.headers['X-Discovery-Stale']).toBeUndefined();
    expect(response.body).toBe(expected);
    expect(targetCount(response)).toBe(155);
  });

  it('serves the last complete result stale during persistent 5xx, 503 after the window, then recovers', async () => {
    // Prepare
    const { double, clock, get } = await setUp();
    const fresh = await get();
    expect(fresh.statusCode).toBe(200);
    double.inject({
      operation: '*',
      error: { status: 500, type: 'InternalFailure', message: AWS_TEXT },
      times: 'always',
    });

    // Act: past the TTL, inside the stale window
    clock.advanceSeconds(61);
    const stale = await get();
    clock.advanceSeconds(500);
    const stillStale = await get();
    // Act: past the stale window
    clock.advanceSeconds(40);
    const unavailable = await get();

    // Assess
    expect([stale.statusCode, stale.headers['X-Discovery-Stale'], stale.headers.Age]).toEqual([
      200,
      'true',
      '61',
    ]);
    expect(stale.body).toBe(fresh.body);
    expect([stillStale.statusCode, stillStale.headers.Age]).toEqual([200, '561']);
    expect(stillStale.body).toBe(fresh.body);
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['Content-Type']).toBe('application/problem+json');
    for (const response of [stale, stillStale, unavailable]) expectNoAwsText(response);

    // Act: AWS is back; the very next request refreshes
    double.clearFaults();
    const recovered = await get();
    // Assess
    expect(recovered.statusCode).toBe(200);
    expect(recovered.headers['X-Discovery-Stale']).toBeUndefined();
    expect(recovered.body).toBe(fresh.body);
  });

  it('answers 503 instead of a partial 200 when one cluster is AccessDenied on the first refresh', async () => {
    // Prepare
    const { double, get } = await setUp();
    const fault = double.inject({
      operation: 'ecs:ListTasks',
      cluster: 'staging',
      error: { status: 400, type: 'AccessDeniedException', message: AWS_TEXT },
      times: 'always',
    });
    // Act
    const response = await get();
    // Assess
    expect(fault.hits()).toBeGreaterThan(0);
    expect(response.statusCode).toBe(503);
    expectNoAwsText(response);
  });

  it('keeps serving the previous complete result, marked stale, when one cluster becomes AccessDenied', async () => {
    // Prepare
    const { double, clock, get } = await setUp();
    const fresh = await get();
    double.inject({
      operation: 'ecs:ListTasks',
      cluster: 'staging',
      error: { status: 400, type: 'AccessDeniedException', message: AWS_TEXT },
      times: 'always',
    });
    clock.advanceSeconds(61);
    // Act
    const response = await get();
    // Assess
    expect([response.statusCode, response.headers['X-Discovery-Stale']]).toEqual([200, 'true']);
    expect(response.body).toBe(fresh.body);
    expectNoAwsText(response);
  });

  it('rejects a refresh during which a cluster is deleted', async () => {
    // Prepare
    const { double, get } = await setUp({ config: { cacheTopLevelResources: false } });
    let deleted = false;
    double.onCall((call) => {
      if (call.operation === 'ecs:ListTasks' && !deleted) {
        deleted = true;
        double.mutate((fleet) => ({
          ...fleet,
          clusters: fleet.clusters.filter((c) => c.name !== 'staging'),
        }));
      }
    });
    // Act
    const response = await get();
    // Assess
    expect(deleted).toBe(true);
    expect(response.statusCode).toBe(503);
    expectNoAwsText(response);
  });

  it('rejects a refresh during which the configured namespace is deleted', async () => {
    // Prepare
    const { double, get } = await setUp({
      config: { ecsClusters: [], cloudMapNamespaces: ['corp.local'], mode: DiscoveryMode.Namespaces },
    });
    const clean = await get();
    expect([clean.statusCode, targetCount(clean)]).toEqual([200, 3]);
    const { get: getDuringDeletion, double: other } = await setUp({
      config: {
        ecsClusters: [],
        cloudMapNamespaces: ['corp.local'],
        mode: DiscoveryMode.Namespaces,
        cacheTopLevelResources: false,
      },
    });
    let deleted = false;
    other.onCall((call) => {
      if (
        call.operation.startsWith('servicediscovery:') &&
        call.operation !== 'servicediscovery:ListNamespaces'
      ) {
        if (deleted) return;
        deleted = true;
        other.mutate((fleet) => ({ ...fleet, namespaces: [] }));
      }
    });
    // Act
    const response = await getDuringDeletion();
    // Assess
    expect(double.totalCalls()).toBeGreaterThan(0);
    expect(deleted).toBe(true);
    expect(response.statusCode).toBe(503);
    expectNoAwsText(response);
  });

  it('rejects a refresh whose nextToken the service refuses', async () => {
    // Prepare: the second page of the 150-task service is refused, as AWS does for a bad token.
    const { double, get } = await setUp();
    const fault = double.inject({
      operation: 'ecs:ListTasks',
      match: (input) => typeof (input as { nextToken?: unknown }).nextToken === 'string',
      error: { status: 400, type: 'InvalidParameterException', message: `Invalid nextToken: ${AWS_TEXT}` },
      times: 'always',
    });
    // Act
    const response = await get();
    // Assess
    expect(fault.hits()).toBeGreaterThan(0);
    expect(response.statusCode).toBe(503);
    expectNoAwsText(response);
  });

  it('survives 1,000 failing refreshes without crashing or growing the heap', async () => {
    // Prepare
    const { double, clock, get, logger } = await setUp();
    double.inject({
      operation: 'ecs:ListServices',
      error: { status: 400, type: 'AccessDeniedException', message: AWS_TEXT },
      times: 'always',
    });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const statuses = new Map<number, number>();
    const run = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        clock.advanceSeconds(1);
        const { statusCode } = await get();
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      }
    };
    // Without a real collector the heap figure is noise and the bound below cannot fail for the right
    // reason: vitest.config.ts starts every test process with --expose-gc.
    const collect = global.gc;
    expect(collect, 'run the tests with node --expose-gc').toBeTypeOf('function');
    try {
      await run(100); // warm up the SDK, the JIT and the logger before measuring
      logger.entries.length = 0;
      collect?.();
      const before = process.memoryUsage().heapUsed;
      // Act
      await run(1_000);
      logger.entries.length = 0;
      collect?.();
      const growth = process.memoryUsage().heapUsed - before;
      // Assess
      expect(Object.fromEntries(statuses)).toEqual({ 503: 1_100 });
      expect(growth).toBeLessThan(50 * 1024 * 1024);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  }, 60_000);
});
