/**
 * Two accounts × two Regions through the real SDK against the AWS double: the member account is
 * read with an assumed role (ExternalId checked), each (account, Region) is its own source with its
 * own fleet, clients and pacer, and a failure in any one source fails the refresh.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPacer } from '../../lambda/aws/pacer.ts';
import { createSources } from '../../lambda/aws/sources.ts';
import { planSources } from '../../lambda/config/sources.ts';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { createDiscoverDetailed, DiscoveryError } from '../../lambda/discover.ts';
import { createApp } from '../../lambda/http/app.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import { type AwsDouble, FAKE_CREDENTIALS, type FleetSpec, startAwsDouble } from '../aws-double/index.ts';
import { functionUrlEvent, lambdaContext, manualClock, recordingLogger } from '../http/support.ts';
import { testConfig } from '../support/config.ts';

const OWN = '111111111111';
const MEMBER = '222222222222';
const ROLE = `arn:aws:iam::${MEMBER}:role/prometheus-sd-member`;
const EXTERNAL_ID = 'prometheus-sd-7f3a';

/** One cluster `prod` with one service `web` and one task at `ip`, in `accountId`/`region`. */
const fleetOf = (accountId: string, region: string, ip: string): FleetSpec => ({
  accountId,
  region,
  clusters: [
    {
      name: 'prod',
      services: [
        {
          name: 'web',
          tags: { METRICS_PORT: '9100' },
          tasks: [{ id: `${accountId.slice(0, 1)}${region.slice(0, 2)}00000000000000000000000000000`, ip }],
        },
      ],
    },
  ],
});

let double: AwsDouble;

beforeAll(async () => {
  double = await startAwsDouble(fleetOf(OWN, 'eu-west-1', '10.1.0.1'), {
    sources: [
      fleetOf(OWN, 'us-east-1', '10.1.0.2'),
      fleetOf(MEMBER, 'eu-west-1', '10.2.0.1'),
      fleetOf(MEMBER, 'us-east-1', '10.2.0.2'),
    ],
    roles: [{ arn: ROLE, externalId: EXTERNAL_ID }],
  });
});
afterAll(() => double.close());
afterEach(() => {
  double.clearFaults();
  double.resetCalls();
});

const config = (overrides: Partial<DiscoveryConfig> = {}) =>
  testConfig({
    ecsClusters: ['prod'],
    assumeRoleArns: [ROLE],
    assumeRoleExternalId: EXTERNAL_ID,
    regions: ['eu-west-1', 'us-east-1'],
    // The original's label set: this test spells out a whole body (Prometheus-native names: meta-labels tests).
    metaLabels: 'compact',
    ...overrides,
  });

const sourcesFor = (settings: DiscoveryConfig) =>
  createSources(settings, planSources(settings, 'eu-west-1'), {
    endpoint: double.endpoint,
    credentials: FAKE_CREDENTIALS,
    // Unpaced: pacing is tested in test/aws; here each source just needs a pacer of its own.
    pacerFor: () => createPacer({ share: 1, families: [] }),
  });

describe('discovery across two accounts and two Regions', () => {
  it('serves every source in configuration order with account and Region labels', async () => {
    // Prepare
    const settings = config();
    const discover = createDiscoverDetailed(settings, { sources: sourcesFor(settings) });

    // Act
    const details = await discover();

    // Assess
    expect(
      details.groups.map((g) => [
        g.targets,
        g.labels._sys_ecs_account_id,
        g.labels._sys_ecs_region,
        g.labels.__meta_ecs_account_id,
        g.labels.__meta_ecs_region,
      ]),
    ).toEqual([
      [['10.1.0.1:9100'], OWN, 'eu-west-1', OWN, 'eu-west-1'],
      [['10.1.0.2:9100'], OWN, 'us-east-1', OWN, 'us-east-1'],
      [['10.2.0.1:9100'], MEMBER, 'eu-west-1', MEMBER, 'eu-west-1'],
      [['10.2.0.2:9100'], MEMBER, 'us-east-1', MEMBER, 'us-east-1'],
    ]);
    expect(JSON.parse(details.body)[2]).toEqual({
      targets: ['10.2.0.1:9100'],
      labels: {
        __metrics_path__: '/metrics',
        instance: '10.2.0.1',
        __meta_ecs_account_id: MEMBER,
        __meta_ecs_cluster: 'prod',
        __meta_ecs_region: 'eu-west-1',
        __meta_ecs_service: 'web',
        __meta_ecs_task: `arn:aws:ecs:eu-west-1:${MEMBER}:task/prod/2eu00000000000000000000000000000`,
        __meta_ecs_task_definition: `arn:aws:ecs:eu-west-1:${MEMBER}:task-definition/web:1`,
        _sys_ecs_account_id: MEMBER,
        _sys_ecs_cluster: 'prod',
        _sys_ecs_region: 'eu-west-1',
        _sys_ecs_service: 'web',
        _sys_ecs_task: `arn:aws:ecs:eu-west-1:${MEMBER}:task/prod/2eu00000000000000000000000000000`,
        _sys_ecs_task_definition: `arn:aws:ecs:eu-west-1:${MEMBER}:task-definition/web:1`,
      },
    });
  });

  it('reads each source once with its own credentials and assumes the member role once for both Regions', async () => {
    // Prepare
    const settings = config();
    const discover = createDiscoverDetailed(settings, { sources: sourcesFor(settings) });
    const perSource = {
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 1,
      'ecs:DescribeServices': 1,
      'ecs:ListTasks': 1,
      'ecs:DescribeTasks': 1,
    };

    // Act
    const details = await discover();

    // Assess
    expect(double.callsBySource()).toEqual({
      [`${OWN}/eu-west-1`]: perSource,
      [`${OWN}/us-east-1`]: perSource,
      [`${MEMBER}/eu-west-1`]: perSource,
      [`${MEMBER}/us-east-1`]: perSource,
    });
    expect(details.awsCallsBySource).toEqual({
      'self/eu-west-1': perSource,
      'self/us-east-1': perSource,
      [`${MEMBER}/eu-west-1`]: perSource,
      [`${MEMBER}/us-east-1`]: perSource,
    });
    expect(details.awsCalls['ecs:DescribeTasks']).toBe(4);
    expect(double.assumeRoleCalls()).toEqual([
      {
        roleArn: ROLE,
        roleSessionName: 'ecs-cloudmap-prometheus-sd',
        externalId: EXTERNAL_ID,
        granted: true,
      },
    ]);
  });

  it('reads only the source an ARN pins, and names in every source', async () => {
    // Prepare
    const settings = config({ ecsClusters: [`arn:aws:ecs:us-east-1:${MEMBER}:cluster/prod`] });
    const discover = createDiscoverDetailed(settings, { sources: sourcesFor(settings) });

    // Act
    const details = await discover();

    // Assess
    expect(details.groups.map((g) => g.targets)).toEqual([['10.2.0.2:9100']]);
    expect(Object.keys(double.callsBySource())).toEqual([`${MEMBER}/us-east-1`]);
  });

  it('fails the refresh when the member role demands another ExternalId, naming the source', async () => {
    // Prepare
    const settings = config({ assumeRoleExternalId: 'not-the-one' });
    const discover = createDiscoverDetailed(settings, { sources: sourcesFor(settings) });

    // Act
    const outcome = discover();

    // Assess
    await expect(outcome).rejects.toThrow(
      `Discovery failed: an AWS read did not complete in source ${MEMBER}/eu-west-1`,
    );
    const error = (await outcome.catch((e: unknown) => e)) as DiscoveryError;
    expect(error.source).toEqual({ accountId: MEMBER, region: 'eu-west-1', name: `${MEMBER}/eu-west-1` });
    expect(String((error.cause as Error).message)).toContain(
      `not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    );
    expect(double.assumeRoleCalls()[0]).toEqual({
      roleArn: ROLE,
      roleSessionName: 'ecs-cloudmap-prometheus-sd',
      externalId: 'not-the-one',
      granted: false,
    });
  });

  it('denies a role the double does not know', async () => {
    // Prepare
    const unknown = `arn:aws:iam::${MEMBER}:role/not-there`;
    const settings = config({ assumeRoleArns: [unknown], regions: ['eu-west-1'], includeOwnAccount: false });
    const discover = createDiscoverDetailed(settings, { sources: sourcesFor(settings) });

    // Act
    const outcome = discover();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(DiscoveryError);
    expect(double.assumeRoleCalls().map((c) => [c.roleArn, c.granted])).toEqual([[unknown, false]]);
  });
});

describe('one source failing', () => {
  const setUp = () => {
    const settings = config({ cacheTtlSeconds: 60, staleIfErrorSeconds: 600 });
    const sources = sourcesFor(settings);
    const clock = manualClock();
    const logger = recordingLogger();
    const app = createApp({
      loadConfig: () => settings,
      createDiscover: (c) => createDiscoverDetailed(c, { sources }),
      logger,
      readSecret: async () => 'unused',
      now: clock.now,
    });
    const handler = createHandler(app, { logger });
    const get = (path = '/prometheus-targets') => handler(functionUrlEvent({ path }), lambdaContext());
    return { clock, logger, get };
  };

  it('fails the refresh, names the source in the log and /metrics, and serves the last complete list', async () => {
    // Prepare
    const { clock, logger, get } = setUp();
    const complete = await get();
    clock.advanceSeconds(61);
    double.inject({
      operation: 'ecs:ListServices',
      accountId: MEMBER,
      region: 'us-east-1',
      error: 'AccessDeniedException',
      times: 'always',
    });

    // Act
    const stale = await get();
    const metrics = await get('/metrics');

    // Assess
    expect(JSON.parse(complete.body)).toHaveLength(4);
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(complete.body);
    const failed = logger.entries.find((e) => e.message === 'discovery refresh failed');
    expect(failed?.fields?.error).toMatchObject({
      name: 'DiscoveryError',
      message: `Discovery failed: an AWS read did not complete in source ${MEMBER}/us-east-1`,
      source: `${MEMBER}/us-east-1`,
      cause: { name: 'AccessDeniedException' },
    });
    expect(metrics.body).toContain(
      `ecs_cloudmap_sd_source_failures_total{account="${MEMBER}",region="us-east-1"} 1`,
    );
  });
});

describe('credentials of an assumed role', () => {
  it('are assumed again when they expire, and held while they are fresh', async () => {
    // Prepare: the first credentials are already expired, every later one is good until 2100.
    const expirations = [new Date('2000-01-01T00:00:00Z')];
    const expiring = await startAwsDouble(fleetOf(OWN, 'eu-west-1', '10.1.0.1'), {
      sources: [fleetOf(MEMBER, 'eu-west-1', '10.2.0.1')],
      roles: [{ arn: ROLE }],
      stsExpiration: () => expirations.shift() ?? new Date('2100-01-01T00:00:00Z'),
    });
    const settings = config({ regions: ['eu-west-1'], assumeRoleExternalId: undefined });
    const sources = createSources(settings, planSources(settings, 'eu-west-1'), {
      endpoint: expiring.endpoint,
      credentials: FAKE_CREDENTIALS,
      pacerFor: () => createPacer({ share: 1, families: [] }),
    });
    const discover = createDiscoverDetailed(settings, { sources });

    // Act
    await discover();
    const afterFirst = expiring.assumeRoleCalls().length;
    await discover();
    const afterSecond = expiring.assumeRoleCalls().length;
    await expiring.close();

    // Assess
    expect(afterFirst).toBe(2);
    expect(afterSecond).toBe(2);
  });
});

describe('bridge tasks of a member account', () => {
  it('resolves a member account task host with that account EC2 client and counts the calls to its source', async () => {
    // Prepare: the own account runs an awsvpc task, the member account a bridge task on its EC2 host.
    const member: FleetSpec = {
      accountId: MEMBER,
      region: 'eu-west-1',
      clusters: [
        {
          name: 'prod',
          containerInstances: [{ id: 'ci-m', ec2InstanceId: 'i-0mmmmmmmmmmmmmmmm', ip: '10.2.0.10' }],
          services: [
            {
              name: 'web',
              network: 'bridge',
              tags: { METRICS_PORT: '9100' },
              tasks: [
                { id: 'm1', containerInstance: 'ci-m', bindings: [{ containerPort: 9100, hostPort: 32768 }] },
              ],
            },
          ],
        },
      ],
    };
    const bridged = await startAwsDouble(fleetOf(OWN, 'eu-west-1', '10.1.0.1'), {
      sources: [member],
      roles: [{ arn: ROLE }],
    });
    try {
      const settings = testConfig({ ecsClusters: ['prod'], assumeRoleArns: [ROLE] });
      const sources = createSources(settings, planSources(settings, 'eu-west-1'), {
        endpoint: bridged.endpoint,
        credentials: FAKE_CREDENTIALS,
        pacerFor: () => createPacer({ share: 1, families: [] }),
      });
      const discover = createDiscoverDetailed(settings, { sources });

      // Act
      const details = await discover();

      // Assess
      expect(details.groups.map((g) => [g.targets, g.labels._sys_ecs_account_id])).toEqual([
        [['10.1.0.1:9100'], OWN],
        [['10.2.0.10:32768'], MEMBER],
      ]);
      expect(Object.keys(details.awsCallsBySource)).toEqual(['self/eu-west-1', `${MEMBER}/eu-west-1`]);
      expect(details.awsCallsBySource['self/eu-west-1']?.['ec2:DescribeInstances']).toBeUndefined();
      expect(details.awsCallsBySource[`${MEMBER}/eu-west-1`]).toMatchObject({
        'ecs:DescribeContainerInstances': 1,
        'ec2:DescribeInstances': 1,
      });
    } finally {
      await bridged.close();
    }
  });
});
