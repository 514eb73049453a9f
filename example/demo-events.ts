/**
 * The event path of snapshot mode, shown by `npm run demo` after the embedded demo is up: a second
 * AWS double (with S3) holds a small fleet, the refresher writes the snapshot, and a task started
 * mid-demo reaches the served list through its `ECS Task State Change` event within seconds
 * (batching window, one DescribeTasks, one S3 write, the endpoint's one-second re-read).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskStateChangeEvent } from '../test/aws-double/index.ts';
import { snapshotApp, startSnapshotWorld, targetsOf, withWebTasks } from '../test/refresh/support.ts';

export type EventDemoOptions = {
  /** Wait before the task starts, ms. @default 2000 */
  readonly startAfterMs?: number;
  /** The SQS batching window the demo imitates, ms. @default 1000 */
  readonly batchingWindowMs?: number;
  /** Give up after, ms. @default 15000 */
  readonly timeoutMs?: number;
};

const REQUEST = {
  method: 'GET',
  path: '/prometheus-targets',
  headers: {},
  requestId: 'demo',
  payloadVersion: '2.0',
} as const;

/** Runs the event demo, writing progress lines; resolves with the seconds until the task was served. */
export const runEventDemo = async (write: (line: string) => void, options: EventDemoOptions = {}) => {
  const world = await startSnapshotWorld(undefined, {}, { now: Date.now, advanceSeconds: () => undefined });
  try {
    await world.refresher.full();
    const app = snapshotApp(world);
    const served = async () => {
      // The target list comes as the prepared body (encoded once per result), not as a string.
      const { body } = await app.handle(REQUEST);
      return targetsOf(typeof body === 'string' ? body : body.bytes().toString('utf8'));
    };
    write(
      `\nSnapshot mode (SnapshotBucket set; a separate double with S3): serving ${(await served()).length} targets.\n`,
    );
    // EventBridge → SQS → refresher, with the queue's batching window.
    let queue: TaskStateChangeEvent[] = [];
    world.double.onTaskEvent((event) => {
      if (queue.length === 0) {
        setTimeout(() => {
          const batch = queue;
          queue = [];
          world.refresher.events(batch.map((e) => e.detail)).catch((error: unknown) => {
            write(`event batch failed: ${String(error)}\n`);
          });
        }, options.batchingWindowMs ?? 1000);
      }
      queue.push(event);
    });
    await sleep(options.startAfterMs ?? 2000);
    world.double.mutate(() => withWebTasks(3));
    const startedAt = Date.now();
    write('Started a task in service web (10.0.0.4); waiting for its event to reach the served list ...\n');
    while (Date.now() - startedAt < (options.timeoutMs ?? 15_000)) {
      if ((await served()).includes('web 10.0.0.4:8080')) {
        const seconds = (Date.now() - startedAt) / 1000;
        write(`The new task is served after ${seconds.toFixed(1)} s (no full discovery ran).\n`);
        return seconds;
      }
      await sleep(100);
    }
    write('The new task did not appear in time.\n');
    return undefined;
  } finally {
    await world.close();
  }
};
