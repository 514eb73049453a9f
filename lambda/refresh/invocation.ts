/**
 * What one refresher invocation does, by its event: an SQS batch of task state changes is an
 * incremental update; anything else (the schedule's `aws.events` / `aws.scheduler` event, the
 * deploy-time `{}`) is a full reconcile. Failures are thrown, so the whole batch is retried and,
 * after the queue's receive count, lands in the dead-letter queue (decisions.md, "One refresh per
 * fleet (issue 13)").
 */
import { errorFields, type Log } from '../log.ts';
import type { Refresher, RefreshReport } from './refresher.ts';
import { parseTaskChange, type TaskChange } from './task-events.ts';

type SqsRecord = { readonly messageId?: unknown; readonly eventSource?: unknown; readonly body?: unknown };

/** An SQS event: a non-empty `Records` array whose records all come from `aws:sqs`. */
export const isSqsEvent = (event: unknown): event is { readonly Records: readonly SqsRecord[] } => {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((record: SqsRecord | null) => record?.eventSource === 'aws:sqs')
  );
};

export const createRefreshHandler =
  (refresher: () => Refresher, log: Log) =>
  async (event: unknown): Promise<RefreshReport> => {
    const sqs = isSqsEvent(event);
    try {
      if (!sqs) return await refresher().full();
      const changes: TaskChange[] = [];
      for (const record of event.Records) {
        const parsed = typeof record.body === 'string' ? parseTaskChange(record.body) : 'body is missing';
        if (typeof parsed === 'string') {
          log.warn('SQS message is not a task state change; skipped', {
            messageId: String(record.messageId),
            reason: parsed,
          });
        } else changes.push(parsed);
      }
      return await refresher().events(changes);
    } catch (error) {
      log.error('refresh failed', { kind: sqs ? 'events' : 'full', error: errorFields(error) });
      throw error;
    }
  };
