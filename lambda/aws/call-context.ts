/**
 * Per-refresh bookkeeping for AWS calls: the process's pacer (a token per call, shared by every
 * refresh), a concurrency bound shared by every reader, calls counted per operation and outcome, and
 * a sink for warnings (AWS `failures` entries) that the door logs once.
 */
import type { Pacer } from './pacer.ts';

/** Something that can send an SDK command: the narrow part of an SDK v3 client the readers need. */
export type Sender = {
  // biome-ignore lint/suspicious/noExplicitAny: SDK v3 clients type `send` with command generics we do not need here.
  send(command: any): Promise<any>;
};

export type Warning = { readonly message: string; readonly data: Readonly<Record<string, unknown>> };

/** How one AWS call ended (after the SDK's own retries): the `outcome` label of `aws_calls_total`. */
export const AwsCallOutcome = {
  Success: 'success',
  /** Still throttled after the SDK's retries. */
  Throttled: 'throttled',
  /** The resource named is gone (a reader may treat it as empty, e.g. tags of a deleted service). */
  NotFound: 'not_found',
  Error: 'error',
} as const;
export type AwsCallOutcome = (typeof AwsCallOutcome)[keyof typeof AwsCallOutcome];

/** Calls per operation and outcome, e.g. `{ 'ecs:ListTasks': { success: 3, throttled: 1 } }`. */
export type CallOutcomes = Readonly<Record<string, Readonly<Partial<Record<AwsCallOutcome, number>>>>>;

// Throttling error names of ECS, Cloud Map and the SDK's own classification.
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);

/** The outcome of a call that threw `error`. */
export const outcomeOf = (error: unknown): AwsCallOutcome => {
  const { name, $metadata } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if ((typeof name === 'string' && THROTTLING.has(name)) || $metadata?.httpStatusCode === 429) {
    return AwsCallOutcome.Throttled;
  }
  if (typeof name === 'string' && /NotFound(Exception)?$/.test(name)) return AwsCallOutcome.NotFound;
  return AwsCallOutcome.Error;
};

export type CallContext = {
  /**
   * Sends `command` through `client`, counted as `operation` (e.g. `ecs:ListTasks`): waits for a
   * token of the operation's bucket, then for a free slot of the concurrency bound.
   */
  call<T>(operation: string, client: Sender, command: object): Promise<T>;
  warn(message: string, data: Record<string, unknown>): void;
  /** Calls made per operation, whatever their outcome (SDK retries not counted again). */
  readonly calls: Readonly<Record<string, number>>;
  /** The same calls by outcome; a call is counted once, when it ends. */
  readonly outcomes: CallOutcomes;
  readonly warnings: readonly Warning[];
};

export type CallContextOptions = {
  /** AWS calls in flight at once (`AwsMaxConcurrency`). */
  readonly maxConcurrency: number;
  /** The process's pacer; without one calls are not paced (tests of other concerns). */
  readonly pacer?: Pacer;
};

/** A FIFO semaphore: at most `limit` tasks run at once. */
export const createLimiter = (limit: number) => {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active -= 1;
    queue.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
};

export const createCallContext = ({ maxConcurrency, pacer }: CallContextOptions): CallContext => {
  const limit = createLimiter(maxConcurrency);
  const calls: Record<string, number> = {};
  const outcomes: Record<string, Partial<Record<AwsCallOutcome, number>>> = {};
  const warnings: Warning[] = [];
  const ended = (operation: string, outcome: AwsCallOutcome) => {
    const counts = outcomes[operation] ?? {};
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    outcomes[operation] = counts;
  };
  return {
    calls,
    outcomes,
    warnings,
    // The token is taken before the slot: a call waiting for its bucket must not hold a slot that a
    // call of another bucket could use. Sending later than the token allows is always safe.
    call: async <T>(operation: string, client: Sender, command: object) => {
      await pacer?.acquire(operation);
      return limit(async () => {
        calls[operation] = (calls[operation] ?? 0) + 1;
        try {
          const output = (await client.send(command)) as T;
          ended(operation, AwsCallOutcome.Success);
          return output;
        } catch (error) {
          ended(operation, outcomeOf(error));
          throw error;
        }
      });
    },
    warn: (message, data) => {
      warnings.push({ message, data });
    },
  };
};
