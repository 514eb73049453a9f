/**
 * `aws_calls_total` from real refreshes: the discovery core through the real SDK against the AWS
 * double, one call failing, the failure handed to the metrics as the app does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscover } from '../../lambda/discover.ts';
import { createMetrics } from '../../lambda/http/metrics.ts';
import {
  type AwsDouble,
  defineFleet,
  type FaultSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';

const opened: { double: AwsDouble; destroy: () => void }[] = [];
afterEach(async () => {
  for (const { double, destroy } of opened.splice(0)) {
    destroy();
    await double.close();
  }
});

const FLEET = defineFleet({
  clusters: [{ name: 'prod', services: [{ name: 'web', tags: { METRICS_PORT: '9100' }, tasks: 2 }] }],
});

/** The `aws_calls_total` lines after one failed refresh with `fault` injected. */
const callLinesAfterFailure = async (fault: FaultSpec) => {
  const double = await startAwsDouble(FLEET);
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  double.inject(fault);
  const discover = createDiscover(loadConfig({ DiscoveryOptions__EcsClusters: 'prod' }), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
  });
  const metrics = createMetrics();
  const error = await discover().catch((thrown: unknown) => thrown);
  metrics.refreshFailed(error, 10);
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith('ecs_cloudmap_sd_aws_calls_total{'));
};

describe('aws_calls_total', () => {
  it.each([
    ['AccessDeniedException', 'error'],
    ['ThrottlingException', 'throttled'],
  ] as const)('counts a call failing with %s once, as outcome="%s"', async (error, outcome) => {
    // Act
    const lines = await callLinesAfterFailure({ operation: 'ecs:ListTasks', error, times: 'always' });

    // Assess
    expect(lines).toEqual([
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeClusters",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListServices",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeServices",outcome="success"} 1',
      `ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListTasks",outcome="${outcome}"} 1`,
    ]);
  });

  it('counts every call of a successful refresh as a success', async () => {
    // Prepare
    const double = await startAwsDouble(FLEET);
    const clients = makeClients(double, { maxAttempts: 1 });
    opened.push({ double, destroy: clients.destroy });
    const discover = createDiscover(loadConfig({ DiscoveryOptions__EcsClusters: 'prod' }), {
      clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
    });
    const metrics = createMetrics();

    // Act
    metrics.refreshSucceeded(await discover());

    // Assess
    const text = await metrics.registry.metrics();
    expect(text.split('\n').filter((line) => line.startsWith('ecs_cloudmap_sd_aws_calls_total{'))).toEqual([
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeClusters",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListServices",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeServices",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:ListTasks",outcome="success"} 1',
      'ecs_cloudmap_sd_aws_calls_total{operation="ecs:DescribeTasks",outcome="success"} 1',
    ]);
  });
});
