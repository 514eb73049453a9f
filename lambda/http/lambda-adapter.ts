/**
 * The app as Middy Lambda handlers: one buffered (API Gateway REST and HTTP APIs, buffered Function
 * URLs) and one streaming (Function URL with InvokeMode RESPONSE_STREAM), plus the local server's.
 */
import { Readable } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import type { Context } from 'aws-lambda';
import { errorFields, type Log, type PowertoolsLog } from '../log.ts';
import type { App, AppResponse } from './app.ts';
import { BodyEncoding } from './body.ts';
import { FALLBACK_PROBLEM_BODY, HttpProblem, problemJson } from './problem.ts';
import { type LambdaHttpEvent, toHttpRequest } from './request.ts';

/** The result both payload formats (1.0 and 2.0) accept. */
export type LambdaHttpResult = {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
};

/** What the streaming handler gives Middy: a prelude (status, headers) and a body stream. */
export type LambdaStreamingResult = {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Readable;
};

/**
 * Lambda's limit on a buffered (RequestResponse) invocation response: 6 MB = 6,291,456 bytes,
 * measured on the serialised result object, not on the body alone.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const BUFFERED_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

export type HandlerOptions = {
  /** Largest serialised result the buffered handler returns. @default BUFFERED_RESPONSE_LIMIT_BYTES */
  readonly maxResponseBytes?: number;
  /** Where errors that escaped the app are logged. */
  readonly logger?: Log;
  /**
   * The Powertools Logger behind `logger`: `injectLambdaContext` adds the invocation's context
   * (cold start, request id, function name) to its lines. Absent outside Lambda (the local server).
   */
  readonly lambdaContextLogger?: Logger;
};

/** Bytes of the JSON invocation payload; computed exactly only near the limit (JSON escaping ≤ 2×). */
const exceedsLimit = (result: LambdaHttpResult, bodyBytes: number, limit: number): number | undefined => {
  if (bodyBytes * 2 + 16 * 1024 < limit) return undefined;
  const payloadBytes = Buffer.byteLength(JSON.stringify(result), 'utf8');
  return payloadBytes > limit ? payloadBytes : undefined;
};

/** The result and its body's byte count (known for a prepared body without scanning it). */
const toBufferedResult = (response: AppResponse): { result: LambdaHttpResult; bodyBytes: number } => {
  const { statusCode, headers, body } = response;
  if (typeof body === 'string') {
    return {
      result: { statusCode, headers, body, isBase64Encoded: false },
      bodyBytes: Buffer.byteLength(body, 'utf8'),
    };
  }
  // The text (or base64) is made once per result, so a cache hit copies nothing here.
  const text = body.lambdaText();
  const isBase64Encoded = body.encoding === BodyEncoding.Gzip;
  return {
    result: { statusCode, headers, body: text, isBase64Encoded },
    bodyBytes: isBase64Encoded ? text.length : body.byteLength,
  };
};

const toStreamingResult = (response: AppResponse): LambdaStreamingResult => ({
  statusCode: response.statusCode,
  headers: response.headers,
  // The prepared bytes go as a one-chunk stream (never as base64 text, never re-encoded).
  body: typeof response.body === 'string' ? response.body : Readable.from([response.body.bytes()]),
});

/** Middlewares shared by both handlers, in Middy order (`before` first to last). */
const middlewares = (options: HandlerOptions): MiddlewareObj[] => [
  ...(options.lambdaContextLogger === undefined
    ? []
    : [injectLambdaContext(options.lambdaContextLogger, { resetKeys: true })]),
  ...errorMiddlewares(options.logger),
];

const errorMiddlewares = (logger: Log | undefined): MiddlewareObj[] => [
  // Middy runs onError middlewares last-registered first: the handler renders, then problemJson types it.
  problemJson(),
  httpErrorHandler({
    fallbackMessage: FALLBACK_PROBLEM_BODY,
    logger: (error: unknown) => {
      if (!(error instanceof HttpProblem)) logger?.error('unhandled error', { error: errorFields(error) });
    },
  }),
];

/** The buffered handler: a whole response, at most `maxResponseBytes` once serialised. */
export const createHandler = (app: App, options: HandlerOptions = {}) => {
  const limit = options.maxResponseBytes ?? BUFFERED_RESPONSE_LIMIT_BYTES;
  const base = async (event: LambdaHttpEvent, context: Context): Promise<LambdaHttpResult> => {
    const { result, bodyBytes } = toBufferedResult(await app.handle(toHttpRequest(event, context)));
    const payloadBytes = exceedsLimit(result, bodyBytes, limit);
    if (payloadBytes !== undefined) {
      options.logger?.warn('response over the buffered limit', { payloadBytes, limitBytes: limit });
      throw new HttpProblem(
        500,
        `The response (${payloadBytes} bytes) exceeds the ${limit} bytes of a buffered Lambda response: ` +
          'invoke the streaming handler through a Function URL with InvokeMode RESPONSE_STREAM, or request gzip.',
      );
    }
    return result;
  };
  return middy<LambdaHttpEvent, LambdaHttpResult>(base).use(middlewares(options));
};

/** What the local server's handler returns: the app's response as is, with its prepared bytes. */
export type LocalResult = AppResponse;

/**
 * The local server's handler: the same app and error middlewares as the Lambda handlers, but the
 * response keeps its prepared bytes (no base64, no 6 MB cap), so node:http writes the one Buffer
 * of a result to every connection instead of encoding 9 MB per response.
 */
export const createLocalHandler = (app: App, options: Pick<HandlerOptions, 'logger'> = {}) => {
  const base = async (event: LambdaHttpEvent, context: Context): Promise<LocalResult> =>
    app.handle(toHttpRequest(event, context));
  return middy<LambdaHttpEvent, LocalResult>(base).use(errorMiddlewares(options.logger));
};

/** True inside the Lambda Node.js runtime (or a test that installed its `awslambda` global). */
export const hasStreamingRuntime = (): boolean =>
  typeof (globalThis as { awslambda?: { streamifyResponse?: unknown } }).awslambda?.streamifyResponse ===
  'function';

/**
 * The streaming handler (Middy `streamifyResponse`): no 6 MB cap (Function URL streaming allows
 * 200 MB; past the first 6 MB Lambda caps the rate at 2 MB/s). Needs the runtime's `awslambda`
 * global at creation time.
 */
export const createStreamingHandler = (
  app: App,
  options: Pick<HandlerOptions, 'logger' | 'lambdaContextLogger'> = {},
) => {
  if (!hasStreamingRuntime()) {
    throw new Error('createStreamingHandler: the awslambda global of the Lambda Node.js runtime is missing');
  }
  const base = async (event: LambdaHttpEvent, context: Context): Promise<LambdaStreamingResult> =>
    toStreamingResult(await app.handle(toHttpRequest(event, context)));
  return middy<LambdaHttpEvent, LambdaStreamingResult>(base, { streamifyResponse: true }).use(
    middlewares(options),
  );
};

const missingStreamingRuntime = async (): Promise<never> => {
  throw new Error('streamingHandler needs the Lambda Node.js runtime (its awslambda global)');
};

/**
 * The two exports of a Lambda door over `app`: `handler` (buffered) and `streamingHandler`.
 * Outside Lambda (unit tests, the bundle smoke test) the runtime global is absent; `handler`
 * still works and `streamingHandler` rejects.
 */
export const createLambdaEntryPoints = (app: App, logger: PowertoolsLog) => {
  // Powertools' injectLambdaContext adds the invocation context (cold start, request id) to every line.
  const lambdaContextLogger = logger.powertools;
  return {
    handler: createHandler(app, { logger, lambdaContextLogger }),
    streamingHandler: hasStreamingRuntime()
      ? createStreamingHandler(app, { logger, lambdaContextLogger })
      : missingStreamingRuntime,
  };
};
