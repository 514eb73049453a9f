/**
 * The refresher end to end: real ECS, Cloud Map and S3 SDK clients against the AWS double. Full
 * reconciles write conditionally, failures write nothing, event batches re-read only changed tasks.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createRefreshHandler } from '../../lambda/refresh/invocation.ts';
import { RefreshOutcome, SnapshotConflictError } from '../../lambda/refresh/refresher.ts';
import { toSqsEvent } from '../aws-double/index.ts';
import { BUCKET, KEY, type SnapshotWorld, startSnapshotWorld, targetsOf, withWebTasks } from './support.ts';

const worlds: SnapshotWorld[] = [];
const start = async (...args: Parameters<typeof startSnapshotWorld>) => {
  const world = await startSnapshotWorld(...args);
  worlds.push(world);
  return world;
};
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe('full reconcile', () => {
  it('writes the snapshot with body, gzip form, ETags, counts, calls and inventory', async () => {
    // Prepare
    const world = await start();

    // Act
    const report = await world.refresher.full();

    // Assess
    expect(report).toMatchObject({ outcome: RefreshOutcome.Written, generation: 1, targetCount: 3 });
    const stored = world.stored();
    expect(stored).toMatchObject({
      format: 1,
      generation: 1,
      kind: 'full',
      completedAt: 1_700_000_000_000,
      reconciledAt: 1_700_000_000_000,
      targetCount: 3,
      skipped: { not_running: 0, no_address: 0, no_port: 0 },
      awsCalls: {
        'ecs:DescribeClusters': 1,
        'ecs:ListServices': 1,
        'ecs:DescribeServices': 1,
        'ecs:ListTasks': 1,
        'ecs:DescribeTasks': 1,
      },
      taskVersions: {},
    });
    expect(targetsOf(stored?.body)).toEqual(['api 10.0.0.1:9090', 'web 10.0.0.2:8080', 'web 10.0.0.3:8080']);
    expect(stored?.etag).toMatch(/^"[\w-]{32}"$/);
    expect(stored?.gzipEtag).toBe(`${String(stored?.etag).slice(0, -1)}-gz"`);
    expect(gunzipSync(Buffer.from(String(stored?.gzipBase64), 'base64')).toString('utf8')).toBe(stored?.body);
    const inventory = stored?.inventory as { clusters: { services: { name: string }[] }[] } | undefined;
    expect(inventory?.clusters[0]?.services.map((service) => service.name)).toEqual(['api', 'web']);
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1, 's3:PutObject': 1 });
  });

  it('replaces its own previous snapshot (If-Match on the ETag it read) with the next generation', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.clock.advanceSeconds(60);

    // Act
    const report = await world.refresher.full();

    // Assess
    expect(report).toMatchObject({ outcome: RefreshOutcome.Written, generation: 2 });
    expect(world.stored()).toMatchObject({ generation: 2, completedAt: 1_700_000_060_000 });
    expect(world.double.s3.object(BUCKET, KEY)?.writes).toBe(2);
  });

  it('refuses to replace a snapshot another run wrote after this one read (the older run loses)', async () => {
    // Prepare: run A reads generation 1; while its DescribeTasks is slow, run B writes generation 2.
    const world = await start();
    await world.refresher.full();
    const generationOne = world.double.s3.object(BUCKET, KEY);
    world.double.inject({ operation: 'ecs:DescribeTasks', latencyMs: 300 });
    let racer: Promise<unknown> | undefined;
    world.double.onCall((call) => {
      if (call.operation === 'ecs:DescribeTasks' && racer === undefined && generationOne !== undefined) {
        racer = world.store.write('{"written-by":"B"}', { etag: generationOne.etag });
      }
    });

    // Act
    const report = await world.refresher.full();

    // Assess
    await expect(racer).resolves.toMatchObject({ kind: 'written' });
    expect(report.outcome).toBe(RefreshOutcome.Superseded);
    expect(world.double.s3.object(BUCKET, KEY)?.body.toString('utf8')).toBe('{"written-by":"B"}');
    expect(world.double.s3.object(BUCKET, KEY)?.writes).toBe(2);
    expect(world.logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'snapshot superseded by a newer write',
    ]);
  });

  it('writes with If-None-Match: * when there is no snapshot, so a concurrent first write wins', async () => {
    // Prepare: the first write of the key happens between this run's read and its write.
    const world = await start();
    world.double.inject({ operation: 'ecs:DescribeTasks', latencyMs: 300 });
    let racer: Promise<unknown> | undefined;
    world.double.onCall((call) => {
      if (call.operation === 'ecs:DescribeTasks') racer ??= world.store.write('{"first":true}', 'absent');
    });

    // Act
    const report = await world.refresher.full();

    // Assess
    await expect(racer).resolves.toMatchObject({ kind: 'written' });
    expect(report.outcome).toBe(RefreshOutcome.Superseded);
    expect(world.double.s3.object(BUCKET, KEY)?.body.toString('utf8')).toBe('{"first":true}');
  });

  it('writes nothing when discovery fails', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    const before = world.double.s3.object(BUCKET, KEY);
    world.double.s3.resetCalls();
    world.double.inject({ operation: 'ecs:ListTasks', error: 'AccessDeniedException', times: 'always' });
    world.clock.advanceSeconds(60);

    // Act
    const outcome = world.refresher.full();

    // Assess
    await expect(outcome).rejects.toThrow('Discovery failed: an AWS read did not complete');
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
    expect(world.double.s3.object(BUCKET, KEY)).toBe(before);
  });
});

describe('event batches', () => {
  const handlerOf = (world: SnapshotWorld) => createRefreshHandler(() => world.refresher, world.logger);

  it('re-reads only the changed tasks (one DescribeTasks) and adds a task started in a known service', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();
    world.clock.advanceSeconds(5);

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(batch.Records).toHaveLength(1);
    expect(report).toMatchObject({
      outcome: RefreshOutcome.Written,
      generation: 2,
      awsCalls: { 'ecs:DescribeTasks': 1 },
    });
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1 });
    const stored = world.stored();
    expect(stored).toMatchObject({
      kind: 'events',
      completedAt: 1_700_000_005_000,
      reconciledAt: 1_700_000_000_000,
    });
    expect(targetsOf(stored?.body)).toEqual([
      'api 10.0.0.1:9090',
      'web 10.0.0.2:8080',
      'web 10.0.0.3:8080',
      'web 10.0.0.4:8080',
    ]);
  });

  it('removes a stopped task without reading it (STOPPED is final)', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(1));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.Written);
    expect(world.double.totalCalls()).toBe(0);
    expect(targetsOf(world.stored()?.body)).toEqual(['api 10.0.0.1:9090', 'web 10.0.0.2:8080']);
  });

  it('drops a redelivered batch: every version was already applied, nothing is read or written', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    await handlerOf(world)(batch);
    world.double.resetCalls();
    world.double.s3.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.Unchanged);
    expect(world.double.totalCalls()).toBe(0);
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
  });

  it('applies the newest version of a task when its events arrive out of order', async () => {
    // Prepare: the task starts (version 1) and stops (version 2); SQS delivers the stop first.
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const started = world.double.drainTaskEvents();
    world.double.mutate(() => withWebTasks(2));
    const stopped = world.double.drainTaskEvents();
    world.double.resetCalls();

    // Act
    const first = await handlerOf(world)(toSqsEvent([...stopped, ...started]));
    const late = await handlerOf(world)(toSqsEvent(started));

    // Assess
    expect(stopped.map((e) => [e.detail.lastStatus, e.detail.version])).toEqual([['STOPPED', 2]]);
    expect(first.outcome).toBe(RefreshOutcome.Written);
    expect(late.outcome).toBe(RefreshOutcome.Unchanged);
    expect(world.double.totalCalls()).toBe(0);
    expect(targetsOf(world.stored()?.body)).toEqual([
      'api 10.0.0.1:9090',
      'web 10.0.0.2:8080',
      'web 10.0.0.3:8080',
    ]);
    expect(world.stored()?.taskVersions).toEqual({ [String(stopped[0]?.detail.taskArn)]: 2 });
  });

  it('reads 100 tasks per DescribeTasks call', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(252));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(batch.Records).toHaveLength(250);
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 3 });
    expect(report.targetCount).toBe(253);
  });

  it('ignores a task of a service the snapshot does not hold until the next full reconcile', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => ({
      clusters: [
        {
          name: 'prod',
          services: [
            { name: 'web', tags: { METRICS_PORT: '8080' }, tasks: 2 },
            { name: 'api', tags: { METRICS_PORT: '9090' }, tasks: 1 },
            { name: 'new', tags: { METRICS_PORT: '7070' }, tasks: 1 },
          ],
        },
      ],
    }));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);
    const reconciled = await world.refresher.full();

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.Unchanged);
    expect(reconciled.targetCount).toBe(4);
  });

  it('throws when a re-read fails, so SQS delivers the batch again; nothing is written', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.inject({ operation: 'ecs:DescribeTasks', error: 'ThrottlingException', times: 'always' });
    world.double.s3.resetCalls();

    // Act
    const outcome = handlerOf(world)(batch);

    // Assess
    await expect(outcome).rejects.toThrow();
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
    expect(
      world.logger.entries.filter((e) => e.level === 'error').map((e) => [e.message, e.fields?.kind]),
    ).toEqual([['refresh failed', 'events']]);
  });

  it('throws SnapshotConflictError when the snapshot changed between its read and its write', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.inject({ operation: 'ecs:DescribeTasks', latencyMs: 300 });
    let racer: Promise<unknown> | undefined;
    world.double.onCall((call) => {
      const object = world.double.s3.object(BUCKET, KEY);
      if (call.operation === 'ecs:DescribeTasks' && object)
        racer ??= world.store.write('{}', { etag: object.etag });
    });

    // Act
    const outcome = handlerOf(world)(batch);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SnapshotConflictError);
    await racer;
  });

  it('skips a message that is not a task state change and applies the rest', async () => {
    // Prepare
    const world = await start();
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    const first = batch.Records[0];
    const withJunk = { Records: [{ ...first, messageId: 'junk', body: 'not json' }, ...batch.Records] };

    // Act
    const report = await handlerOf(world)(withJunk);

    // Assess
    expect(report.targetCount).toBe(4);
    expect(world.logger.entries.filter((e) => e.level === 'warn').map((e) => e.fields)).toEqual([
      { messageId: 'junk', reason: 'body is not JSON' },
    ]);
  });
});

describe('refreshHandler dispatch', () => {
  it.each([
    ['the deploy-time empty event', {}],
    [
      'an EventBridge scheduled event',
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
    ],
    ['an EventBridge Scheduler event', { source: 'aws.scheduler' }],
    ['an empty Records array', { Records: [] }],
  ])('runs a full reconcile for %s', async (_name, event) => {
    // Prepare
    const world = await start();

    // Act
    const report = await createRefreshHandler(() => world.refresher, world.logger)(event);

    // Assess
    expect(report).toMatchObject({ outcome: RefreshOutcome.Written, generation: 1, targetCount: 3 });
    expect(world.stored()?.kind).toBe('full');
  });

  it('ignores events that arrive before the first snapshot', async () => {
    // Prepare
    const world = await start();
    world.double.mutate(() => withWebTasks(3));

    // Act
    const report = await createRefreshHandler(
      () => world.refresher,
      world.logger,
    )(toSqsEvent(world.double.drainTaskEvents()));

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.NoSnapshot);
    expect(world.double.s3.object(BUCKET, KEY)).toBeUndefined();
  });
});
