/**
 * Both Lambda handlers run Powertools' `injectLambdaContext`: every line the app logs during an
 * invocation carries that invocation's context, read back from the real Logger's JSON lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/http/app.ts';
import { createHandler, createStreamingHandler } from '../../lambda/http/lambda-adapter.ts';
import type { Log } from '../../lambda/log.ts';
import { installAwsLambdaGlobal, invokeStreaming, removeAwsLambdaGlobal } from './awslambda-polyfill.ts';
import { powertoolsLines } from './powertools-lines.ts';
import {
  discoveryResult,
  functionUrlEvent,
  lambdaContext,
  scriptedDiscover,
  TARGETS_BODY,
  testConfig,
} from './support.ts';

const appLoggingTo = (logger: Log) =>
  createApp({
    loadConfig: () => testConfig(),
    createDiscover: () => scriptedDiscover(discoveryResult()).discover,
    logger,
    readSecret: async () => 'unused',
    now: () => 1_700_000_000_000,
  });

/** The context fields of the lines with `message`, as [cold_start, function_request_id, function_name]. */
const contextOf = (lines: readonly Record<string, unknown>[], message: string) =>
  lines
    .filter((line) => line.message === message)
    .map((line) => [line.cold_start, line.function_request_id, line.function_name]);

const FIRST = 'a5b6c7d8-0000-4000-8000-000000000001';
const SECOND = 'a5b6c7d8-0000-4000-8000-000000000002';

describe('injectLambdaContext in the Middy chain', () => {
  beforeAll(() => installAwsLambdaGlobal());
  afterAll(() => removeAwsLambdaGlobal());

  it('adds cold start, request id and function name to the buffered handler lines', async () => {
    // Prepare
    const output = powertoolsLines();
    const handler = createHandler(appLoggingTo(output.log), {
      logger: output.log,
      lambdaContextLogger: output.log.powertools,
    });

    // Act
    const first = await handler(functionUrlEvent(), lambdaContext(FIRST));
    await handler(functionUrlEvent(), lambdaContext(SECOND));
    output.stop();

    // Assess
    expect(first.statusCode).toBe(200);
    expect(contextOf(output.lines(), 'discovery refreshed')).toEqual([[true, FIRST, 'ecs-cloudmap-sd']]);
    expect(contextOf(output.lines(), 'request')).toEqual([
      [true, FIRST, 'ecs-cloudmap-sd'],
      [false, SECOND, 'ecs-cloudmap-sd'],
    ]);
  });

  it('adds the same context to the streaming handler lines and still streams the body', async () => {
    // Prepare
    const output = powertoolsLines();
    const handler = createStreamingHandler(appLoggingTo(output.log), {
      logger: output.log,
      lambdaContextLogger: output.log.powertools,
    });

    // Act
    const streamed = await invokeStreaming(handler, functionUrlEvent(), lambdaContext(FIRST));
    output.stop();

    // Assess
    expect(streamed.prelude.statusCode).toBe(200);
    expect(streamed.body.toString('utf8')).toBe(TARGETS_BODY);
    expect(contextOf(output.lines(), 'request')).toEqual([[true, FIRST, 'ecs-cloudmap-sd']]);
  });

  it('adds no Lambda context when no Logger is given (the local server)', async () => {
    // Prepare
    const output = powertoolsLines();
    const handler = createHandler(appLoggingTo(output.log), { logger: output.log });

    // Act
    await handler(functionUrlEvent(), lambdaContext(FIRST));
    output.stop();

    // Assess
    expect(contextOf(output.lines(), 'request')).toEqual([[undefined, undefined, undefined]]);
  });
});
