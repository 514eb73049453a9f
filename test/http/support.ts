/**
 * Test support for the HTTP doors: realistic events (fixtures captured in AWS's documented shapes),
 * a scripted fake `discover`, an injectable clock and a recording logger.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Log } from '../../lambda/log.ts';
import type { Discover, DiscoveryResult } from '../../lambda/model/discovery.ts';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;

export type EventOptions = {
  readonly method?: string;
  /** Path after any stage prefix, e.g. `/prometheus-targets`. */
  readonly path?: string;
  readonly headers?: Record<string, string>;
};

/** A Function URL event (payload 2.0, no stage). */
export const functionUrlEvent = (options: EventOptions = {}): APIGatewayProxyEventV2 => {
  const event = fixture<APIGatewayProxyEventV2>('function-url.json');
  const path = options.path ?? '/prometheus-targets';
  return {
    ...event,
    rawPath: path,
    headers: { ...event.headers, ...options.headers },
    requestContext: {
      ...event.requestContext,
      http: { ...event.requestContext.http, method: options.method ?? 'GET', path },
    },
  };
};

/** An API Gateway HTTP API event (payload 2.0) on the named stage `prod`. */
export const httpApiEvent = (options: EventOptions = {}): APIGatewayProxyEventV2 => {
  const event = fixture<APIGatewayProxyEventV2>('http-api-v2-stage.json');
  const path = `/prod${options.path ?? '/prometheus-targets'}`;
  return {
    ...event,
    rawPath: path,
    headers: { ...event.headers, ...options.headers },
    requestContext: {
      ...event.requestContext,
      http: { ...event.requestContext.http, method: options.method ?? 'GET', path },
    },
  };
};

/** An API Gateway REST API event (payload 1.0) on stage `prod`; header names keep their case. */
export const restEvent = (options: EventOptions = {}): APIGatewayProxyEvent => {
  const event = fixture<APIGatewayProxyEvent>('rest-v1-stage.json');
  const path = options.path ?? '/prometheus-targets';
  const extra = options.headers ?? {};
  return {
    ...event,
    path,
    httpMethod: options.method ?? 'GET',
    headers: { ...event.headers, ...extra },
    multiValueHeaders: {
      ...event.multiValueHeaders,
      ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, [value]])),
    },
    requestContext: {
      ...event.requestContext,
      httpMethod: options.method ?? 'GET',
      path: `/prod${path}`,
    },
  };
};

export const lambdaContext = (awsRequestId = 'a5b6c7d8-0000-4000-8000-000000000001'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'ecs-cloudmap-sd',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ecs-cloudmap-sd',
  memoryLimitInMB: '256',
  awsRequestId,
  logGroupName: '/aws/lambda/ecs-cloudmap-sd',
  logStreamName: '2024/12/04/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export { testConfig } from '../support/config.ts';

export const TARGETS_BODY =
  '[{"targets":["10.0.1.15:8080"],"labels":{"__metrics_path__":"/metrics","instance":"10.0.1.15:8080","ecs_cluster":"prod"}}]';
/** `prepareBody(TARGETS_BODY).etag`, written out so a change of the tag scheme fails the tests. */
export const TARGETS_ETAG = '"W039mNWI-WI8x4MhdM9QfP-lmpNbtw-7"';
export const TARGETS_GZIP_ETAG = '"W039mNWI-WI8x4MhdM9QfP-lmpNbtw-7-gz"';

export const discoveryResult = (
  body = TARGETS_BODY,
  overrides: Partial<DiscoveryResult> = {},
): DiscoveryResult => ({
  body,
  targetCount: 1,
  skipped: {
    not_running: 2,
    no_address: 1,
    no_port: 3,
    bad_port: 4,
    unmapped_port: 0,
    external_instance: 0,
    host_address_disabled: 0,
  },
  droppedLabels: { reserved_name: 6, oversized_value: 1, invalid_scrape_setting: 2 },
  awsCalls: { 'ecs:ListServices': 1, 'ecs:DescribeServices': 1, 'ecs:ListTasks': 2, 'ecs:DescribeTasks': 1 },
  awsCallOutcomes: {
    'ecs:ListServices': { success: 1 },
    'ecs:DescribeServices': { success: 1 },
    'ecs:ListTasks': { success: 2 },
    'ecs:DescribeTasks': { success: 1 },
  },
  durationMs: 420,
  completedAt: 1_700_000_000_000,
  ...overrides,
});

/** A discover that plays `outcomes` in order (the last one repeats) and counts its calls. */
export const scriptedDiscover = (...outcomes: readonly (DiscoveryResult | Error)[]) => {
  let calls = 0;
  const discover: Discover = async () => {
    const outcome = outcomes[Math.min(calls, outcomes.length - 1)]!;
    calls += 1;
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return { discover, calls: () => calls };
};

/** A discover whose single pending call is settled by the test. */
export const gatedDiscover = () => {
  let calls = 0;
  let settle: { resolve: (result: DiscoveryResult) => void; reject: (error: Error) => void } | undefined;
  const discover: Discover = () => {
    calls += 1;
    return new Promise<DiscoveryResult>((resolve, reject) => {
      settle = { resolve, reject };
    });
  };
  return {
    discover,
    calls: () => calls,
    resolve: (result: DiscoveryResult) => settle?.resolve(result),
    reject: (error: Error) => settle?.reject(error),
  };
};

export const START_TIME = 1_700_000_000_000;

/** A clock the test moves by hand. */
export const manualClock = (start = START_TIME) => {
  let time = start;
  return {
    now: () => time,
    advanceSeconds: (seconds: number) => {
      time += seconds * 1000;
    },
  };
};

export type LogEntry = { level: string; message: string; fields: Record<string, unknown> | undefined };

export const recordingLogger = (): Log & { entries: LogEntry[] } => {
  const entries: LogEntry[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, fields });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** Lets pending promise callbacks run (e.g. the cold-start token read). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
