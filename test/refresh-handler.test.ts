/**
 * The two Lambda entries wired from the environment alone (as the stack deploys them) against the
 * AWS double: `refreshHandler` writes the snapshot, `handler` in snapshot mode reads only S3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultApp } from '../lambda/http/default-app.ts';
import { createHandler } from '../lambda/http/lambda-adapter.ts';
import { type AwsDouble, defineFleet, doubleEnv, startAwsDouble, toSqsEvent } from './aws-double/index.ts';
import { functionUrlEvent, lambdaContext, recordingLogger } from './http/support.ts';
import { BUCKET, KEY, WEB_FLEET, withWebTasks } from './refresh/support.ts';

let double: AwsDouble;
const ENV = {
  DiscoveryOptions__EcsClusters: 'prod',
  DiscoveryOptions__SnapshotBucket: BUCKET,
};

beforeAll(async () => {
  double = await startAwsDouble(defineFleet(WEB_FLEET));
  double.s3.createBucket(BUCKET);
  // The SDK reads endpoint, region and credentials from the process environment, as in Lambda.
  Object.assign(process.env, doubleEnv(double), ENV);
});
afterAll(() => double.close());

describe('handler in snapshot mode', () => {
  it('answers 503 with Retry-After before the first refresh, calling only S3', async () => {
    // Prepare
    const logger = recordingLogger();
    const handler = createHandler(createDefaultApp(ENV, logger), { logger });

    // Act
    const response = await handler(functionUrlEvent(), lambdaContext());

    // Assess
    expect(response).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '10' } });
    expect(double.s3.calls()).toEqual({ 's3:GetObject': 1 });
    expect(double.totalCalls()).toBe(0);
  });
});

describe('refreshHandler', () => {
  it('runs a full reconcile for the deploy-time {} and an incremental update for an SQS batch', async () => {
    // Prepare
    const { refreshHandler } = await import('../lambda/refresh-handler.ts');
    double.resetCalls();

    // Act
    const full = await refreshHandler({});
    double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(double.drainTaskEvents());
    double.resetCalls();
    const incremental = await refreshHandler(batch);

    // Assess
    expect(full).toMatchObject({ outcome: 'written', generation: 1, targetCount: 3 });
    expect(incremental).toMatchObject({ outcome: 'written', generation: 2, targetCount: 4 });
    // The new task's ENI is asked for its public IP (MetaLabels=full); nothing else of EC2.
    expect(double.calls()).toEqual({ 'ecs:DescribeTasks': 1, 'ec2:DescribeNetworkInterfaces': 1 });
    expect(double.s3.object(BUCKET, KEY)?.writes).toBe(2);
  });
});
