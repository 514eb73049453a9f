/**
 * Structured JSON logs (Powertools Logger). The level comes from `POWERTOOLS_LOG_LEVEL`
 * (default INFO), the service name from `POWERTOOLS_SERVICE_NAME` (default below).
 * Messages are constant; data goes in fields. Never log a token, an `Authorization` header or a
 * whole event. On Lambda, Powertools' `injectLambdaContext` middleware adds the invocation context
 * (`cold_start`, `function_request_id`, `function_name`, …) to every line; the app adds none by hand.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** The logging surface the doors use; Powertools' `Logger` satisfies it, tests pass a recorder. */
export type Log = {
  readonly debug: (message: string, fields?: Record<string, unknown>) => void;
  readonly info: (message: string, fields?: Record<string, unknown>) => void;
  readonly warn: (message: string, fields?: Record<string, unknown>) => void;
  readonly error: (message: string, fields?: Record<string, unknown>) => void;
};

/** @default 'ecs-cloudmap-prometheus-sd' when `POWERTOOLS_SERVICE_NAME` is unset */
export const SERVICE_NAME = 'ecs-cloudmap-prometheus-sd';

/** A `Log` backed by a Powertools `Logger`, which the Lambda door hands to `injectLambdaContext`. */
export type PowertoolsLog = Log & { readonly powertools: Logger };

/** The `Log` surface over a Powertools `Logger` (fields passed as one extra object, or none). */
export const logTo = (logger: Logger): PowertoolsLog => {
  const fieldsOrNone = (fields: Record<string, unknown> | undefined) =>
    fields === undefined ? [] : [fields];
  return {
    powertools: logger,
    debug: (message, fields) => logger.debug(message, ...fieldsOrNone(fields)),
    info: (message, fields) => logger.info(message, ...fieldsOrNone(fields)),
    warn: (message, fields) => logger.warn(message, ...fieldsOrNone(fields)),
    error: (message, fields) => logger.error(message, ...fieldsOrNone(fields)),
  };
};

export const createLogger = (): PowertoolsLog =>
  logTo(new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME }));

/** An error as log fields: name, message and the AWS SDK's code/status/request id, no stack of secrets. */
export const errorFields = (error: unknown): Record<string, unknown> => {
  if (!(error instanceof Error)) return { error: String(error) };
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const cause = error.cause === undefined ? {} : { cause: errorFields(error.cause) };
  // A discovery error names the (account, Region) whose read failed.
  const source = (error as { source?: { name?: unknown } }).source?.name;
  return {
    name: error.name,
    message: error.message,
    ...(typeof source === 'string' ? { source } : {}),
    ...(metadata?.httpStatusCode === undefined ? {} : { httpStatusCode: metadata.httpStatusCode }),
    ...(metadata?.requestId === undefined ? {} : { awsRequestId: metadata.requestId }),
    ...cause,
  };
};
