/**
 * Test support for the snapshot path: the AWS double (ECS, Cloud Map and S3 on one loopback
 * endpoint), real SDK clients, a snapshot store on a bucket of the double, a refresher and a clock.
 */

import { createS3Client } from '../../lambda/aws/s3-client.ts';
import { createSnapshotStore } from '../../lambda/aws/snapshot-store.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { type App, createApp } from '../../lambda/http/app.ts';
import { createSnapshotSource } from '../../lambda/http/snapshot-source.ts';
import { createRefresher } from '../../lambda/refresh/refresher.ts';
import {
  type AwsDouble,
  defineFleet,
  FAKE_CREDENTIALS,
  type FleetSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';
import { manualClock, recordingLogger } from '../http/support.ts';

export const BUCKET = 'sd-snapshots';
export const KEY = 'prometheus-targets.json';

export const WEB_FLEET: FleetSpec = {
  clusters: [
    {
      name: 'prod',
      services: [
        { name: 'api', tags: { METRICS_PORT: '9090' }, tasks: 1 },
        { name: 'web', tags: { METRICS_PORT: '8080' }, tasks: 2 },
      ],
    },
  ],
};

/**
 * `WEB_FLEET` with `web` running `count` tasks. Ids and addresses derive from the position, so the
 * other tasks keep theirs (`api` comes first for that reason).
 */
export const withWebTasks = (count: number): FleetSpec => ({
  clusters: [
    {
      name: 'prod',
      services: [
        { name: 'api', tags: { METRICS_PORT: '9090' }, tasks: 1 },
        { name: 'web', tags: { METRICS_PORT: '8080' }, tasks: count },
      ],
    },
  ],
});

export type SnapshotWorld = Awaited<ReturnType<typeof startSnapshotWorld>>;

/** A clock the world runs on: the manual test clock, or the wall clock for the demo. */
export type WorldClock = { readonly now: () => number; readonly advanceSeconds: (seconds: number) => void };

export const startSnapshotWorld = async (
  spec: FleetSpec = WEB_FLEET,
  env: Record<string, string> = {},
  clock: WorldClock = manualClock(),
) => {
  const double: AwsDouble = await startAwsDouble(defineFleet(spec), { now: clock.now });
  double.s3.createBucket(BUCKET);
  const clients = makeClients(double, { maxAttempts: 1 });
  const s3 = createS3Client({
    endpoint: double.endpoint,
    region: double.region,
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  });
  const config: DiscoveryConfig = loadConfig({
    DiscoveryOptions__EcsClusters: 'prod',
    DiscoveryOptions__SnapshotBucket: BUCKET,
    ...env,
  });
  const store = createSnapshotStore(s3, { bucket: BUCKET, key: KEY });
  const logger = recordingLogger();
  const refresher = createRefresher({
    config,
    store,
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
    logger,
    now: clock.now,
  });
  return {
    double,
    clock,
    config,
    store,
    refresher,
    logger,
    /** Another refresher on the same store and clients with an empty process cache (a cold container). */
    coldRefresher: () =>
      createRefresher({
        config,
        store,
        clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
        logger,
        now: clock.now,
      }),
    stored: () => {
      const object = double.s3.object(BUCKET, KEY);
      return object === undefined
        ? undefined
        : (JSON.parse(object.body.toString('utf8')) as Record<string, unknown>);
    },
    close: async () => {
      clients.destroy();
      s3.destroy();
      await double.close();
    },
  };
};

type Group = { targets: string[]; labels: Record<string, string> };

/** `service target` per group of an http_sd body, in body order. */
export const targetsOf = (body: unknown): string[] =>
  (JSON.parse(String(body)) as Group[]).map((g) => `${g.labels._sys_ecs_service} ${g.targets.join(',')}`);

/** The endpoint app in snapshot mode over the world's store and clock (never builds a discovery). */
export const snapshotApp = (world: SnapshotWorld): App =>
  createApp({
    loadConfig: () => world.config,
    createDiscover: () => {
      throw new Error('snapshot mode must not build a discovery');
    },
    logger: world.logger,
    readSecret: () => Promise.reject(new Error('no secret configured')),
    now: world.clock.now,
    createResultSource: (config) =>
      createSnapshotSource({ store: world.store, config, logger: world.logger, now: world.clock.now }),
  });
