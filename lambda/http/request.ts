/**
 * Turns the three HTTP event shapes Lambda receives into one plain request, and routes it.
 * - Function URL and API Gateway HTTP API: payload format 2.0 (`rawPath` includes a named stage).
 * - API Gateway REST API: payload format 1.0 (`path` includes a custom-domain base path).
 * Routing is by path suffix, so any stage or base-path prefix works without configuration.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { HttpProblem } from './problem.ts';

/** The events the handler accepts (a Function URL event has the HTTP API 2.0 shape). */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export const PayloadVersion = { V1: '1.0', V2: '2.0' } as const;
export type PayloadVersion = (typeof PayloadVersion)[keyof typeof PayloadVersion];

/** What the app needs of a request; nothing else of the event is read (nor logged). */
export type HttpRequest = {
  /** Upper-case method. */
  readonly method: string;
  /** The path as the event gives it, stage or base path included. */
  readonly path: string;
  /** Lower-case names; repeated headers joined by `,` (as API Gateway and Function URLs do). */
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string;
  /** REST (1.0) responses cannot carry binary bodies unless the API declares binary media types. */
  readonly payloadVersion: PayloadVersion;
  /**
   * How long a refresh may take before this request gives up on it and answers from the stale
   * result (or 503): the invocation's remaining time less a margin to write the answer.
   */
  readonly refreshBudgetMs?: number;
};

/** Time kept back from the invocation's remaining time to answer after a refresh gave up. */
export const ANSWER_MARGIN_MS = 1000;

const refreshBudget = (context: Partial<Pick<Context, 'getRemainingTimeInMillis'>>) => {
  const remaining = context.getRemainingTimeInMillis?.();
  return remaining === undefined ? {} : { refreshBudgetMs: Math.max(0, remaining - ANSWER_MARGIN_MS) };
};

export const Route = {
  Targets: 'prometheus-targets',
  Health: 'health',
  Metrics: 'metrics',
  /** The explain view (docs/decisions.md "Explain view (issue 15)"). */
  Explain: 'debug/targets',
} as const;
export type Route = (typeof Route)[keyof typeof Route];

const ROUTES: readonly Route[] = [Route.Targets, Route.Health, Route.Metrics, Route.Explain];

/** The route whose name is the last path segment, whatever prefix (stage, base path) precedes it. */
export const matchRoute = (path: string): Route | undefined =>
  ROUTES.find((route) => path.endsWith(`/${route}`));

type RawHeaders = Readonly<Record<string, string | undefined>> | null | undefined;
type RawMultiHeaders = Readonly<Record<string, readonly string[] | undefined>> | null | undefined;

const lowerCaseHeaders = (single: RawHeaders, multi: RawMultiHeaders): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(single ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  // REST events keep only the last of repeated headers in `headers`; the full list is here.
  for (const [name, values] of Object.entries(multi ?? {})) {
    if (values !== undefined && values.length > 0) headers[name.toLowerCase()] = values.join(',');
  }
  return headers;
};

const isV1 = (event: LambdaHttpEvent): event is APIGatewayProxyEvent =>
  typeof (event as Partial<APIGatewayProxyEvent>).httpMethod === 'string';

const isV2 = (event: LambdaHttpEvent): event is APIGatewayProxyEventV2 =>
  typeof (event as Partial<APIGatewayProxyEventV2>).requestContext?.http?.method === 'string';

/** @throws HttpProblem 400 for an event that is not an HTTP event (e.g. a console test invoke). */
export const toHttpRequest = (
  event: LambdaHttpEvent,
  context: Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
): HttpRequest => {
  if (event !== null && typeof event === 'object' && isV1(event)) {
    return {
      method: event.httpMethod.toUpperCase(),
      path: event.path,
      headers: lowerCaseHeaders(event.headers, event.multiValueHeaders),
      requestId: event.requestContext?.requestId ?? context.awsRequestId,
      payloadVersion: PayloadVersion.V1,
      ...refreshBudget(context),
    };
  }
  if (event !== null && typeof event === 'object' && isV2(event)) {
    return {
      method: event.requestContext.http.method.toUpperCase(),
      path: event.rawPath,
      headers: lowerCaseHeaders(event.headers, undefined),
      requestId: event.requestContext.requestId ?? context.awsRequestId,
      payloadVersion: PayloadVersion.V2,
      ...refreshBudget(context),
    };
  }
  throw new HttpProblem(
    400,
    'Unsupported event: expected a Function URL, API Gateway HTTP API or REST API proxy event.',
  );
};
