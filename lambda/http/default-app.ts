/**
 * The app wired to the real configuration, discovery core, Powertools logger and secret readers.
 * Shared by the Lambda handler and the local server, so both run one code path.
 */

import { createS3Client } from '../aws/s3-client.ts';
import { createSnapshotStore } from '../aws/snapshot-store.ts';
import {
  type Environment,
  loadConfig,
  UNKNOWN_VARIABLES_WARNING,
  unknownOptionVariables,
} from '../config/load.ts';
import { createDiscover } from '../discover.ts';
import { createLogger, type Log } from '../log.ts';
import { type App, createApp } from './app.ts';
import { createSnapshotSource } from './snapshot-source.ts';
import { readTokenSecret } from './token-source.ts';

export type DefaultAppOptions = {
  /** Stale-while-refresh wait (`CacheOptions.refreshWaitMs`): the local server only. @default none */
  readonly refreshWaitMs?: number;
};

export const createDefaultApp = (
  env: Environment = process.env,
  logger: Log = createLogger(),
  options: DefaultAppOptions = {},
): App => {
  const unknown = unknownOptionVariables(env);
  if (unknown.length > 0) logger.warn(UNKNOWN_VARIABLES_WARNING, { variables: unknown });
  return createApp({
    loadConfig: () => loadConfig(env),
    // AWS `failures` entries and missing configured resources are logged once, as warnings.
    createDiscover: (config) =>
      createDiscover(config, { onWarning: (warning) => logger.warn(warning.message, { ...warning.data }) }),
    logger,
    readSecret: readTokenSecret,
    ...options,
    // Snapshot mode (decisions.md, "One refresh per fleet (issue 13)"): serve what the refresher wrote.
    createResultSource: (config) =>
      config.snapshotBucket === undefined
        ? undefined
        : createSnapshotSource({
            store: createSnapshotStore(createS3Client(), {
              bucket: config.snapshotBucket,
              key: config.snapshotKey,
            }),
            config,
            logger,
          }),
  });
};
