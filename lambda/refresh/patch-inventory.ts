/**
 * Applies re-read tasks to a stored inventory (pure). A task joins a service the inventory already
 * holds; a task of a service the inventory does not hold is ignored until the next full reconcile
 * (decisions.md, "One refresh per fleet (issue 13)"). A stand-alone task (its `group` is not
 * `service:…`) joins its cluster's stand-alone tasks when the inventory holds them
 * (`EcsIncludeStandaloneTasks`). The task definitions the refresher read for the joining tasks
 * (`DockerLabels`) are added, so their docker-label targets appear in the same patch, and so are the
 * Cloud Map instances it re-read for them, so their instance labels do too.
 */
import type { TaskRecord } from '../aws/ecs.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { toSnapshotTask } from '../inventory/cluster-tasks.ts';
import type { CloudMapInstance, InventorySnapshot, Task, TaskDefinition } from '../model/inventory.ts';
import { cloudMapEnrichment, type Enrichment } from '../targets/index.ts';
import type { TaskChange } from './task-events.ts';

const byArn = (a: { readonly arn: string }, b: { readonly arn: string }) =>
  a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;

const serviceKey = (clusterArn: string, group: string) => `${clusterArn}|${group}`;

const isServiceGroup = (group: string) => group.startsWith('service:');

/** Whether a change can affect the inventory: its task is held, or its service is. */
export const relevantTo = (inventory: InventorySnapshot) => {
  const held = new Set<string>();
  const services = new Set<string>();
  const standalone = new Set<string>();
  for (const cluster of inventory.clusters) {
    if (cluster.standaloneTasks !== undefined) standalone.add(cluster.arn);
    for (const task of cluster.standaloneTasks ?? []) held.add(task.arn);
    for (const service of cluster.services) {
      services.add(serviceKey(cluster.arn, `service:${service.name}`));
      for (const task of service.tasks) held.add(task.arn);
    }
  }
  return (change: TaskChange): boolean =>
    held.has(change.taskArn) ||
    (change.group !== undefined &&
      (isServiceGroup(change.group)
        ? services.has(serviceKey(change.clusterArn, change.group))
        : standalone.has(change.clusterArn)));
};

/** Whether a re-read task joins the inventory: ECS wants it running and its service (or cluster) is held. */
const joinsInventory = (inventory: InventorySnapshot) => {
  const services = new Set<string>();
  const standalone = new Set<string>();
  for (const cluster of inventory.clusters) {
    if (cluster.standaloneTasks !== undefined) standalone.add(cluster.arn);
    for (const service of cluster.services) services.add(serviceKey(cluster.arn, `service:${service.name}`));
  }
  return (clusterArn: string, record: TaskRecord): boolean =>
    record.group !== undefined &&
    record.desiredStatus === 'RUNNING' &&
    (isServiceGroup(record.group)
      ? services.has(serviceKey(clusterArn, record.group))
      : standalone.has(clusterArn));
};

/**
 * Task-definition ARNs of the re-read tasks of `clusterArn` that will join the inventory and whose
 * definition it does not hold, sorted, each once: what an event batch must read with
 * `DockerLabels` (docs/decisions.md "One refresh per fleet (issue 13)").
 */
export const missingTaskDefinitionArns = (
  inventory: InventorySnapshot,
  clusterArn: string,
  records: readonly TaskRecord[],
): string[] => {
  const known = new Set((inventory.taskDefinitions ?? []).map((definition) => definition.arn));
  const joins = joinsInventory(inventory);
  const arns = records
    .filter((record) => joins(clusterArn, record))
    .map((record) => record.taskDefinitionArn)
    .filter((arn) => arn !== '' && !known.has(arn));
  return [...new Set(arns)].sort();
};

/** A re-read task of a cluster, as the refresher passes them. */
export type DescribedTask = TaskRecord & { readonly clusterArn: string };

/** A Cloud Map service whose instances an event batch re-reads, with the cluster whose task asked. */
export type InstanceRead = Enrichment & { readonly clusterArn: string };

/**
 * The Cloud Map services enriching the services that re-read RUNNING tasks join, each once, by
 * ARN: the services whose instances an event batch re-reads, so a joining task's instance labels
 * come with its patch (docs/decisions.md "One refresh per fleet (issue 13)"). The match is the
 * target builder's, over the held inventory; none when no such task is in an enriched service.
 */
export const cloudMapInstanceReads = (
  inventory: InventorySnapshot,
  config: DiscoveryConfig,
  described: readonly DescribedTask[],
): InstanceRead[] => instanceReadPlanner(inventory, config)(described);

/**
 * `cloudMapInstanceReads` over one inventory, built once per batch and asked per cluster as its
 * tasks are described (the match structures are made once, not per cluster).
 */
export const instanceReadPlanner = (inventory: InventorySnapshot, config: DiscoveryConfig) => {
  const joins = joinsInventory(inventory);
  const enrichmentOf = cloudMapEnrichment(inventory, config);
  return (described: readonly DescribedTask[]): InstanceRead[] => {
    const reads = new Map<string, InstanceRead>();
    for (const { clusterArn, ...record } of described) {
      if (!joins(clusterArn, record) || record.lastStatus !== 'RUNNING') continue;
      const group = record.group ?? '';
      if (!isServiceGroup(group)) continue;
      const cluster = inventory.clusters.find((c) => c.arn === clusterArn);
      const service = cluster?.services.find((s) => `service:${s.name}` === group);
      if (cluster === undefined || service === undefined) continue;
      const enrichment = enrichmentOf(cluster, service);
      if (enrichment !== undefined && !reads.has(enrichment.service.arn)) {
        reads.set(enrichment.service.arn, { ...enrichment, clusterArn });
      }
    }
    return [...reads.values()].sort((a, b) =>
      a.service.arn < b.service.arn ? -1 : a.service.arn > b.service.arn ? 1 : 0,
    );
  };
};

/** The inventory with the instances of the Cloud Map services in `instances` (by ARN) replaced. */
const withInstances = (
  inventory: InventorySnapshot,
  instances: ReadonlyMap<string, readonly CloudMapInstance[]>,
): InventorySnapshot => {
  if (instances.size === 0) return inventory;
  return {
    ...inventory,
    namespaces: inventory.namespaces.map((namespace) =>
      namespace.services.some((service) => instances.has(service.arn))
        ? {
            ...namespace,
            services: namespace.services.map((service) => {
              const fresh = instances.get(service.arn);
              return fresh === undefined ? service : { ...service, instances: fresh };
            }),
          }
        : namespace,
    ),
  };
};

const heldTaskDefinitionArns = (inventory: InventorySnapshot): Set<string> =>
  new Set(
    inventory.clusters.flatMap((cluster) => [
      ...cluster.services.flatMap((service) => service.tasks.map((task) => task.taskDefinitionArn)),
      ...(cluster.standaloneTasks ?? []).map((task) => task.taskDefinitionArn),
    ]),
  );

/**
 * The held definitions, then the `added` ones not held yet, kept only while a task of the inventory
 * uses them (as a full reconcile would hold them). Absent stays absent when nothing is added.
 */
const withAddedDefinitions = (
  inventory: InventorySnapshot,
  added: readonly TaskDefinition[],
): InventorySnapshot => {
  if (inventory.taskDefinitions === undefined && added.length === 0) return inventory;
  const held = inventory.taskDefinitions ?? [];
  const known = new Set(held.map((definition) => definition.arn));
  const used = heldTaskDefinitionArns(inventory);
  // Each ARN once: two clusters of one batch may bring the same revision.
  const fresh = added.filter((definition) => !known.has(definition.arn) && known.add(definition.arn));
  // Sorted by ARN, as a reconcile stores them, so a patched inventory equals the next reconcile's.
  const taskDefinitions = [...held, ...fresh].filter((definition) => used.has(definition.arn)).sort(byArn);
  return { ...inventory, taskDefinitions };
};

/**
 * The inventory with every `changed` task removed, then the `described` ones put back into the
 * service named by their `group` when ECS still wants them running (the collector lists tasks
 * with desiredStatus RUNNING; the target builder decides on lastStatus), with `definitions` (the
 * task definitions read for them) among its task definitions and `instances` (the instances
 * re-read for them, by Cloud Map service ARN) in place of the held ones of those services.
 */
export const patchInventory = (
  inventory: InventorySnapshot,
  changed: readonly TaskChange[],
  described: readonly DescribedTask[],
  definitions: readonly TaskDefinition[] = [],
  instances: ReadonlyMap<string, readonly CloudMapInstance[]> = new Map(),
): InventorySnapshot => {
  const removed = new Set(changed.map((change) => change.taskArn));
  const joining = new Map<string, Task[]>();
  const joiningStandalone = new Map<string, Task[]>();
  for (const { clusterArn, ...record } of described) {
    const { group } = record;
    if (group === undefined || record.desiredStatus !== 'RUNNING') continue;
    if (!isServiceGroup(group)) {
      const joined = joiningStandalone.get(clusterArn) ?? [];
      joiningStandalone.set(clusterArn, [...joined, toSnapshotTask(record, true)]);
      continue;
    }
    const key = serviceKey(clusterArn, group);
    joining.set(key, [...(joining.get(key) ?? []), toSnapshotTask(record, false)]);
  }
  const patched: InventorySnapshot = {
    ...inventory,
    clusters: inventory.clusters.map((cluster) => ({
      ...cluster,
      ...(cluster.standaloneTasks === undefined
        ? {}
        : {
            standaloneTasks: [
              ...cluster.standaloneTasks.filter((task) => !removed.has(task.arn)),
              ...(joiningStandalone.get(cluster.arn) ?? []),
            ].sort(byArn),
          }),
      services: cluster.services.map((service) => {
        const joined = joining.get(serviceKey(cluster.arn, `service:${service.name}`)) ?? [];
        const kept = service.tasks.filter((task) => !removed.has(task.arn));
        if (joined.length === 0 && kept.length === service.tasks.length) return service;
        return { ...service, tasks: [...kept, ...joined].sort(byArn) };
      }),
    })),
  };
  return withInstances(withAddedDefinitions(patched, definitions), instances);
};

/** Versions of the tasks still held plus the ones just changed; the rest are forgotten. */
export const nextTaskVersions = (
  inventory: InventorySnapshot,
  previous: Readonly<Record<string, number>>,
  changed: readonly TaskChange[] = [],
): Record<string, number> => {
  const versions: Record<string, number> = {};
  for (const cluster of inventory.clusters) {
    const tasks = [
      ...cluster.services.flatMap((service) => service.tasks),
      ...(cluster.standaloneTasks ?? []),
    ];
    for (const task of tasks) {
      const version = previous[task.arn];
      if (version !== undefined) versions[task.arn] = version;
    }
  }
  for (const change of changed) versions[change.taskArn] = change.version;
  return Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};
