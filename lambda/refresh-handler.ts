/**
 * The refresher's Lambda door (`refreshHandler`): one full reconcile per scheduled (or deploy-time)
 * invocation, one incremental update per SQS batch of ECS task state changes; each writes the fleet
 * snapshot to `DiscoveryOptions__SnapshotBucket`/`SnapshotKey`. The stack runs it with reserved
 * concurrency 1, so exactly one refresher runs at a time.
 */
import { createS3Client } from './aws/s3-client.ts';
import { createSnapshotStore } from './aws/snapshot-store.ts';
import { loadConfig } from './config/load.ts';
import { createTtlCache } from './inventory/ttl-cache.ts';
import { createLogger } from './log.ts';
import { createRefreshHandler } from './refresh/invocation.ts';
import { createRefresher, type Refresher } from './refresh/refresher.ts';

const logger = createLogger();

// Made on the first invocation (not at import), so a configuration error fails that invocation with
// the ConfigError's message in the log, and the bundle can be imported without an environment.
let refresher: Refresher | undefined;
const getRefresher = (): Refresher => {
  if (refresher !== undefined) return refresher;
  const config = loadConfig(process.env);
  if (config.snapshotBucket === undefined) {
    throw new Error('refreshHandler needs DiscoveryOptions__SnapshotBucket');
  }
  refresher = createRefresher({
    config,
    store: createSnapshotStore(createS3Client(), { bucket: config.snapshotBucket, key: config.snapshotKey }),
    logger,
    cache: createTtlCache(),
  });
  return refresher;
};

export const refreshHandler = createRefreshHandler(getRefresher, logger);
