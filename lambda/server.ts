/**
 * The local door: the very same app and Middy middlewares, served through node:http. Each request
 * becomes a Function URL event (payload 2.0), so the local and the Lambda path are one code path;
 * only the last step differs (the prepared bytes are written, not a Lambda result).
 *
 *   PORT (default 9001), HOST (default 127.0.0.1), plus `DiscoveryOptions__*` and the standard
 *   AWS SDK variables (`AWS_REGION`, `AWS_ENDPOINT_URL`, ...).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { REGION_MISSING, regionConfigured } from './aws/region.ts';
import type { App } from './http/app.ts';
import { createDefaultApp } from './http/default-app.ts';
import { createLocalHandler } from './http/lambda-adapter.ts';
import { createLogger, type Log } from './log.ts';

export const DEFAULT_PORT = 9001;
export const DEFAULT_HOST = '127.0.0.1';
/** Mirrors a Lambda timeout: a request that takes longer answers 500. */
const REQUEST_BUDGET_MS = 5 * 60 * 1000;
/**
 * How long a request waits for a refresh when an earlier complete result can be served instead
 * (docs/decisions.md, "Stale while refreshing (issue 10)"): this process outlives its answers, so
 * the refresh goes on after them, and no connection is held for the length of a paced refresh.
 */
export const REFRESH_WAIT_MS = 1000;

export type StartServerOptions = {
  /** 0 picks a free port. @default 9001 */
  readonly port?: number;
  /** @default '127.0.0.1' (set `0.0.0.0` in a container) */
  readonly host?: string;
  /** @default the app wired from `process.env` */
  readonly app?: App;
  readonly logger?: Log;
};

export type RunningServer = {
  /** e.g. `http://127.0.0.1:9001` */
  readonly url: string;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  readonly close: () => Promise<void>;
};

/** Header values as Lambda gives them: lower-case names, repeated headers joined by `,`. */
const lambdaHeaders = (rawHeaders: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
};

export const toFunctionUrlEvent = (request: IncomingMessage, requestId: string): APIGatewayProxyEventV2 => {
  // The raw request target, as a Function URL passes it: parsing it as a URL would read `//x` as a
  // host and normalise `..`, so the local door would route differently from the Lambda one.
  const target = request.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : target.slice(queryAt + 1);
  const headers = lambdaHeaders(request.rawHeaders);
  const time = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: time.toISOString(),
      timeEpoch: time.getTime(),
    },
    isBase64Encoded: false,
  };
};

const localContext = (requestId: string): Context => {
  const deadline = Date.now() + REQUEST_BUDGET_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local',
    memoryLimitInMB: '0',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export const startServer = async (options: StartServerOptions = {}): Promise<RunningServer> => {
  const logger = options.logger ?? createLogger();
  const app = options.app ?? createDefaultApp(process.env, logger, { refreshWaitMs: REFRESH_WAIT_MS });
  // No 6 MB cap and no base64 here (limits of buffered Lambda responses, not of HTTP): the local
  // handler keeps the prepared bytes of the result.
  const handler = createLocalHandler(app, { logger });

  let closing = false;
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    request.resume(); // no endpoint reads a body; drain it so keep-alive connections stay usable
    const requestId = randomUUID();
    const result = await handler(toFunctionUrlEvent(request, requestId), localContext(requestId));
    // A target list is written as the one Buffer its result prepared: every connection shares it
    // instead of holding its own 9 MB copy (docs/decisions.md, "Endpoint hardening (issue 10)").
    const body = typeof result.body === 'string' ? result.body : result.body.bytes();
    response.statusCode = result.statusCode;
    // While closing, no connection is kept alive past its answer, so close() is not held up by idle sockets.
    if (closing) response.setHeader('Connection', 'close');
    for (const [name, value] of Object.entries(result.headers)) response.setHeader(name, value);
    if (request.method !== 'HEAD' && result.statusCode !== 304) {
      response.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    }
    response.end(body);
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      logger.error('local server failed to answer', { error: String(error) });
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
};

const main = async (): Promise<void> => {
  const logger = createLogger();
  const port = process.env.PORT === undefined ? DEFAULT_PORT : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.error('invalid PORT', { port: process.env.PORT, expected: 'an integer from 0 to 65535' });
    process.exitCode = 1;
    return;
  }
  if (!(await regionConfigured())) {
    logger.error(REGION_MISSING);
    process.exitCode = 1;
    return;
  }
  const host = process.env.HOST ?? DEFAULT_HOST;
  let server: RunningServer;
  try {
    server = await startServer({ port, host, logger });
  } catch (error) {
    // The usual start failure is the operator's, not the code's: one line naming the address.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    const messages = {
      EADDRINUSE: 'cannot listen: the port is already in use; stop the other process or set PORT',
      EACCES: 'cannot listen: this user may not open the port; set PORT above 1023',
      EADDRNOTAVAIL: 'cannot listen: HOST is not an address of this machine; set HOST',
    } as const;
    logger.error(messages[code], { host, port });
    process.exitCode = 1;
    return;
  }
  logger.info('listening', { url: server.url, targets: `${server.url}/prometheus-targets` });
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    // Give in-flight requests 10 s, then leave anyway.
    setTimeout(() => process.exit(0), 10_000).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
