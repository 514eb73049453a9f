/**
 * Docker-label targets of tasks an event batch adds (docs/decisions.md "One refresh per fleet
 * (issue 13)"): the batch reads the task definition of a revision the snapshot does not hold, through
 * the reconcile's cached, paced reader, so the target comes with the same patch. Real SDK clients
 * against the AWS double.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRefreshHandler } from '../../lambda/refresh/invocation.ts';
import { RefreshOutcome } from '../../lambda/refresh/refresher.ts';
import type { FleetSpec, TaskSpec } from '../aws-double/index.ts';
import { toSqsEvent } from '../aws-double/index.ts';
import { type SnapshotWorld, startSnapshotWorld } from './support.ts';

const worlds: SnapshotWorld[] = [];
const start = async (...args: Parameters<typeof startSnapshotWorld>) => {
  const world = await startSnapshotWorld(...args);
  worlds.push(world);
  return world;
};
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

/** `api` runs `tasks` of revisions `api:3` (label port 8080) and `api:4` (9090); no port tags. */
const dockerFleet = (tasks: readonly TaskSpec[]): FleetSpec => ({
  clusters: [{ name: 'prod', services: [{ name: 'api', taskDefinition: 'api:3', tasks }] }],
  taskDefinitions: [
    { name: 'api:3', containers: [{ name: 'app', dockerLabels: { PROMETHEUS_EXPORTER_PORT: '8080' } }] },
    { name: 'api:4', containers: [{ name: 'app', dockerLabels: { PROMETHEUS_EXPORTER_PORT: '9090' } }] },
  ],
});

const ONE = [{ id: 't1', ip: '10.0.0.5' }] as const;
const TEAR = { DiscoveryOptions__DockerLabels: 'teralytics' };

type Group = { targets: string[]; labels: Record<string, string> };
const targetsOf = (body: unknown): string[] =>
  (JSON.parse(String(body)) as Group[]).map(
    (g) => `${g.labels._sys_ecs_task?.split('/').pop()} ${g.targets[0]}`,
  );

const storedDefinitions = (world: SnapshotWorld): unknown =>
  ((world.stored()?.inventory ?? {}) as { taskDefinitions?: { arn: string }[] }).taskDefinitions?.map((d) =>
    d.arn.slice(d.arn.lastIndexOf('/') + 1),
  );

const handlerOf = (world: SnapshotWorld) => createRefreshHandler(() => world.refresher, world.logger);

describe('event batches with DockerLabels', () => {
  it('reads the new revision of an event-added task once and serves its docker-label target in the same patch', async () => {
    // Prepare
    const world = await start(dockerFleet(ONE), TEAR);
    await world.refresher.full();
    world.double.mutate(() => dockerFleet([...ONE, { id: 't2', ip: '10.0.0.6', taskDefinition: 'api:4' }]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report).toMatchObject({ outcome: RefreshOutcome.Written, targetCount: 2 });
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1, 'ecs:DescribeTaskDefinition': 1 });
    expect(report.awsCalls).toEqual({ 'ecs:DescribeTasks': 1, 'ecs:DescribeTaskDefinition': 1 });
    expect(targetsOf(world.stored()?.body)).toEqual(['t1 10.0.0.5:8080', 't2 10.0.0.6:9090']);
    expect(storedDefinitions(world)).toEqual(['api:3', 'api:4']);
  });

  it('makes no DescribeTaskDefinition call for a revision the snapshot holds, even in a cold container', async () => {
    // Prepare: a cold refresher has an empty process cache, so only the snapshot can spare the read.
    const world = await start(dockerFleet(ONE), TEAR);
    await world.refresher.full();
    world.double.mutate(() => dockerFleet([...ONE, { id: 't2', ip: '10.0.0.6' }]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();
    const cold = world.coldRefresher();

    // Act
    const report = await createRefreshHandler(() => cold, world.logger)(batch);

    // Assess
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1 });
    expect(targetsOf(world.stored()?.body)).toEqual(['t1 10.0.0.5:8080', 't2 10.0.0.6:8080']);
    expect(report.targetCount).toBe(2);
    expect(storedDefinitions(world)).toEqual(['api:3']);
  });

  it('reads a revision the snapshot lacks from the process cache when this container read it before', async () => {
    // Prepare: t2 (api:4) starts and stops; the batch that adds t3 of api:4 finds it in the cache.
    const world = await start(dockerFleet(ONE), TEAR);
    await world.refresher.full();
    world.double.mutate(() => dockerFleet([...ONE, { id: 't2', ip: '10.0.0.6', taskDefinition: 'api:4' }]));
    await handlerOf(world)(toSqsEvent(world.double.drainTaskEvents()));
    world.double.mutate(() => dockerFleet(ONE));
    await handlerOf(world)(toSqsEvent(world.double.drainTaskEvents()));
    const pruned = storedDefinitions(world);
    world.double.mutate(() => dockerFleet([...ONE, { id: 't3', ip: '10.0.0.7', taskDefinition: 'api:4' }]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    await handlerOf(world)(batch);

    // Assess
    expect(pruned).toEqual(['api:3']);
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1 });
    expect(targetsOf(world.stored()?.body)).toEqual(['t1 10.0.0.5:8080', 't3 10.0.0.7:9090']);
    expect(storedDefinitions(world)).toEqual(['api:3', 'api:4']);
  });

  it('reads a new revision once when tasks of two clusters in one batch use it', async () => {
    // Prepare
    const twoClusters = (tasks: readonly TaskSpec[], id: string): FleetSpec => ({
      ...dockerFleet([]),
      clusters: ['prod', 'stage'].map((name, index) => ({
        name,
        services: [
          {
            name: 'api',
            taskDefinition: 'api:3',
            tasks: [
              { id: `${name}-1`, ip: `10.0.${index}.5` },
              ...tasks.map((t) => ({ ...t, id: `${name}-${id}`, ip: `10.0.${index}.6` })),
            ],
          },
        ],
      })),
    });
    const world = await start(twoClusters([], ''), { ...TEAR, DiscoveryOptions__EcsClusters: 'prod;stage' });
    await world.refresher.full();
    world.double.mutate(() => twoClusters([{ taskDefinition: 'api:4' }], '2'));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 2, 'ecs:DescribeTaskDefinition': 1 });
    expect(targetsOf(world.stored()?.body)).toEqual([
      'prod-1 10.0.0.5:8080',
      'prod-2 10.0.0.6:9090',
      'stage-1 10.0.1.5:8080',
      'stage-2 10.0.1.6:9090',
    ]);
    expect(report.targetCount).toBe(4);
    expect(storedDefinitions(world)).toEqual(['api:3', 'api:4']);
  });

  it('makes no DescribeTaskDefinition call with DockerLabels=none (the new task has no target)', async () => {
    // Prepare
    const world = await start(dockerFleet(ONE));
    await world.refresher.full();
    world.double.mutate(() => dockerFleet([...ONE, { id: 't2', ip: '10.0.0.6', taskDefinition: 'api:4' }]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.Written);
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1 });
    expect(report.targetCount).toBe(0);
    expect(world.stored()?.inventory).not.toHaveProperty('taskDefinitions');
  });

  it('fails the batch when DescribeTaskDefinition fails, so SQS delivers it again; nothing is written', async () => {
    // Prepare
    const world = await start(dockerFleet(ONE), TEAR);
    await world.refresher.full();
    world.double.mutate(() => dockerFleet([...ONE, { id: 't2', ip: '10.0.0.6', taskDefinition: 'api:4' }]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.inject({
      operation: 'ecs:DescribeTaskDefinition',
      error: 'ThrottlingException',
      times: 'always',
    });
    world.double.s3.resetCalls();

    // Act
    const outcome = handlerOf(world)(batch);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
  });
});
