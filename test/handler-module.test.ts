import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installAwsLambdaGlobal, invokeStreaming, removeAwsLambdaGlobal } from './http/awslambda-polyfill.ts';
import { functionUrlEvent, lambdaContext } from './http/support.ts';

// lambda/handler.ts wires everything at import (cold start) from process.env, so each test imports a
// fresh copy after setting the environment. AWS_ENDPOINT_URL points at a closed loopback port, so
// nothing here can reach AWS (and no test path calls it).
const BASE_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const importHandlerWith = async (env: Record<string, string>) => {
  for (const [name, value] of Object.entries({ ...BASE_ENV, ...env })) vi.stubEnv(name, value);
  vi.resetModules();
  return import('../lambda/handler.ts');
};

describe('lambda/handler.ts', () => {
  beforeEach(() => installAwsLambdaGlobal());
  afterEach(() => {
    vi.unstubAllEnvs();
    removeAwsLambdaGlobal();
  });

  it('exports a buffered and a streaming handler wired from the environment', async () => {
    // Prepare
    const { handler, streamingHandler } = await importHandlerWith({ DiscoveryOptions__EcsClusters: 'prod' });

    // Act
    const buffered = await handler(functionUrlEvent({ path: '/health' }), lambdaContext());
    const streamed = await invokeStreaming(
      streamingHandler,
      functionUrlEvent({ path: '/health' }),
      lambdaContext(),
    );

    // Assess
    expect([buffered.statusCode, buffered.body]).toEqual([200, 'Healthy']);
    expect([streamed.prelude.statusCode, streamed.body.toString('utf8')]).toEqual([200, 'Healthy']);
  });

  it('answers 500 naming the variable, and 503 on /health, when the configuration is invalid', async () => {
    // Prepare
    const { handler } = await importHandlerWith({
      DiscoveryOptions__EcsClusters: 'prod',
      DiscoveryOptions__CacheTtlSeconds: 'soon',
    });

    // Act
    const data = await handler(functionUrlEvent(), lambdaContext());
    const health = await handler(functionUrlEvent({ path: '/health' }), lambdaContext());

    // Assess
    expect([data.statusCode, data.headers?.['Content-Type']]).toEqual([500, 'application/problem+json']);
    expect(JSON.parse(data.body).detail).toContain('DiscoveryOptions__CacheTtlSeconds');
    expect([health.statusCode, health.body]).toEqual([503, 'Unhealthy']);
  });

  it('still loads without the Lambda runtime global, with a streaming export that refuses to run', async () => {
    // Prepare
    removeAwsLambdaGlobal();
    const { handler, streamingHandler } = await importHandlerWith({ DiscoveryOptions__EcsClusters: 'prod' });

    // Act
    const health = await handler(functionUrlEvent({ path: '/health' }), lambdaContext());
    const streaming = (streamingHandler as () => Promise<unknown>)();

    // Assess
    expect(health.statusCode).toBe(200);
    await expect(streaming).rejects.toThrow('streamingHandler needs the Lambda Node.js runtime');
  });
});
