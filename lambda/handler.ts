/**
 * The Lambda door. Configuration, AWS clients and the bearer token are set up once per container
 * (cold start); the cache lives as long as the container.
 *
 * - `handler`: buffered responses, for API Gateway REST (1.0), HTTP API (2.0) and a Function URL with
 *   InvokeMode BUFFERED. Responses are limited to 6 MB.
 * - `streamingHandler`: for a Function URL with InvokeMode RESPONSE_STREAM (what the CDK app deploys
 *   by default), so target lists over 6 MB are served whole.
 *
 * With `DiscoveryOptions__SnapshotBucket` set, both serve the snapshot `refreshHandler`
 * (`refresh-handler.ts`) writes, and never call ECS or Cloud Map (decisions.md, "One refresh per
 * fleet (issue 13)"); `snapshot-handler.ts` is the same door without the discovery code, which the
 * CDK app deploys in snapshot mode.
 */
import { createDefaultApp } from './http/default-app.ts';
import { createLambdaEntryPoints } from './http/lambda-adapter.ts';
import { createLogger } from './log.ts';

const logger = createLogger();

export const { handler, streamingHandler } = createLambdaEntryPoints(
  createDefaultApp(process.env, logger),
  logger,
);
