/**
 * ECS task state change events (EventBridge `aws.ecs` / `ECS Task State Change`, delivered through
 * SQS) reduced to what the refresher needs: which task of which cluster changed, and the event's
 * `detail.version`, which ECS increments on every change of the task.
 */

export const TASK_STATE_CHANGE = 'ECS Task State Change';

export type TaskChange = {
  readonly clusterArn: string;
  readonly taskArn: string;
  /** `service:<name>` for a task a service started; anything else for standalone tasks. */
  readonly group: string | undefined;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly version: number;
};

/** Why an SQS message was not turned into a change (logged as a warning, never retried). */
export type UnusableMessage = { readonly messageId: string; readonly reason: string };

type Detail = Record<string, unknown>;

const text = (detail: Detail, field: string): string | undefined =>
  typeof detail[field] === 'string' ? (detail[field] as string) : undefined;

/**
 * One SQS message body → one change, or the reason it is not usable. A malformed message is not
 * retried: retrying cannot fix it, and the schedule's full reconcile covers whatever it meant.
 */
export const parseTaskChange = (body: string): TaskChange | string => {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  if (typeof event !== 'object' || event === null) return 'body is not a JSON object';
  const { 'detail-type': detailType, detail } = event as { 'detail-type'?: unknown; detail?: unknown };
  if (detailType !== TASK_STATE_CHANGE) return `detail-type is not "${TASK_STATE_CHANGE}"`;
  if (typeof detail !== 'object' || detail === null) return 'detail is missing';
  const fields = detail as Detail;
  const clusterArn = text(fields, 'clusterArn');
  const taskArn = text(fields, 'taskArn');
  const version = fields.version;
  if (clusterArn === undefined || taskArn === undefined)
    return 'detail.clusterArn or detail.taskArn is missing';
  if (typeof version !== 'number' || !Number.isInteger(version)) return 'detail.version is not an integer';
  return {
    clusterArn,
    taskArn,
    group: text(fields, 'group'),
    lastStatus: text(fields, 'lastStatus') ?? '',
    desiredStatus: text(fields, 'desiredStatus') ?? '',
    version,
  };
};

/**
 * The newest change per task that is newer than what the snapshot already applied: duplicates
 * (at-least-once delivery) and out-of-order deliveries drop out. Ordered by task ARN.
 */
export const latestChanges = (
  changes: readonly TaskChange[],
  applied: Readonly<Record<string, number>>,
): TaskChange[] => {
  const newest = new Map<string, TaskChange>();
  for (const change of changes) {
    const seen = newest.get(change.taskArn);
    if (seen === undefined || change.version > seen.version) newest.set(change.taskArn, change);
  }
  return [...newest.values()]
    .filter((change) => change.version > (applied[change.taskArn] ?? Number.NEGATIVE_INFINITY))
    .sort((a, b) => (a.taskArn < b.taskArn ? -1 : a.taskArn > b.taskArn ? 1 : 0));
};

/** STOPPED is final: such a task leaves the inventory without being read again. */
export const isFinal = (change: TaskChange): boolean =>
  change.lastStatus === 'STOPPED' || change.desiredStatus === 'STOPPED';
