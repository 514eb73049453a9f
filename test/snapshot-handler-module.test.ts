/**
 * lambda/snapshot-handler.ts, the serving door the CDK deploys in snapshot mode: it serves the
 * refresher's snapshot from S3 (the AWS double's), and without a bucket it names the variable.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { doubleEnv } from './aws-double/index.ts';
import { installAwsLambdaGlobal, invokeStreaming, removeAwsLambdaGlobal } from './http/awslambda-polyfill.ts';
import { functionUrlEvent, lambdaContext } from './http/support.ts';
import { BUCKET, KEY, type SnapshotWorld, startSnapshotWorld, targetsOf } from './refresh/support.ts';

const importSnapshotHandlerWith = async (env: Record<string, string>) => {
  for (const [name, value] of Object.entries({ POWERTOOLS_LOG_LEVEL: 'SILENT', ...env }))
    vi.stubEnv(name, value);
  vi.resetModules();
  return import('../lambda/snapshot-handler.ts');
};

let world: SnapshotWorld | undefined;

describe('lambda/snapshot-handler.ts', () => {
  beforeEach(() => installAwsLambdaGlobal());
  afterEach(async () => {
    vi.unstubAllEnvs();
    removeAwsLambdaGlobal();
    await world?.close();
    world = undefined;
  });

  it('serves the snapshot the refresher wrote, buffered and streamed', async () => {
    // Prepare: a snapshot written now (wall clock), so it is fresh for the handler's clock too.
    world = await startSnapshotWorld(undefined, {}, { now: Date.now, advanceSeconds: () => undefined });
    await world.refresher.full();
    const { handler, streamingHandler } = await importSnapshotHandlerWith({
      ...doubleEnv(world.double),
      DiscoveryOptions__EcsClusters: 'prod',
      DiscoveryOptions__SnapshotBucket: BUCKET,
      DiscoveryOptions__SnapshotKey: KEY,
    });
    world.double.resetCalls();

    // Act
    const buffered = await handler(functionUrlEvent(), lambdaContext());
    const streamed = await invokeStreaming(streamingHandler, functionUrlEvent(), lambdaContext());

    // Assess
    expect(buffered.statusCode).toBe(200);
    expect(targetsOf(buffered.body)).toEqual(['api 10.0.0.1:9090', 'web 10.0.0.2:8080', 'web 10.0.0.3:8080']);
    expect(streamed.prelude.statusCode).toBe(200);
    expect(streamed.body.toString('utf8')).toBe(buffered.body);
    expect(world.double.calls()).toEqual({});
    expect(world.double.s3.calls()['s3:GetObject']).toBeGreaterThanOrEqual(1);
  });

  it('answers 500 naming DiscoveryOptions__SnapshotBucket, and 503 on /health, without a bucket', async () => {
    // Prepare
    const { handler } = await importSnapshotHandlerWith({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      DiscoveryOptions__EcsClusters: 'prod',
    });

    // Act
    const data = await handler(functionUrlEvent(), lambdaContext());
    const health = await handler(functionUrlEvent({ path: '/health' }), lambdaContext());

    // Assess
    expect([data.statusCode, data.headers?.['Content-Type']]).toEqual([500, 'application/problem+json']);
    expect(JSON.parse(data.body).detail).toContain(
      'DiscoveryOptions__SnapshotBucket is not set: this entry (snapshot-handler.ts) only serves the snapshot',
    );
    expect([health.statusCode, health.body]).toEqual([503, 'Unhealthy']);
  });
});
