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
 * fleet (issue 13)").
 */
import { createDefaultApp } from './http/default-app.ts';
import { createHandler, createStreamingHandler, hasStreamingRuntime } from './http/lambda-adapter.ts';
import { createLogger } from './log.ts';

const logger = createLogger();
const app = createDefaultApp(process.env, logger);

// Powertools' injectLambdaContext adds the invocation context (cold start, request id) to every line.
const lambdaContextLogger = logger.powertools;

export const handler = createHandler(app, { logger, lambdaContextLogger });

const missingStreamingRuntime = async (): Promise<never> => {
  throw new Error('streamingHandler needs the Lambda Node.js runtime (its awslambda global)');
};

// Outside Lambda (unit tests, the bundle smoke test) the runtime global is absent; `handler` still works.
export const streamingHandler = hasStreamingRuntime()
  ? createStreamingHandler(app, { logger, lambdaContextLogger })
  : missingStreamingRuntime;
