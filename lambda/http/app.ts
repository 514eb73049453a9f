/**
 * The endpoint, independent of how the request arrived (Lambda event or local node:http): routes,
 * auth, cache, representations, self-metrics and logs. The doors (`lambda-handler.ts`, `server.ts`)
 * only translate events into `HttpRequest` and `AppResponse` into their own responses.
 */
import { ConfigError } from '../config/errors.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { errorFields, type Log } from '../log.ts';
import type { Discover, DiscoveryResult } from '../model/discovery.ts';
import type { TokenCheck } from './auth.ts';
import { acceptsGzip, type EncodedBody, ifNoneMatchHits } from './body.ts';
import {
  type CacheRead,
  CacheSource,
  createDiscoveryCache,
  type DiscoveryCache,
  DiscoveryUnavailableError,
} from './cache.ts';
import { explainResponse } from './explain-response.ts';
import { type AppMetrics, createMetrics } from './metrics.ts';
import { GENERIC_DETAIL, HttpProblem } from './problem.ts';
import { type HttpRequest, matchRoute, PayloadVersion, Route } from './request.ts';
import {
  createTokenSource,
  type SecretReader,
  type TokenSource,
  TokenUnavailableError,
} from './token-source.ts';

/** A response before it is shaped for a Lambda integration or node:http. */
export type AppResponse = {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The prepared target list (encoded once per result, shared by every response), or a small text
   * (health, metrics). Empty for HEAD and 304.
   */
  readonly body: string | EncodedBody;
};

export type App = {
  /** @throws HttpProblem for every non-2xx/304 answer (rendered by `@middy/http-error-handler`). */
  readonly handle: (request: HttpRequest) => Promise<AppResponse>;
  readonly metrics: AppMetrics;
};

export type AppDependencies = {
  /** Reads and validates `DiscoveryOptions__*`; throws `ConfigError`. Called once, by `createApp`. */
  readonly loadConfig: () => DiscoveryConfig;
  readonly createDiscover: (config: DiscoveryConfig) => Discover;
  readonly logger: Log;
  /**
   * Reads `BearerTokenSecret` (Secrets Manager / SSM): at cold start, then after a failure only by a
   * data request once the back-off has passed; never again after it succeeds.
   */
  readonly readSecret: SecretReader;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Stale-while-refresh wait of the discovery cache (`CacheOptions.refreshWaitMs`). @default none */
  readonly refreshWaitMs?: number;
  /**
   * The result source when it returns one (snapshot mode: results come from S3, `createDiscover` is
   * not called); otherwise the per-container discovery cache over `createDiscover`. @default none
   */
  readonly createResultSource?: (config: DiscoveryConfig) => DiscoveryCache | undefined;
};

const ALLOW = 'GET, HEAD';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const NO_STORE = 'no-store';

type Ready = {
  readonly config: DiscoveryConfig;
  readonly cache: DiscoveryCache;
  readonly tokens: TokenSource;
};
type Setup = { readonly ok: true; readonly ready: Ready } | { readonly ok: false; readonly detail: string };

/** Only `ConfigError` messages reach the client (they are not secrets; the token is redacted); others are logged. */
const setupFailureDetail = (error: unknown): string =>
  error instanceof ConfigError
    ? error.message
    : 'The discovery could not be initialised; the cause has been logged.';

const authMode = (config: DiscoveryConfig): string =>
  config.bearerToken ? 'token' : config.bearerTokenSecret ? 'secret' : 'none';

export const createApp = (deps: AppDependencies): App => {
  const now = deps.now ?? Date.now;
  const log = deps.logger;
  const metrics = createMetrics();

  const refreshWith =
    (discover: Discover) =>
    async (requestId: string): Promise<DiscoveryResult> => {
      const startedAt = now();
      try {
        const result = await discover();
        metrics.refreshSucceeded(result);
        log.info('discovery refreshed', {
          requestId,
          durationMs: result.durationMs,
          targetGroups: result.targetCount,
          awsCalls: result.awsCalls,
          skippedTasks: result.skipped,
        });
        return result;
      } catch (error) {
        const durationMs = now() - startedAt;
        metrics.refreshFailed(error, durationMs);
        log.error('discovery refresh failed', { requestId, durationMs, error: errorFields(error) });
        throw error;
      }
    };

  const setup = ((): Setup => {
    try {
      const config = deps.loadConfig();
      const cache =
        deps.createResultSource?.(config) ??
        createDiscoveryCache({
          refresh: refreshWith(deps.createDiscover(config)),
          ttlSeconds: config.cacheTtlSeconds,
          staleIfErrorSeconds: config.staleIfErrorSeconds,
          ...(deps.refreshWaitMs === undefined ? {} : { refreshWaitMs: deps.refreshWaitMs }),
          now,
        });
      // The token is read at cold start; a failed read is retried by a later data request after a
      // back-off, never by /health (docs/decisions.md, "Endpoint hardening (issue 10)").
      const tokens = createTokenSource({
        config,
        readSecret: deps.readSecret,
        now,
        onReadFailed: (error, failures, retryInMs) =>
          log.error('bearer token could not be loaded', {
            secret: config.bearerTokenSecret,
            failures,
            retryInMs,
            error: errorFields(error),
          }),
      });
      log.info('configuration loaded', {
        mode: config.mode,
        ecsClusters: config.ecsClusters,
        cloudMapNamespaces: config.cloudMapNamespaces,
        cacheTtlSeconds: config.cacheTtlSeconds,
        staleIfErrorSeconds: config.staleIfErrorSeconds,
        auth: authMode(config),
        snapshot:
          config.snapshotBucket === undefined
            ? 'embedded'
            : `s3://${config.snapshotBucket}/${config.snapshotKey}`,
      });
      return { ok: true, ready: { config, cache, tokens } };
    } catch (error) {
      log.error('configuration invalid', { error: errorFields(error) });
      return { ok: false, detail: setupFailureDetail(error) };
    }
  })();

  if (setup.ok) setup.ready.tokens.check().catch(() => undefined);

  const authorise = async (request: HttpRequest, source: TokenSource): Promise<void> => {
    let check: TokenCheck | undefined;
    try {
      check = await source.check();
    } catch (error) {
      const retryAfter = error instanceof TokenUnavailableError ? error.retryAfterSeconds : 5;
      throw new HttpProblem(
        503,
        'The bearer token could not be loaded; the cause has been logged.',
        { 'Retry-After': String(retryAfter) },
        { cause: error },
      );
    }
    if (check !== undefined && !check(request.headers.authorization)) {
      throw new HttpProblem(401, 'A valid bearer token is required.', { 'WWW-Authenticate': 'Bearer' });
    }
  };

  const health = async (request: HttpRequest): Promise<AppResponse> => {
    const healthy = setup.ok && (await setup.ready.tokens.ready());
    return {
      statusCode: healthy ? 200 : 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': NO_STORE },
      body: request.method === 'HEAD' ? '' : healthy ? 'Healthy' : 'Unhealthy',
    };
  };

  const readResult = async (request: HttpRequest, ready: Ready): Promise<CacheRead> => {
    try {
      return await ready.cache.read(request.requestId, request.refreshBudgetMs);
    } catch (error) {
      if (!(error instanceof DiscoveryUnavailableError)) throw error;
      throw new HttpProblem(
        503,
        `Discovery failed and no result younger than ${ready.config.staleIfErrorSeconds} seconds is available.`,
        { 'Retry-After': '5' },
        { cause: error },
      );
    }
  };

  const targets = async (request: HttpRequest, ready: Ready): Promise<AppResponse> => {
    const read = await readResult(request, ready);
    metrics.served(read.source, read.ageSeconds);
    const { body } = read.entry;
    // REST APIs (payload 1.0) turn binary bodies into base64 text unless binary media types are set.
    const gzip =
      request.payloadVersion === PayloadVersion.V2 && acceptsGzip(request.headers['accept-encoding']);
    const etag = gzip ? body.gzipEtag : body.etag;
    const headers: Record<string, string> = {
      ETag: etag,
      'Cache-Control': `max-age=${read.maxAgeSeconds}`,
      Vary: 'Accept-Encoding',
    };
    if (read.source === CacheSource.Stale) {
      headers.Age = String(read.ageSeconds);
      headers['X-Discovery-Stale'] = 'true';
    }
    if (ifNoneMatchHits(request.headers['if-none-match'], etag)) {
      return { statusCode: 304, headers, body: '' };
    }
    headers['Content-Type'] = JSON_CONTENT_TYPE;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    if (request.method === 'HEAD') return { statusCode: 200, headers, body: '' };
    return { statusCode: 200, headers, body: gzip ? await body.gzip() : body.identity() };
  };

  // The explain record of the result being served (docs/decisions.md "Explain view (issue 15)").
  const explainView = async (request: HttpRequest, ready: Ready): Promise<AppResponse> => {
    const read = await readResult(request, ready);
    const { headers, body } = explainResponse(read.entry.result, request.headers.accept);
    return { statusCode: 200, headers, body: request.method === 'HEAD' ? '' : body };
  };

  const selfMetrics = async (request: HttpRequest): Promise<AppResponse> => ({
    statusCode: 200,
    headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': NO_STORE },
    body: request.method === 'HEAD' ? '' : await metrics.registry.metrics(),
  });

  const route = async (request: HttpRequest): Promise<AppResponse> => {
    const matched = matchRoute(request.path);
    if (matched === undefined)
      throw new HttpProblem(404, 'Use /prometheus-targets, /health, /metrics or /debug/targets.');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HttpProblem(405, `${request.method} is not allowed; use GET or HEAD.`, { Allow: ALLOW });
    }
    if (matched === Route.Health) return health(request);
    if (!setup.ok) throw new HttpProblem(500, setup.detail);
    await authorise(request, setup.ready.tokens);
    if (matched === Route.Explain) return explainView(request, setup.ready);
    return matched === Route.Metrics ? selfMetrics(request) : targets(request, setup.ready);
  };

  const handle = async (request: HttpRequest): Promise<AppResponse> => {
    const startedAt = now();
    const routeName = matchRoute(request.path) ?? 'unknown';
    const logRequest = (statusCode: number, extra: Record<string, unknown> = {}) => {
      metrics.responded(routeName, statusCode);
      log.info('request', {
        requestId: request.requestId,
        method: request.method,
        route: routeName,
        statusCode,
        durationMs: now() - startedAt,
        ...extra,
      });
    };
    try {
      const response = await route(request);
      logRequest(response.statusCode, {
        ...(response.headers['X-Discovery-Stale'] ? { stale: true } : {}),
      });
      return response;
    } catch (error) {
      if (error instanceof HttpProblem) {
        logRequest(error.statusCode);
        throw error;
      }
      log.error('request failed', { requestId: request.requestId, error: errorFields(error) });
      logRequest(500);
      throw new HttpProblem(500, GENERIC_DETAIL, {}, { cause: error });
    }
  };

  return { handle, metrics };
};
