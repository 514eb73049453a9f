/**
 * The default app (the Lambda's wiring) with several sources configured only through the
 * environment, as an operator does: `AssumeRoleArns`, `AssumeRoleExternalId`, `Regions` and the
 * SDK's standard endpoint and credential variables, STS included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultApp } from '../../lambda/http/default-app.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import { type AwsDouble, doubleEnv, type FleetSpec, startAwsDouble } from '../aws-double/index.ts';
import { functionUrlEvent, lambdaContext, recordingLogger } from './support.ts';

const OWN = '111111111111';
const MEMBER = '222222222222';
const ROLE = `arn:aws:iam::${MEMBER}:role/ecs-cloudmap-prometheus-sd-read`;

const fleetOf = (accountId: string, region: string, ip: string): FleetSpec => ({
  accountId,
  region,
  clusters: [{ name: 'prod', services: [{ name: 'web', tags: { METRICS_PORT: '9100' }, tasks: [{ ip }] }] }],
});

let double: AwsDouble;
beforeAll(async () => {
  double = await startAwsDouble(fleetOf(OWN, 'eu-west-1', '10.1.0.1'), {
    sources: [fleetOf(OWN, 'us-east-1', '10.1.0.2'), fleetOf(MEMBER, 'eu-west-1', '10.2.0.1')],
    roles: [{ arn: ROLE, externalId: 'prometheus-sd-7f3a' }],
  });
  Object.assign(process.env, doubleEnv(double));
});
afterAll(() => double.close());

const handlerFor = (options: Record<string, string>) => {
  const logger = recordingLogger();
  const app = createDefaultApp(
    {
      DiscoveryOptions__EcsClusters: 'prod',
      DiscoveryOptions__AssumeRoleArns: ROLE,
      DiscoveryOptions__Regions: 'eu-west-1;us-east-1',
      DiscoveryOptions__CacheTtlSeconds: '0',
      ...options,
    },
    logger,
  );
  return { handler: createHandler(app, { logger }), logger };
};

describe('the default app with several sources', () => {
  it('reads both accounts in both Regions from the environment alone', async () => {
    // Prepare
    const { handler } = handlerFor({ DiscoveryOptions__AssumeRoleExternalId: 'prometheus-sd-7f3a' });

    // Act
    const response = await handler(functionUrlEvent(), lambdaContext());

    // Assess
    const groups = JSON.parse(response.body) as { targets: string[]; labels: Record<string, string> }[];
    expect(groups.map((g) => [g.targets[0], g.labels._sys_ecs_account_id, g.labels._sys_ecs_region])).toEqual(
      [
        ['10.1.0.1:9100', OWN, 'eu-west-1'],
        ['10.1.0.2:9100', OWN, 'us-east-1'],
        ['10.2.0.1:9100', MEMBER, 'eu-west-1'],
      ],
    );
    expect(double.assumeRoleCalls().filter((c) => c.granted)).toHaveLength(1);
  });

  it('answers 503 and names the member source when its role is denied', async () => {
    // Prepare
    const { handler, logger } = handlerFor({ DiscoveryOptions__AssumeRoleExternalId: 'wrong-id' });

    // Act
    const response = await handler(functionUrlEvent(), lambdaContext());
    const metrics = await handler(functionUrlEvent({ path: '/metrics' }), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(503);
    const failed = logger.entries.find((e) => e.message === 'discovery refresh failed');
    expect(failed?.fields?.error).toMatchObject({ name: 'DiscoveryError', source: `${MEMBER}/eu-west-1` });
    expect(metrics.body).toContain(
      `ecs_cloudmap_sd_source_failures_total{account="${MEMBER}",region="eu-west-1"} 1`,
    );
  });

  it('refuses at start a cluster ARN of a Region it does not read', async () => {
    // Prepare
    const { handler } = handlerFor({
      DiscoveryOptions__EcsClusters: `arn:aws:ecs:ap-south-1:${OWN}:cluster/prod`,
    });

    // Act
    const response = await handler(functionUrlEvent(), lambdaContext());

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('Region ap-south-1 is not in DiscoveryOptions__Regions');
  });
});
