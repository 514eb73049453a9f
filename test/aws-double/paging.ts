/**
 * Real paging for the double: API page-size limits and opaque `nextToken`s that are validated
 * (bound to the operation and its filters, tamper-checked), as AWS does.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AwsError } from './errors.ts';

/** Per-process key: tokens from another double (or a hand-made one) are rejected. */
const tokenKey = randomBytes(16);

const sign = (payload: string): string =>
  createHmac('sha256', tokenKey).update(payload).digest('base64url').slice(0, 16);

type TokenBody = { readonly o: string; readonly s: string; readonly i: number };

export const encodeToken = (operation: string, scope: string, offset: number): string => {
  const payload = Buffer.from(
    JSON.stringify({ o: operation, s: scope, i: offset } satisfies TokenBody),
  ).toString('base64url');
  return `${payload}.${sign(payload)}`;
};

/** The offset a token stands for, or `undefined` when it is not a valid token for this operation and scope. */
export const decodeToken = (token: string, operation: string, scope: string): number | undefined => {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0 || sign(payload) !== signature) return undefined;
  try {
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (body.o !== operation || body.s !== scope || typeof body.i !== 'number' || body.i < 0)
      return undefined;
    return body.i;
  } catch {
    return undefined;
  }
};

export type PageLimits = {
  /** Page size when the request gives none. */
  readonly defaultSize: number;
  /** Largest page size the API accepts. */
  readonly maxSize: number;
};

export type PageRequest = {
  readonly operation: string;
  /** What the listing depends on (cluster, filters): a token is valid only for the same scope. */
  readonly scope: string;
  readonly maxResults: unknown;
  readonly nextToken: unknown;
  /** Builds the API's validation error. */
  readonly invalid: (message: string) => AwsError;
  /** Member names for the messages (`maxResults` in ECS, `MaxResults` in Cloud Map). */
  readonly names?: { readonly maxResults: string; readonly nextToken: string };
};

export type Page<T> = { readonly items: readonly T[]; readonly nextToken?: string };

/** One page of `items`, validating `maxResults` and `nextToken` against `limits`. */
export const page = <T>(items: readonly T[], request: PageRequest, limits: PageLimits): Page<T> => {
  const names = request.names ?? { maxResults: 'maxResults', nextToken: 'nextToken' };
  let size = limits.defaultSize;
  if (request.maxResults !== undefined && request.maxResults !== null) {
    const n = request.maxResults;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > limits.maxSize) {
      throw request.invalid(`${names.maxResults} must be between 1 and ${limits.maxSize}.`);
    }
    size = n;
  }
  let offset = 0;
  if (request.nextToken !== undefined && request.nextToken !== null && request.nextToken !== '') {
    const decoded =
      typeof request.nextToken === 'string'
        ? decodeToken(request.nextToken, request.operation, request.scope)
        : undefined;
    if (decoded === undefined) throw request.invalid(`Invalid ${names.nextToken}.`);
    offset = decoded;
  }
  const end = offset + size;
  const slice = items.slice(offset, end);
  return end < items.length
    ? { items: slice, nextToken: encodeToken(request.operation, request.scope, end) }
    : { items: slice };
};
