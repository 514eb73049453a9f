/**
 * The app of the serving function in snapshot mode (the CDK default): it serves what the refresher
 * wrote to S3 and holds no ECS, Cloud Map, EC2 or STS client, so its bundle and cold start carry
 * none of them (docs/decisions.md, "Snapshot-only serving bundle (issue 10)").
 */

import { createS3Client } from '../aws/s3-client.ts';
import { createSnapshotStore } from '../aws/snapshot-store.ts';
import { ConfigError } from '../config/errors.ts';
import {
  type Environment,
  loadConfig,
  UNKNOWN_VARIABLES_WARNING,
  unknownOptionVariables,
} from '../config/load.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { createLogger, type Log } from '../log.ts';
import { type App, type AppDependencies, createApp } from './app.ts';
import type { DiscoveryCache } from './cache.ts';
import { createSnapshotSource } from './snapshot-source.ts';
import { readTokenSecret } from './token-source.ts';

/** The snapshot in `config.snapshotBucket`, as the result source; undefined without a bucket. */
const snapshotResultSource = (config: DiscoveryConfig, logger: Log): DiscoveryCache | undefined =>
  config.snapshotBucket === undefined
    ? undefined
    : createSnapshotSource({
        store: createSnapshotStore(createS3Client(), {
          bucket: config.snapshotBucket,
          key: config.snapshotKey,
        }),
        config,
        logger,
      });

/**
 * The app wired to the real configuration, Powertools logger and secret readers, serving the
 * snapshot when `DiscoveryOptions__SnapshotBucket` is set (decisions.md, "One refresh per fleet
 * (issue 13)") and otherwise the per-container cache over `createDiscover`. Shared by every door.
 */
export const createServingApp = (
  env: Environment,
  logger: Log,
  createDiscover: AppDependencies['createDiscover'],
  options: Pick<AppDependencies, 'refreshWaitMs'> = {},
): App => {
  const unknown = unknownOptionVariables(env);
  if (unknown.length > 0) logger.warn(UNKNOWN_VARIABLES_WARNING, { variables: unknown });
  return createApp({
    loadConfig: () => loadConfig(env),
    createDiscover,
    logger,
    readSecret: readTokenSecret,
    ...options,
    createResultSource: (config) => snapshotResultSource(config, logger),
  });
};

export const SNAPSHOT_BUCKET_REQUIRED =
  'DiscoveryOptions__SnapshotBucket is not set: this entry (snapshot-handler.ts) only serves the snapshot the refresher writes; deploy handler.ts to discover in the request';

export const createSnapshotApp = (env: Environment = process.env, logger: Log = createLogger()): App =>
  createServingApp(env, logger, () => {
    throw new ConfigError([
      { variable: 'DiscoveryOptions__SnapshotBucket', message: SNAPSHOT_BUCKET_REQUIRED },
    ]);
  });
