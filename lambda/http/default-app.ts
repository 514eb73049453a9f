/**
 * The app wired to the real configuration, discovery core, Powertools logger and secret readers.
 * Shared by the Lambda handler and the local server, so both run one code path.
 */

import { type Environment, loadConfig } from '../config/load.ts';
import { createDiscover } from '../discover.ts';
import { createLogger, type Log } from '../log.ts';
import { type App, createApp } from './app.ts';
import { snapshotResultSource, warnUnknownVariables } from './snapshot-app.ts';
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
  warnUnknownVariables(env, logger);
  return createApp({
    loadConfig: () => loadConfig(env),
    // AWS `failures` entries and missing configured resources are logged once, as warnings.
    createDiscover: (config) =>
      createDiscover(config, { onWarning: (warning) => logger.warn(warning.message, { ...warning.data }) }),
    logger,
    readSecret: readTokenSecret,
    ...options,
    // Snapshot mode (decisions.md, "One refresh per fleet (issue 13)"): serve what the refresher wrote.
    createResultSource: (config) => snapshotResultSource(config, logger),
  });
};
