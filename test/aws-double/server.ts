/**
 * The AWS API double: a loopback HTTP server speaking the AWS JSON 1.1 protocol (POST `/`, operation
 * in `X-Amz-Target`, JSON body, `application/x-amz-json-1.1` answers) for the ECS, Cloud Map,
 * Secrets Manager and SSM operations the product calls, plus S3 objects (REST/XML, `s3.ts`) and
 * ECS task state change events on every fleet change (`task-events.ts`). Real SDK v3 clients talk to it through
 * `endpoint`; signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_CREDENTIALS } from './clients.ts';
import { ec2ErrorXml, ec2Operations, parseQuery, type XmlBody } from './ec2.ts';
import { AwsError } from './errors.ts';
import type { ActiveFault, FaultHandle, FaultSpec, LatencySpec, TokenBucketSpec } from './faults.ts';
import { faultError, faultMatches, latencyFor, TokenBucket } from './faults.ts';
import type { Fleet, FleetSpec } from './fleet.ts';
import { defineFleet } from './fleet.ts';
import type { FleetIndex } from './fleet-index.ts';
import { indexFleet } from './fleet-index.ts';
import type { Input } from './input.ts';
import type { Operation } from './operations.ts';
import { messageKeyOfTarget, resolveTarget } from './operations.ts';
import { RawJson } from './raw-json.ts';
import { createS3Double, isS3Request, type S3Double } from './s3.ts';
import { type AssumeRoleCall, createStsDouble, isQueryRequest, type RoleSpec, signedBy } from './sts.ts';
import { type TaskStateChangeEvent, taskStateChanges } from './task-events.ts';

/** Calls per operation; operations never called are absent. */
export type CallCounts = Partial<Record<Operation, number>>;

export type AwsDoubleOptions = {
  /** Fixed latency added to every answer, in ms, globally or per operation. @default 0 */
  readonly latencyMs?: LatencySpec;
  /** Token buckets, one per operation family. @default none (no throttling) */
  readonly buckets?: readonly TokenBucketSpec[];
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Clock of the emitted task events' `time`, epoch ms. @default Date.now */
  readonly now?: () => number;
  /**
   * Milliseconds on a monotonic clock, for the token buckets; a test shares one fake clock with the
   * client's pacer to drive refills by hand. @default performance.now
   */
  readonly clock?: () => number;
  /**
   * More accounts and Regions: each fleet is served to clients whose credentials belong to its
   * `accountId` (`FAKE_CREDENTIALS` are the main fleet's account, keys from AssumeRole the role's)
   * and whose SigV4 scope names its `region`. With any of these (or `roles`) set, requests are
   * routed strictly: an (account, Region) without a fleet sees an empty one, an unknown key is
   * refused. Without them every request reads the main fleet, whatever its Region. @default none
   */
  readonly sources?: readonly (Fleet | FleetSpec)[];
  /** Roles STS AssumeRole grants (with their ExternalId). @default none */
  readonly roles?: readonly RoleSpec[];
  /** `Expiration` of credentials AssumeRole issues. @default one hour from Date.now() */
  readonly stsExpiration?: () => Date;
};

/** `<account>/<region>`, as `callsBySource` keys it. */
export type SourceKey = `${string}/${string}`;

/** One call as the double received it, for `onCall` listeners. */
export type DoubleCall = { readonly operation: Operation; readonly input: Input };

export type AwsDouble = {
  /** `http://127.0.0.1:<port>`, for the SDK clients' `endpoint`. */
  readonly endpoint: string;
  /** The fleet's region (any region works for the clients). */
  readonly region: string;
  readonly accountId: string;
  /** The fleet being served now. */
  readonly fleet: () => Fleet;
  /** Every call received per operation, including throttled and faulted ones. */
  readonly calls: () => CallCounts;
  /** The same calls per `<account>/<region>` of the fleet that answered them. */
  readonly callsBySource: () => Readonly<Record<SourceKey, CallCounts>>;
  /** Every STS AssumeRole received, in order. */
  readonly assumeRoleCalls: () => readonly AssumeRoleCall[];
  /** Calls refused by a token bucket, per operation. */
  readonly throttled: () => CallCounts;
  /** Calls answered by an injected fault's error, per operation. */
  readonly faulted: () => CallCounts;
  /** All calls received. */
  readonly totalCalls: () => number;
  /** The largest number of calls in flight at once. */
  readonly peakConcurrency: () => number;
  /** Zeroes calls, throttled, faulted and peak concurrency. */
  readonly resetCalls: () => void;
  /** Serves another fleet from the next call on. */
  readonly setFleet: (fleet: Fleet | FleetSpec) => void;
  /** Serves `change(current fleet)` from the next call on. */
  readonly mutate: (change: (fleet: Fleet) => Fleet | FleetSpec) => void;
  readonly inject: (fault: FaultSpec) => FaultHandle;
  /** Removes every injected fault (not the buckets or the latency). */
  readonly clearFaults: () => void;
  readonly setLatency: (latency: LatencySpec) => void;
  /** Adds a token bucket (full); the handle removes it. */
  readonly throttle: (bucket: TokenBucketSpec) => { readonly remove: () => void };
  readonly clearThrottling: () => void;
  /** Runs `listener` on every call before it is answered (e.g. to change the fleet mid-refresh). */
  readonly onCall: (listener: (call: DoubleCall) => void) => () => void;
  /** S3 (path-style REST/XML) on the same endpoint: buckets, objects, call counts. */
  readonly s3: S3Double;
  /**
   * `ECS Task State Change` events emitted by `setFleet`/`mutate` since the last drain, oldest
   * first; draining empties the queue (wrap them with `toSqsEvent` for the refresher).
   */
  readonly drainTaskEvents: () => TaskStateChangeEvent[];
  /** Runs `listener` on every emitted task event. */
  readonly onTaskEvent: (listener: (event: TaskStateChangeEvent) => void) => () => void;
  readonly close: () => Promise<void>;
};

const CONTENT_TYPE = 'application/x-amz-json-1.1';

const toFleet = (fleet: Fleet | FleetSpec): Fleet =>
  (fleet as Partial<Fleet>).kind === 'fleet' ? (fleet as Fleet) : defineFleet(fleet as FleetSpec);

const increment = (counts: Map<Operation, number>, operation: Operation) =>
  counts.set(operation, (counts.get(operation) ?? 0) + 1);

const readBytes = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const send = (response: ServerResponse, status: number, body: unknown, errorType?: string) => {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
};

const sendError = (response: ServerResponse, error: AwsError) =>
  send(response, error.status, { __type: error.type, [error.messageKey]: error.message }, error.type);

/** Starts the double on a free loopback port with `fleet`. */
export const startAwsDouble = async (
  fleet: Fleet | FleetSpec,
  options: AwsDoubleOptions = {},
): Promise<AwsDouble> => {
  let index: FleetIndex = indexFleet(toFleet(fleet));
  const mainAccount = index.fleet.accountId;
  const routed = (options.sources?.length ?? 0) > 0 || (options.roles?.length ?? 0) > 0;
  const others = new Map<SourceKey, FleetIndex>();
  for (const other of options.sources ?? []) {
    const indexed = indexFleet(toFleet(other));
    others.set(`${indexed.fleet.accountId}/${indexed.fleet.region}`, indexed);
  }
  const indexOf = (account: string, region: string): FleetIndex => {
    if (account === index.fleet.accountId && region === index.fleet.region) return index;
    const key: SourceKey = `${account}/${region}`;
    let found = others.get(key);
    if (found === undefined) {
      found = indexFleet(defineFleet({ accountId: account, region }));
      others.set(key, found);
    }
    return found;
  };
  const sts = createStsDouble(
    { roles: options.roles ?? [], ...(options.stsExpiration ? { expiration: options.stsExpiration } : {}) },
    new Map([[FAKE_CREDENTIALS.accessKeyId, mainAccount]]),
  );
  const bySource = new Map<SourceKey, Map<Operation, number>>();
  let latency: LatencySpec = options.latencyMs ?? 0;
  let faults: ActiveFault[] = [];
  const clock = options.clock ?? (() => performance.now());
  let buckets: TokenBucket[] = (options.buckets ?? []).map((b) => new TokenBucket(b, clock()));
  const listeners = new Set<(call: DoubleCall) => void>();
  const calls = new Map<Operation, number>();
  const throttled = new Map<Operation, number>();
  const faulted = new Map<Operation, number>();
  let inFlight = 0;
  let peak = 0;
  const s3 = createS3Double();
  const eventClock = options.now ?? Date.now;
  const taskVersions = new Map<string, number>();
  let taskEvents: TaskStateChangeEvent[] = [];
  const taskListeners = new Set<(event: TaskStateChangeEvent) => void>();
  const replaceFleet = (next: Fleet) => {
    const emitted = taskStateChanges(index.fleet, next, taskVersions, new Date(eventClock()).toISOString());
    index = indexFleet(next);
    taskEvents.push(...emitted);
    for (const event of emitted) for (const listener of taskListeners) listener(event);
  };

  /** EC2's Query protocol: form body in, XML out (see ec2.ts). Counted, faulted and delayed like the rest. */
  const answerQuery = async (body: string, response: ServerResponse, served: FleetIndex): Promise<void> => {
    const input = parseQuery(body);
    const action = input.get('Action') ?? '';
    const handler = (ec2Operations as Record<string, (i: FleetIndex, q: typeof input) => XmlBody>)[action];
    let status = 200;
    let text: string;
    if (handler === undefined) {
      status = 400;
      text = ec2ErrorXml(
        new AwsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`),
      );
    } else {
      const operation = `ec2:${action}` as Operation;
      increment(calls, operation);
      const fault = faults.find((f) => faultMatches(f, operation, {}));
      let error: AwsError | undefined;
      if (fault) {
        fault.remaining -= 1;
        fault.hits += 1;
        if (fault.spec.error !== undefined) {
          increment(faulted, operation);
          const err = fault.spec.error;
          error =
            typeof err === 'object'
              ? new AwsError(err.status, err.type, err.message ?? err.type)
              : err === 'ThrottlingException'
                ? new AwsError(400, 'RequestLimitExceeded', 'Request limit exceeded.')
                : err === 'AccessDeniedException'
                  ? new AwsError(
                      403,
                      'UnauthorizedOperation',
                      'You are not authorized to perform this operation.',
                    )
                  : new AwsError(err, 'InternalError', 'An internal error has occurred');
        }
      }
      try {
        text = error ? ec2ErrorXml(error) : handler(served, input).text;
        status = error?.status ?? 200;
      } catch (thrown) {
        if (!(thrown instanceof AwsError)) throw thrown;
        status = thrown.status;
        text = ec2ErrorXml(thrown);
      }
      const delay = latencyFor(latency, operation) + (fault?.spec.latencyMs ?? 0);
      if (delay > 0) await sleep(delay);
    }
    response.writeHead(status, {
      'content-type': 'text/xml;charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (isS3Request(request)) {
      s3.answer(request, response, await readBytes(request));
      return;
    }
    const signed = signedBy(request.headers.authorization);
    const callerAccount = signed === undefined ? undefined : sts.accountOfKey(signed.accessKeyId);
    // STS and EC2 both speak the Query protocol; the SigV4 scope's service tells them apart.
    if (isQueryRequest(request) && signed?.service !== 'ec2') {
      sts.answer(response, (await readBytes(request)).toString('utf8'), routed ? callerAccount : mainAccount);
      return;
    }
    const target = request.headers['x-amz-target'];
    const targetName = Array.isArray(target) ? target[0] : target;
    const body = (await readBytes(request)).toString('utf8');
    if (isQueryRequest(request)) {
      // EC2 of the caller's account and Region, like ECS and Cloud Map below.
      const ec2Index =
        routed && signed !== undefined && callerAccount !== undefined
          ? indexOf(callerAccount, signed.region)
          : index;
      await answerQuery(body, response, ec2Index);
      return;
    }
    const resolved = request.method === 'POST' ? resolveTarget(targetName) : undefined;
    if (!resolved) {
      sendError(
        response,
        new AwsError(
          400,
          'UnknownOperationException',
          `Unknown operation ${targetName ?? '(none)'}`,
          messageKeyOfTarget(targetName),
        ),
      );
      return;
    }
    const { operation } = resolved;
    increment(calls, operation);
    if (routed && (callerAccount === undefined || signed === undefined)) {
      sendError(
        response,
        new AwsError(
          400,
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
          resolved.messageKey,
        ),
      );
      return;
    }
    // The fleet is looked up after the listeners ran: a listener may replace it for this very call.
    const servedBy = () =>
      routed && signed !== undefined && callerAccount !== undefined
        ? indexOf(callerAccount, signed.region)
        : index;
    const sourceKey: SourceKey = `${servedBy().fleet.accountId}/${servedBy().fleet.region}`;
    const sourceCalls = bySource.get(sourceKey) ?? new Map<Operation, number>();
    bySource.set(sourceKey, sourceCalls);
    increment(sourceCalls, operation);
    let input: Input;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      input = parsed as Input;
    } catch {
      sendError(
        response,
        new AwsError(400, 'SerializationException', 'Invalid JSON body', resolved.messageKey),
      );
      return;
    }
    for (const listener of listeners) listener({ operation, input });
    const served = servedBy();

    const now = clock();
    let extraLatency = 0;
    let error: AwsError | undefined;
    // Every bucket of the operation's families is charged, as AWS charges each limit it enforces.
    const families = buckets.filter((b) => b.spec.family.includes(operation));
    if (families.map((b) => b.take(now)).some((ok) => !ok)) {
      increment(throttled, operation);
      error = new AwsError(400, 'ThrottlingException', 'Rate exceeded', resolved.messageKey);
    }
    if (!error) {
      const fault = faults.find(
        (f) =>
          faultMatches(f, operation, input) &&
          (f.spec.accountId === undefined || f.spec.accountId === served.fleet.accountId) &&
          (f.spec.region === undefined || f.spec.region === served.fleet.region),
      );
      if (fault) {
        fault.remaining -= 1;
        fault.hits += 1;
        extraLatency = fault.spec.latencyMs ?? 0;
        if (fault.spec.error !== undefined) {
          increment(faulted, operation);
          error = faultError(fault.spec.error, resolved, served.fleet.accountId);
        }
      }
    }
    let result: unknown;
    if (!error) {
      try {
        result = resolved.handler(served, input);
      } catch (thrown) {
        if (!(thrown instanceof AwsError)) throw thrown;
        error = thrown;
      }
    }
    const delay = latencyFor(latency, operation) + extraLatency;
    if (delay > 0) await sleep(delay);
    if (error) sendError(response, error);
    else send(response, 200, result);
  };

  const server = createServer((request, response) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    answer(request, response)
      .catch((thrown: unknown) => {
        // A bug in the double: answer 500 with the reason so the failing test shows it.
        if (!response.headersSent) {
          sendError(response, new AwsError(500, 'InternalFailure', `aws-double: ${String(thrown)}`));
        }
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const countsOf = (counts: Map<Operation, number>): CallCounts => Object.fromEntries(counts);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: index.fleet.region,
    accountId: index.fleet.accountId,
    fleet: () => index.fleet,
    calls: () => countsOf(calls),
    callsBySource: () =>
      Object.fromEntries(
        [...bySource].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, counts]) => [key, countsOf(counts)]),
      ),
    assumeRoleCalls: () => sts.calls(),
    throttled: () => countsOf(throttled),
    faulted: () => countsOf(faulted),
    totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
    peakConcurrency: () => peak,
    resetCalls: () => {
      calls.clear();
      bySource.clear();
      sts.reset();
      throttled.clear();
      faulted.clear();
      peak = inFlight;
    },
    setFleet: (next) => replaceFleet(toFleet(next)),
    mutate: (change) => replaceFleet(toFleet(change(index.fleet))),
    s3: s3.api,
    drainTaskEvents: () => {
      const drained = taskEvents;
      taskEvents = [];
      return drained;
    },
    onTaskEvent: (listener) => {
      taskListeners.add(listener);
      return () => taskListeners.delete(listener);
    },
    inject: (spec) => {
      const fault: ActiveFault = {
        spec,
        remaining: spec.times === 'always' ? Number.POSITIVE_INFINITY : (spec.times ?? 1),
        hits: 0,
      };
      faults.push(fault);
      return {
        hits: () => fault.hits,
        remove: () => {
          faults = faults.filter((f) => f !== fault);
        },
      };
    },
    clearFaults: () => {
      faults = [];
    },
    setLatency: (next) => {
      latency = next;
    },
    throttle: (spec) => {
      const bucket = new TokenBucket(spec, clock());
      buckets.push(bucket);
      return {
        remove: () => {
          buckets = buckets.filter((b) => b !== bucket);
        },
      };
    },
    clearThrottling: () => {
      buckets = [];
    },
    onCall: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
};
