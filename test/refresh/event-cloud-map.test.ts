/**
 * Cloud Map labels of tasks an event batch adds (docs/decisions.md "One refresh per fleet
 * (issue 13)"): the batch re-reads the instances of the Cloud Map services that enrich the joining
 * tasks' services, each once, with the reconcile's reader, so the target carries its instance labels
 * from the first patch and the next full reconcile does not change them. Real SDK clients against
 * the AWS double.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRefreshHandler } from '../../lambda/refresh/invocation.ts';
import { RefreshOutcome } from '../../lambda/refresh/refresher.ts';
import type { FleetSpec, ServiceSpec, TaskSpec } from '../aws-double/index.ts';
import { toSqsEvent } from '../aws-double/index.ts';
import { BUCKET, KEY, type SnapshotWorld, startSnapshotWorld } from './support.ts';

const worlds: SnapshotWorld[] = [];
const start = async (...args: Parameters<typeof startSnapshotWorld>) => {
  const world = await startSnapshotWorld(...args);
  worlds.push(world);
  return world;
};
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

type Registration = Pick<ServiceSpec, 'serviceDiscovery' | 'serviceConnect'>;

const SERVICE_DISCOVERY: Registration = {
  serviceDiscovery: { namespace: 'corp.local', serviceName: 'api-sd' },
};
const SERVICE_CONNECT: Registration = { serviceConnect: { namespace: 'apps' } };

/** `api` (registered in Cloud Map as `registration` says) and `web` (no Cloud Map) in cluster `prod`. */
const fleet = (
  api: readonly TaskSpec[],
  web: readonly TaskSpec[] = [{ id: 'w1', ip: '10.0.1.1' }],
  registration: Registration = SERVICE_DISCOVERY,
): FleetSpec => ({
  clusters: [
    {
      name: 'prod',
      services: [
        { name: 'api', tags: { METRICS_PORT: '9090' }, tasks: api, ...registration },
        { name: 'web', tags: { METRICS_PORT: '8080' }, tasks: web },
      ],
    },
  ],
});

const A1 = { id: 'a1', ip: '10.0.0.5' } as const;
const A2 = { id: 'a2', ip: '10.0.0.6' } as const;
const A3 = { id: 'a3', ip: '10.0.0.7' } as const;

type Group = { targets: string[]; labels: Record<string, string> };
const groupsOf = (world: SnapshotWorld): Group[] => JSON.parse(String(world.stored()?.body)) as Group[];
/** `task target instance-id` per group, in body order. */
const instanceIds = (world: SnapshotWorld): string[] =>
  groupsOf(world).map(
    (g) =>
      `${g.labels._sys_ecs_task?.split('/').pop()} ${g.targets[0]} ${g.labels._sys_cloudmap_service_instance_id ?? '-'}`,
  );

const handlerOf = (world: SnapshotWorld) => createRefreshHandler(() => world.refresher, world.logger);

describe('event batches adding tasks to a Cloud Map-registered service', () => {
  it.each([
    ['Service Discovery', SERVICE_DISCOVERY],
    ['Service Connect', SERVICE_CONNECT],
  ])(
    'labels an added task with its %s instance in the same patch, byte-identical to the next full reconcile',
    async (_name, registration) => {
      // Prepare
      const world = await start(fleet([A1], undefined, registration));
      await world.refresher.full();
      world.double.mutate(() => fleet([A1, A2], undefined, registration));
      const batch = toSqsEvent(world.double.drainTaskEvents());
      world.double.resetCalls();
      world.clock.advanceSeconds(5);

      // Act
      const report = await handlerOf(world)(batch);
      const patched = world.stored();
      world.clock.advanceSeconds(5);
      await world.refresher.full();
      const reconciled = world.stored();

      // Assess
      expect(report).toMatchObject({ outcome: RefreshOutcome.Written, targetCount: 3 });
      expect(report.awsCalls).toEqual({ 'ecs:DescribeTasks': 1, 'servicediscovery:DiscoverInstances': 1 });
      expect(patched?.kind).toBe('events');
      expect(reconciled?.kind).toBe('full');
      expect(instanceIds(world)).toEqual([
        'a1 10.0.0.5:9090 a1',
        'a2 10.0.0.6:9090 a2',
        'w1 10.0.1.1:8080 -',
      ]);
      const added = groupsOf(world).find((g) => g.targets[0] === '10.0.0.6:9090');
      expect(added?.labels).toMatchObject({
        __meta_cloudmap_service_instance_id: 'a2',
        __meta_cloudmap_instance_id: 'a2',
      });
      expect(patched?.body).toBe(reconciled?.body);
      expect(patched?.etag).toBe(reconciled?.etag);
    },
  );

  it('makes no Cloud Map call when the batch adds tasks only to services without Cloud Map', async () => {
    // Prepare
    const world = await start(fleet([A1]));
    await world.refresher.full();
    world.double.mutate(() =>
      fleet(
        [A1],
        [
          { id: 'w1', ip: '10.0.1.1' },
          { id: 'w2', ip: '10.0.1.2' },
        ],
      ),
    );
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report).toMatchObject({ outcome: RefreshOutcome.Written, targetCount: 3 });
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1 });
    expect(report.awsCalls).toEqual({ 'ecs:DescribeTasks': 1 });
    expect(instanceIds(world)).toEqual(['a1 10.0.0.5:9090 a1', 'w1 10.0.1.1:8080 -', 'w2 10.0.1.2:8080 -']);
  });

  it('makes no Cloud Map call for a batch that only stops a task of a Cloud Map service', async () => {
    // Prepare
    const world = await start(fleet([A1, A2]));
    await world.refresher.full();
    world.double.mutate(() => fleet([A1]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(report.outcome).toBe(RefreshOutcome.Written);
    expect(world.double.totalCalls()).toBe(0);
    expect(instanceIds(world)).toEqual(['a1 10.0.0.5:9090 a1', 'w1 10.0.1.1:8080 -']);
  });

  it('reads the instances of one Cloud Map service once for two tasks added to it', async () => {
    // Prepare
    const world = await start(fleet([A1]));
    await world.refresher.full();
    world.double.mutate(() =>
      fleet(
        [A1, A2, A3],
        [
          { id: 'w1', ip: '10.0.1.1' },
          { id: 'w2', ip: '10.0.1.2' },
        ],
      ),
    );
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    const report = await handlerOf(world)(batch);

    // Assess
    expect(batch.Records).toHaveLength(3);
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1, 'servicediscovery:DiscoverInstances': 1 });
    expect(report.awsCalls).toEqual({ 'ecs:DescribeTasks': 1, 'servicediscovery:DiscoverInstances': 1 });
    expect(instanceIds(world)).toEqual([
      'a1 10.0.0.5:9090 a1',
      'a2 10.0.0.6:9090 a2',
      'a3 10.0.0.7:9090 a3',
      'w1 10.0.1.1:8080 -',
      'w2 10.0.1.2:8080 -',
    ]);
  });

  it('reads with ListInstances from a snapshot written before namespaces kept their HttpName', async () => {
    // Prepare: the stored inventory loses `httpName`, as a snapshot of the previous release has none.
    const world = await start(fleet([A1]));
    await world.refresher.full();
    const stored = world.stored() as { inventory: { namespaces: { httpName?: string }[] } };
    expect(stored.inventory.namespaces.map((n) => n.httpName)).toEqual(['corp.local']);
    for (const namespace of stored.inventory.namespaces) delete namespace.httpName;
    const object = world.double.s3.object(BUCKET, KEY);
    await world.store.write(JSON.stringify(stored), { etag: String(object?.etag) });
    world.double.mutate(() => fleet([A1, A2]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.resetCalls();

    // Act
    await handlerOf(world)(batch);

    // Assess
    expect(world.double.calls()).toEqual({ 'ecs:DescribeTasks': 1, 'servicediscovery:ListInstances': 1 });
    expect(instanceIds(world)).toEqual(['a1 10.0.0.5:9090 a1', 'a2 10.0.0.6:9090 a2', 'w1 10.0.1.1:8080 -']);
  });

  it('fails the batch when the instance read fails, so SQS delivers it again; nothing is written', async () => {
    // Prepare
    const world = await start(fleet([A1]));
    await world.refresher.full();
    world.double.mutate(() => fleet([A1, A2]));
    const batch = toSqsEvent(world.double.drainTaskEvents());
    world.double.inject({
      operation: 'servicediscovery:DiscoverInstances',
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
