/**
 * EventBridge-shaped `ECS Task State Change` events the double emits when a fleet change starts,
 * stops or changes the status of a task, and the SQS event that delivers a batch of them to the
 * refresher (the shapes AWS documents for EventBridge → SQS → Lambda).
 */
import type { Fleet, FleetTask } from './fleet.ts';

export type TaskStateChangeEvent = {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'ECS Task State Change';
  readonly source: 'aws.ecs';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly clusterArn: string;
    readonly taskArn: string;
    readonly taskDefinitionArn: string;
    readonly group: string;
    readonly lastStatus: string;
    readonly desiredStatus: string;
    readonly launchType: string;
    /** ECS increments it on every change of the task; consumers order by it. */
    readonly version: number;
  };
};

const tasksOf = (fleet: Fleet): Map<string, FleetTask> =>
  new Map(fleet.clusters.flatMap((c) => c.services.flatMap((s) => s.tasks.map((t) => [t.arn, t] as const))));

/**
 * Events for the tasks that appeared, disappeared (reported STOPPED) or changed status between
 * `before` and `after`, in ARN order. `versions` holds each task's last version and is updated.
 */
export const taskStateChanges = (
  before: Fleet,
  after: Fleet,
  versions: Map<string, number>,
  time: string,
): TaskStateChangeEvent[] => {
  const old = tasksOf(before);
  const next = tasksOf(after);
  const changed: { task: FleetTask; lastStatus: string; desiredStatus: string }[] = [];
  for (const [arn, task] of next) {
    const was = old.get(arn);
    if (was === undefined || was.lastStatus !== task.lastStatus || was.desiredStatus !== task.desiredStatus) {
      changed.push({ task, lastStatus: task.lastStatus, desiredStatus: task.desiredStatus });
    }
  }
  for (const [arn, task] of old) {
    if (!next.has(arn)) changed.push({ task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
  }
  changed.sort((a, b) => (a.task.arn < b.task.arn ? -1 : 1));
  return changed.map(({ task, lastStatus, desiredStatus }) => {
    const version = (versions.get(task.arn) ?? 0) + 1;
    versions.set(task.arn, version);
    return {
      version: '0',
      id: `${task.id}-${version}`,
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: after.accountId,
      time,
      region: after.region,
      resources: [task.arn],
      detail: {
        clusterArn: task.clusterArn,
        taskArn: task.arn,
        taskDefinitionArn: task.taskDefinitionArn,
        group: `service:${task.serviceName}`,
        lastStatus,
        desiredStatus,
        launchType: task.launchType,
        version,
      },
    };
  });
};

/** An SQS → Lambda event delivering `events`, one message each, in order. */
export const toSqsEvent = (
  events: readonly TaskStateChangeEvent[],
  queueArn = 'arn:aws:sqs:us-east-1:123456789012:task-events',
) => ({
  Records: events.map((event, i) => ({
    messageId: `message-${i + 1}-${event.id}`,
    receiptHandle: `receipt-${i + 1}`,
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.parse(event.time)),
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: String(Date.parse(event.time)),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  })),
});
