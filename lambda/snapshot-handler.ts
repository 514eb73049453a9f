/**
 * The Lambda door of the serving function in snapshot mode (what the CDK app deploys by default):
 * `handler` and `streamingHandler` as in `handler.ts`, serving only the snapshot `refreshHandler`
 * writes. It imports no ECS, Cloud Map, EC2 or STS client, so its bundle is about half the size
 * and its cold start shorter (docs/decisions.md, "Snapshot-only serving bundle (issue 10)").
 * Without `DiscoveryOptions__SnapshotBucket` every data request answers 500 naming that variable.
 */
import { createLambdaEntryPoints } from './http/lambda-adapter.ts';
import { createSnapshotApp } from './http/snapshot-app.ts';
import { createLogger } from './log.ts';

const logger = createLogger();

export const { handler, streamingHandler } = createLambdaEntryPoints(
  createSnapshotApp(process.env, logger),
  logger,
);
