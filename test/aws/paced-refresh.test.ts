/**
 * The pacer end to end: refreshes through the real SDK clients against the AWS double's token buckets
 * at AWS's published sizes, the double and the pacer on one fake clock (time moves only when the
 * pacer sleeps, so nothing waits on the wall clock and every number is exact).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPacer } from '../../lambda/aws/pacer.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscoverDetailed } from '../../lambda/discover.ts';
import {
  AWS_BUCKETS,
  type AwsDouble,
  generateFleet,
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

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Namespaces mode over 12 namespaces, each with one Service Connect service of one cluster: one
 * ListServicesByNamespace per namespace, 12 calls of a bucket AWS sizes at 10 burst, 1 per second.
 */
const setup = async (paced: boolean) => {
  let t = 0;
  const clock = {
    now: () => t,
    sleep: async (ms: number) => {
      // Calls granted before this sleep reach the double before time moves on (a few ms of real
      // loopback I/O), as they would on a real clock; no assertion reads the wall clock.
      await new Promise((resolve) => setTimeout(resolve, 20));
      t += ms;
      await settle();
    },
  };
  const fleet = generateFleet({
    clusters: 1,
    servicesPerCluster: 12,
    tasksPerService: 2,
    namespaces: 12,
    serviceConnectShare: 1,
    serviceDiscoveryShare: 0,
  });
  const double = await startAwsDouble(fleet, { buckets: AWS_BUCKETS, clock: clock.now });
  // One attempt: a throttled call fails the refresh instead of being retried out of sight.
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  const namespaces = fleet.namespaces.map((ns) => ns.name);
  const config = loadConfig({ DiscoveryOptions__CloudMapNamespaces: namespaces.join(';') });
  const pacer = paced ? createPacer({ share: config.awsRateShare, ...clock }) : undefined;
  const discover = () =>
    createDiscoverDetailed(config, {
      clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
      ...(pacer ? { pacer } : { pacer: { buckets: [], acquire: async () => {} } }),
    });
  return { double, discover, elapsedMs: () => t };
};

describe('a refresh paced at the default share (0.5) of the real buckets', () => {
  it('gets no throttling error, and takes the time the paced bucket needs', async () => {
    // Prepare
    const { double, discover, elapsedMs } = await setup(true);

    // Act
    const result = await discover()();

    // Assess: 12 calls from a 5-token bucket refilled at 0.5 per second: 7 waits of 2 s.
    expect(result.awsCalls['ecs:ListServicesByNamespace']).toBe(12);
    expect(result.targetCount).toBe(24);
    expect(double.throttled()).toEqual({});
    expect(elapsedMs()).toBeGreaterThanOrEqual(14_000);
    expect(elapsedMs()).toBeLessThan(14_100);
  });

  it('shares one budget between concurrent refreshes of the process', async () => {
    // Prepare: two refreshes with caches of their own, one pacer.
    const { double, discover, elapsedMs } = await setup(true);

    // Act
    const results = await Promise.all([discover()(), discover()()]);

    // Assess: 24 calls of the bucket: 19 waits of 2 s, and still no throttling.
    expect(results.map((r) => r.targetCount)).toEqual([24, 24]);
    expect(double.throttled()).toEqual({});
    expect(elapsedMs()).toBeGreaterThanOrEqual(38_000);
    expect(elapsedMs()).toBeLessThan(38_100);
  });

  it('is throttled without the pacer (the control: the fleet does exceed the bucket)', async () => {
    // Prepare: no pacer, and a clock that never moves, so the double's buckets never refill.
    const { double, discover } = await setup(false);

    // Act
    const failure = await discover()().catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ cause: { name: 'ThrottlingException' } });
    // The 11th call finds the bucket empty (a 12th may not be sent once the refresh has failed).
    expect(Object.keys(double.throttled())).toEqual(['ecs:ListServicesByNamespace']);
  });
});
