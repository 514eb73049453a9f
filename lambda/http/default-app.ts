/**
 * The app wired to the real configuration, discovery core, Powertools logger and secret readers.
 * Shared by the Lambda handler and the local server, so both run one code path.
 */

import type { Environment } from '../config/load.ts';
import { createDiscover } from '../discover.ts';
import { createLogger, type Log } from '../log.ts';
import type { App } from './app.ts';
import { createServingApp } from './snapshot-app.ts';

export type DefaultAppOptions = {
  /** Stale-while-refresh wait (`CacheOptions.refreshWaitMs`): the local server only. @default none */
  readonly refreshWaitMs?: number;
};

export const createDefaultApp = (
  env: Environment = process.env,
  logger: Log = createLogger(),
  options: DefaultAppOptions = {},
): App =>
  createServingApp(
    env,
    logger,
    // AWS `failures` entries and missing configured resources are logged once, as warnings.
    (config) =>
      createDiscover(config, { onWarning: (warning) => logger.warn(warning.message, { ...warning.data }) }),
    options,
  );
