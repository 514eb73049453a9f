/**
 * Injected faults, per-call latency and token-bucket throttling. AWS throttles each API action (or
 * family of actions) with a token bucket: a burst capacity, refilled at a sustained rate per second;
 * a call that finds the bucket empty fails with `ThrottlingException`.
 */
import { requestNamespaceId } from './cloudmap.ts';
import { requestClusterName } from './ecs.ts';
import { AwsError } from './errors.ts';
import type { Input } from './input.ts';
import type { Operation, ResolvedOperation } from './operations.ts';

/** An error to inject: a named AWS error (HTTP 400), a bare 5xx, or a custom one. */
export type FaultError =
  | 'ThrottlingException'
  | 'AccessDeniedException'
  | 500
  | 503
  | { readonly status: number; readonly type: string; readonly message?: string };

export type FaultSpec = {
  /** Operation(s) the fault applies to; `'*'` for all. */
  readonly operation: Operation | readonly Operation[] | '*';
  /** Only calls naming this cluster (name or ARN; ECS operations). @default any */
  readonly cluster?: string;
  /** Only calls naming this namespace id (GetNamespace `Id` or a NAMESPACE_ID filter). @default any */
  readonly namespaceId?: string;
  /** Only calls answered from this account's fleet (several sources). @default any */
  readonly accountId?: string;
  /** Only calls answered from this Region's fleet (several sources). @default any */
  readonly region?: string;
  /** Only calls whose request body passes this test. @default any */
  readonly match?: (input: Input) => boolean;
  /** The error to answer with; without one the call succeeds (use with `latencyMs`). @default none */
  readonly error?: FaultError;
  /** Extra latency for matching calls, in ms. @default 0 */
  readonly latencyMs?: number;
  /** How many matching calls the fault hits before it expires. @default 1 */
  readonly times?: number | 'always';
};

export type FaultHandle = {
  /** Matching calls hit so far. */
  readonly hits: () => number;
  readonly remove: () => void;
};

/** Fixed latency in ms for every call, or per operation with a `default`. */
export type LatencySpec = number | Readonly<Partial<Record<Operation | 'default', number>>>;

export type TokenBucketSpec = {
  /** Operations that share the bucket. */
  readonly family: readonly Operation[];
  /** Bucket capacity, the number of calls allowed at once. */
  readonly burst: number;
  /** Tokens added per second (the sustained rate). */
  readonly ratePerSecond: number;
};

export const latencyFor = (latency: LatencySpec, operation: Operation): number =>
  typeof latency === 'number' ? latency : (latency[operation] ?? latency.default ?? 0);

/** A token bucket that starts full. `now` is in milliseconds (monotonic). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    readonly spec: TokenBucketSpec,
    now: number,
  ) {
    this.tokens = spec.burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty (the call is throttled). */
  take(now: number): boolean {
    this.tokens = Math.min(
      this.spec.burst,
      this.tokens + ((now - this.last) / 1000) * this.spec.ratePerSecond,
    );
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type ActiveFault = { readonly spec: FaultSpec; remaining: number; hits: number };

const clusterNameOf = (value: string): string => value.slice(value.lastIndexOf('/') + 1);

export const faultMatches = (fault: ActiveFault, operation: Operation, input: Input): boolean => {
  const { spec } = fault;
  if (fault.remaining <= 0) return false;
  if (spec.operation !== '*') {
    const operations: readonly Operation[] =
      typeof spec.operation === 'string' ? [spec.operation] : spec.operation;
    if (!operations.includes(operation)) return false;
  }
  if (spec.cluster !== undefined && requestClusterName(input) !== clusterNameOf(spec.cluster)) return false;
  if (spec.namespaceId !== undefined && requestNamespaceId(input) !== spec.namespaceId) return false;
  return spec.match === undefined || spec.match(input);
};

const INTERNAL_ERROR_TYPE = {
  ecs: 'ServerException',
  servicediscovery: 'InternalFailure',
  secretsmanager: 'InternalServiceError',
  ssm: 'InternalServerError',
} as const;

/** The AWS error a fault answers with, shaped as the service would write it. */
export const faultError = (error: FaultError, resolved: ResolvedOperation, accountId: string): AwsError => {
  const key = resolved.messageKey;
  if (error === 'ThrottlingException') return new AwsError(400, 'ThrottlingException', 'Rate exceeded', key);
  if (error === 'AccessDeniedException') {
    return new AwsError(
      400,
      'AccessDeniedException',
      `User: arn:aws:sts::${accountId}:assumed-role/discovery/lambda is not authorized to perform: ${resolved.operation} because no identity-based policy allows the ${resolved.operation} action`,
      key,
    );
  }
  if (error === 500)
    return new AwsError(
      500,
      INTERNAL_ERROR_TYPE[resolved.service],
      'We encountered an internal error. Please try again.',
      key,
    );
  if (error === 503) return new AwsError(503, 'ServiceUnavailableException', 'Service Unavailable', key);
  return new AwsError(error.status, error.type, error.message ?? error.type, key);
};
