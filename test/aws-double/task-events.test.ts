import { describe, expect, it } from 'vitest';
import { defineFleet } from './fleet.ts';
import { taskStateChanges, toSqsEvent } from './task-events.ts';

const fleet = (tasks: { id: string; lastStatus?: string }[]) =>
  defineFleet({ clusters: [{ name: 'prod', services: [{ name: 'web', tasks }] }] });

describe('taskStateChanges', () => {
  it('reports started, stopped and changed tasks with a version per task, in ARN order', () => {
    // Prepare
    const versions = new Map<string, number>();
    const before = fleet([{ id: 'a' }, { id: 'b', lastStatus: 'PENDING' }]);
    const after = fleet([{ id: 'b' }, { id: 'c' }]);

    // Act
    const events = taskStateChanges(before, after, versions, '2023-11-14T22:13:20.000Z');
    const again = taskStateChanges(after, before, versions, '2023-11-14T22:13:21.000Z');

    // Assess
    const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`;
    expect(
      events.map((e) => [e.detail.taskArn, e.detail.lastStatus, e.detail.desiredStatus, e.detail.version]),
    ).toEqual([
      [arn('a'), 'STOPPED', 'STOPPED', 1],
      [arn('b'), 'RUNNING', 'RUNNING', 1],
      [arn('c'), 'RUNNING', 'RUNNING', 1],
    ]);
    expect(again.map((e) => [e.detail.taskArn, e.detail.lastStatus, e.detail.version])).toEqual([
      [arn('a'), 'RUNNING', 2],
      [arn('b'), 'PENDING', 2],
      [arn('c'), 'STOPPED', 2],
    ]);
    expect(events[0]).toMatchObject({
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      time: '2023-11-14T22:13:20.000Z',
      detail: { clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', group: 'service:web' },
    });
  });

  it('wraps events as SQS records whose body is the event JSON', () => {
    // Prepare
    const events = taskStateChanges(fleet([]), fleet([{ id: 'a' }]), new Map(), '2023-11-14T22:13:20.000Z');

    // Act
    const sqs = toSqsEvent(events);

    // Assess
    expect(sqs.Records.map((r) => [r.eventSource, JSON.parse(r.body)])).toEqual([['aws:sqs', events[0]]]);
  });
});
