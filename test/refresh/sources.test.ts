/**
 * The refresher with two accounts: a full reconcile reads both, and an event batch re-reads a task
 * through the source its cluster ARN names (that account's credentials, that Region).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacer } from '../../lambda/aws/pacer.ts';
import { createS3Client } from '../../lambda/aws/s3-client.ts';
import { createSnapshotStore } from '../../lambda/aws/snapshot-store.ts';
import { createSources } from '../../lambda/aws/sources.ts';
import { planSources } from '../../lambda/config/sources.ts';
import { createRefresher, RefreshOutcome } from '../../lambda/refresh/refresher.ts';
import { type AwsDouble, FAKE_CREDENTIALS, type FleetSpec, startAwsDouble } from '../aws-double/index.ts';
import { manualClock, recordingLogger } from '../http/support.ts';
import { testConfig } from '../support/config.ts';
import { BUCKET, KEY } from './support.ts';

const OWN = '111111111111';
const MEMBER = '222222222222';
const ROLE = `arn:aws:iam::${MEMBER}:role/prometheus-sd-member`;
const TASK_ID = 'cccccccccccccccccccccccccccccccc';

const fleetOf = (accountId: string, ip: string): FleetSpec => ({
  accountId,
  region: 'eu-west-1',
  clusters: [
    {
      name: 'prod',
      services: [{ name: 'web', tags: { METRICS_PORT: '9100' }, tasks: [{ id: TASK_ID, ip }] }],
    },
  ],
});

let double: AwsDouble;
beforeAll(async () => {
  double = await startAwsDouble(fleetOf(OWN, '10.1.0.1'), {
    sources: [fleetOf(MEMBER, '10.2.0.1')],
    roles: [{ arn: ROLE }],
  });
  double.s3.createBucket(BUCKET);
});
afterAll(() => double.close());

describe('the refresher across accounts', () => {
  it('re-reads an event batch task in the account and Region of its cluster', async () => {
    // Prepare
    const config = testConfig({
      ecsClusters: ['prod'],
      assumeRoleArns: [ROLE],
      regions: ['eu-west-1'],
      snapshotBucket: BUCKET,
    });
    const s3 = createS3Client({
      endpoint: double.endpoint,
      region: 'eu-west-1',
      credentials: FAKE_CREDENTIALS,
    });
    const refresher = createRefresher({
      config,
      store: createSnapshotStore(s3, { bucket: BUCKET, key: KEY }),
      sources: createSources(config, planSources(config, 'eu-west-1'), {
        endpoint: double.endpoint,
        credentials: FAKE_CREDENTIALS,
        pacerFor: () => createPacer({ share: 1, families: [] }),
      }),
      logger: recordingLogger(),
      now: manualClock().now,
    });
    const full = await refresher.full();
    double.resetCalls();

    // Act
    const report = await refresher.events([
      {
        clusterArn: `arn:aws:ecs:eu-west-1:${MEMBER}:cluster/prod`,
        taskArn: `arn:aws:ecs:eu-west-1:${MEMBER}:task/prod/${TASK_ID}`,
        group: 'service:web',
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        version: 7,
      },
    ]);
    s3.destroy();

    // Assess
    expect(full).toMatchObject({ outcome: RefreshOutcome.Written, targetCount: 2 });
    expect(report).toMatchObject({
      outcome: RefreshOutcome.Written,
      targetCount: 2,
      awsCalls: { 'ecs:DescribeTasks': 1 },
    });
    expect(double.callsBySource()).toEqual({ [`${MEMBER}/eu-west-1`]: { 'ecs:DescribeTasks': 1 } });
  });
});
