/**
 * The Lambda handler wired to the real core (createDefaultApp) against the AWS API double:
 * a Function URL event in, the fleet's targets out; AWS trouble served stale, never partial.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultApp } from '../../lambda/http/default-app.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import { type AwsDouble, defineFleet, doubleEnv, startAwsDouble } from '../aws-double/index.ts';
import { functionUrlEvent, lambdaContext, recordingLogger } from './support.ts';

let double: AwsDouble;

beforeAll(async () => {
  double = await startAwsDouble(
    defineFleet({
      clusters: [
        {
          name: 'prod',
          services: [
            {
              name: 'web',
              tags: { METRICS_PORT: '8080' },
              tasks: [{ id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', ip: '10.0.0.9' }],
              serviceConnect: { namespace: 'apps' },
            },
          ],
        },
      ],
    }),
  );
  // The SDK reads endpoint, region and credentials from the process environment, as in Lambda.
  Object.assign(process.env, doubleEnv(double));
});
afterAll(() => double.close());

const setup = () => {
  const logger = recordingLogger();
  const app = createDefaultApp(
    {
      DiscoveryOptions__EcsClusters: 'prod;missing',
      DiscoveryOptions__BearerToken: 'token-0123456789',
      DiscoveryOptions__CacheTtlSeconds: '0',
    },
    logger,
  );
  return { handler: createHandler(app, { logger }), logger };
};

const get = (handler: ReturnType<typeof setup>['handler']) =>
  handler(functionUrlEvent({ headers: { authorization: 'Bearer token-0123456789' } }), lambdaContext());

describe('the handler on the real core', () => {
  it('serves the fleet as http_sd JSON and logs the missing cluster as a warning', async () => {
    // Prepare
    const { handler, logger } = setup();

    // Act
    const response = await get(handler);

    // Assess
    expect(response.statusCode).toBe(200);
    const groups = JSON.parse(response.body ?? '') as { targets: string[]; labels: Record<string, string> }[];
    expect(
      groups.map((g) => [g.targets[0], g.labels._sys_ecs_service, g.labels._sys_cloudmap_service_type]),
    ).toEqual([['10.0.0.9:8080', 'web', 'ServiceConnect']]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'AWS reported a failure entry',
        fields: expect.objectContaining({ operation: 'ecs:DescribeClusters', reason: 'MISSING' }),
      }),
    );
  });

  it('serves the last complete result as stale when AWS fails, with no AWS text in the response', async () => {
    // Prepare
    const { handler } = setup();
    const fresh = await get(handler);
    const fault = double.inject({
      operation: 'ecs:DescribeTasks',
      error: 'AccessDeniedException',
      times: 'always',
    });

    // Act
    const stale = await get(handler);
    fault.remove();
    const recovered = await get(handler);

    // Assess
    expect(stale.statusCode).toBe(200);
    expect(stale.headers?.['x-discovery-stale'] ?? stale.headers?.['X-Discovery-Stale']).toBe('true');
    expect(stale.body).toBe(fresh.body);
    expect(JSON.stringify(stale)).not.toContain('AccessDenied');
    expect(recovered.statusCode).toBe(200);
    expect(
      recovered.headers?.['x-discovery-stale'] ?? recovered.headers?.['X-Discovery-Stale'],
    ).toBeUndefined();
  });

  it('answers from the stale result in time when AWS is slower than the invocation has left', async () => {
    // Prepare
    const { handler } = setup();
    const fresh = await get(handler);
    double.setLatency(3000);
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 2000 };
    const started = Date.now();

    // Act
    const stale = await handler(
      functionUrlEvent({ headers: { authorization: 'Bearer token-0123456789' } }),
      context,
    );
    const elapsed = Date.now() - started;
    double.setLatency(0);

    // Assess: the refresh budget is the remaining 2 s less the 1 s answer margin.
    expect(stale.statusCode).toBe(200);
    expect(stale.headers?.['x-discovery-stale'] ?? stale.headers?.['X-Discovery-Stale']).toBe('true');
    expect(stale.body).toBe(fresh.body);
    expect(elapsed).toBeLessThan(2000);
  });
});
