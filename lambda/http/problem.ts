/**
 * RFC 9457 problem details: the only shape an error response of the endpoint takes.
 * `@middy/http-error-handler` renders an `HttpProblem` (its `message` is the JSON body);
 * `problemJson()` then gives that body its `application/problem+json` media type.
 */
import type { MiddlewareObj } from '@middy/core';

/** The JSON body of every error response. Carries no internals (no AWS error text, no stack). */
export type Problem = {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9110 section per status, as the original's bodies link them (docs/decisions.md "Error bodies and health"). */
const STATUS_TYPES: Readonly<Record<number, { readonly section: string; readonly title: string }>> = {
  400: { section: '15.5.1', title: 'Bad Request' },
  401: { section: '15.5.2', title: 'Unauthorized' },
  404: { section: '15.5.5', title: 'Not Found' },
  405: { section: '15.5.6', title: 'Method Not Allowed' },
  // Same title as the original's 500 body, so dashboards matching on it keep working.
  500: { section: '15.6.1', title: 'An error occurred while processing your request.' },
  503: { section: '15.6.4', title: 'Service Unavailable' },
};

export const problem = (status: number, detail: string): Problem => {
  const known = STATUS_TYPES[status] ?? STATUS_TYPES[500]!;
  return {
    type: `https://tools.ietf.org/html/rfc9110#section-${known.section}`,
    title: known.title,
    status,
    detail,
  };
};

/** Detail of a 500 whose cause must not be shown (it is logged instead). */
export const GENERIC_DETAIL = 'The request could not be processed; the cause has been logged.';

/**
 * An error that is meant to reach the client. `expose` tells `@middy/http-error-handler` to render
 * it even for 5xx; `message` is the serialised problem, which that middleware uses as the body.
 */
export class HttpProblem extends Error {
  readonly statusCode: number;
  readonly expose = true;
  readonly headers: Readonly<Record<string, string>>;
  readonly problem: Problem;

  constructor(status: number, detail: string, headers: Record<string, string> = {}, options?: ErrorOptions) {
    const body = problem(status, detail);
    super(JSON.stringify(body), options);
    this.name = 'HttpProblem';
    this.statusCode = status;
    this.problem = body;
    this.headers = { 'Cache-Control': 'no-store', ...headers };
  }
}

/** The body `@middy/http-error-handler` sends for an error that is not an `HttpProblem`. */
export const FALLBACK_PROBLEM_BODY = JSON.stringify(problem(500, GENERIC_DETAIL));

type ResponseWithHeaders = { headers?: Record<string, string | number | boolean> } | undefined;

/**
 * Runs after `@middy/http-error-handler` in the onError chain (register it FIRST with `use`, as Middy
 * runs onError middlewares in reverse order) and marks its JSON bodies as problem details.
 */
export const problemJson = (): MiddlewareObj => ({
  onError: async (request) => {
    const headers = (request.response as ResponseWithHeaders)?.headers;
    if (headers === undefined) return;
    if (headers['Content-Type'] === 'application/json') headers['Content-Type'] = PROBLEM_CONTENT_TYPE;
    headers['Cache-Control'] ??= 'no-store';
  },
});
