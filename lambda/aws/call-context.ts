/**
 * Per-refresh bookkeeping for AWS calls: a concurrency bound shared by every reader, a counter of
 * calls per operation, and a sink for warnings (AWS `failures` entries) that the door logs once.
 */

/** Something that can send an SDK command: the narrow part of an SDK v3 client the readers need. */
export type Sender = {
  // biome-ignore lint/suspicious/noExplicitAny: SDK v3 clients type `send` with command generics we do not need here.
  send(command: any): Promise<any>;
};

export type Warning = { readonly message: string; readonly data: Readonly<Record<string, unknown>> };

export type CallContext = {
  /** Sends `command` through `client`, counted as `operation` (e.g. `ecs:ListTasks`), within the bound. */
  call<T>(operation: string, client: Sender, command: object): Promise<T>;
  warn(message: string, data: Record<string, unknown>): void;
  readonly calls: Readonly<Record<string, number>>;
  readonly warnings: readonly Warning[];
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

export const createCallContext = (maxConcurrency: number): CallContext => {
  const limit = createLimiter(maxConcurrency);
  const calls: Record<string, number> = {};
  const warnings: Warning[] = [];
  return {
    calls,
    warnings,
    call: <T>(operation: string, client: Sender, command: object) =>
      limit(async () => {
        calls[operation] = (calls[operation] ?? 0) + 1;
        return (await client.send(command)) as T;
      }),
    warn: (message, data) => {
      warnings.push({ message, data });
    },
  };
};
