/**
 * The local server answers from its earlier result while a slow refresh runs (docs/decisions.md,
 * "Stale while refreshing (issue 10)"): its wiring from `process.env`, against the AWS double.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFRESH_WAIT_MS, type RunningServer, startServer } from '../lambda/server.ts';
import { doubleEnv, generateFleet, startAwsDouble } from './aws-double/index.ts';
import { recordingLogger } from './http/support.ts';

let running: RunningServer | undefined;
let stopDouble: (() => Promise<void>) | undefined;

afterEach(async () => {
  await running?.close();
  await stopDouble?.();
  running = undefined;
  stopDouble = undefined;
  vi.unstubAllEnvs();
});

const timed = async (url: string) => {
  const startedAt = performance.now();
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  const body = await response.text();
  return { response, body, ms: performance.now() - startedAt };
};

describe('the local server during a slow refresh', () => {
  it(`answers from the earlier result after ${REFRESH_WAIT_MS} ms, and serves the new one once it lands`, async () => {
    // Prepare: a 1 s TTL, then a refresh held up by a 4 s ListTasks.
    const double = await startAwsDouble(
      generateFleet({ clusters: 1, servicesPerCluster: 2, tasksPerService: 2 }),
    );
    stopDouble = () => double.close();
    const env = {
      ...doubleEnv(double),
      DiscoveryOptions__EcsClusters: 'cluster-0',
      DiscoveryOptions__CacheTtlSeconds: '1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    running = await startServer({ port: 0, host: '127.0.0.1', logger: recordingLogger() });
    const url = `${running.url}/prometheus-targets`;
    const fresh = await timed(url);
    // The next refresh (held up) finds a third task per service: only its result has 6 targets.
    double.setFleet(generateFleet({ clusters: 1, servicesPerCluster: 2, tasksPerService: 3 }));
    double.setLatency({ 'ecs:ListTasks': 4000 });
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Act
    const stale = await timed(url);
    const joined = await timed(url);
    double.setLatency(0);
    let landed = await timed(url);
    for (let polls = 0; polls < 40 && landed.response.headers.get('x-discovery-stale') !== null; polls += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      landed = await timed(url);
    }

    // Assess
    expect(fresh.response.status).toBe(200);
    expect(JSON.parse(fresh.body)).toHaveLength(4);
    expect([stale.response.status, stale.response.headers.get('x-discovery-stale'), stale.body]).toEqual([
      200,
      'true',
      fresh.body,
    ]);
    expect(stale.ms).toBeGreaterThanOrEqual(REFRESH_WAIT_MS - 50);
    expect(stale.ms).toBeLessThan(3000);
    // The refresh has run its wait: a request that joins it is answered at once.
    expect([joined.response.headers.get('x-discovery-stale'), joined.body]).toEqual(['true', fresh.body]);
    expect(joined.ms).toBeLessThan(REFRESH_WAIT_MS);
    expect([landed.response.status, landed.response.headers.get('x-discovery-stale')]).toEqual([200, null]);
    expect(JSON.parse(landed.body)).toHaveLength(6);
  }, 30_000);
});
