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
import { type App, createApp } from './app.ts';
import type { DiscoveryCache } from './cache.ts';
import { createSnapshotSource } from './snapshot-source.ts';
import { readTokenSecret } from './token-source.ts';

/** The snapshot in `config.snapshotBucket`, as the result source; undefined without a bucket. */
export const snapshotResultSource = (config: DiscoveryConfig, logger: Log): DiscoveryCache | undefined =>
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

/** Warns once about `DiscoveryOptions__*` variables that name no option. */
export const warnUnknownVariables = (env: Environment, logger: Log): void => {
  const unknown = unknownOptionVariables(env);
  if (unknown.length > 0) logger.warn(UNKNOWN_VARIABLES_WARNING, { variables: unknown });
};

export const SNAPSHOT_BUCKET_REQUIRED =
  'DiscoveryOptions__SnapshotBucket is not set: this entry (snapshot-handler.ts) only serves the snapshot the refresher writes; deploy handler.ts to discover in the request';

export const createSnapshotApp = (env: Environment = process.env, logger: Log = createLogger()): App => {
  warnUnknownVariables(env, logger);
  return createApp({
    loadConfig: () => loadConfig(env),
    createDiscover: () => {
      throw new ConfigError([
        { variable: 'DiscoveryOptions__SnapshotBucket', message: SNAPSHOT_BUCKET_REQUIRED },
      ]);
    },
    logger,
    readSecret: readTokenSecret,
    createResultSource: (config) => snapshotResultSource(config, logger),
  });
};
