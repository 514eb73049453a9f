/**
 * ECS task reads: carries out the plan of `task-listing-plan.ts` for each cluster and assembles the
 * snapshot's clusters (services ordered by name, tasks by ARN). Stand-alone tasks (no service) and
 * the EC2 hosts of bridge/host tasks are read by `cluster-tasks.ts`.
 */
import { describeTasks, listTaskArns, type ServiceRecord, type TaskRecord } from '../aws/ecs.ts';
import { DESCRIBE_TASKS_BATCH } from '../aws/limits.ts';
import type { Cluster, EcsService, Tag } from '../model/inventory.ts';
import { type ClusterTasks, readClusterTasks, toSnapshotTask } from './cluster-tasks.ts';
import { byString, type CollectDeps, started } from './collect-deps.ts';
import { planTaskListing, TaskListing } from './task-listing-plan.ts';

/** A cluster whose services are chosen, ready for its tasks to be read. */
export type ClusterPlan = {
  readonly arn: string;
  readonly name: string;
  /** Running + pending tasks of the cluster; `Infinity` when it was not described. */
  readonly taskCount: number;
  readonly services: readonly ServiceRecord[];
  /** Cluster tags when the cluster was described (not in namespaces mode). */
  readonly tags?: readonly Tag[];
};

/**
 * Reads the running tasks of the cluster's services (tasks listed cluster-wide are attributed by
 * their `group`, `service:<name>`); Describe batches are shared across the cluster's services.
 */
const readTasks = async (deps: CollectDeps, cluster: ClusterPlan): Promise<Map<string, TaskRecord[]>> => {
  const { ctx, clients } = deps;
  const byService = new Map<string, TaskRecord[]>(cluster.services.map((s) => [s.arn, []]));
  const plan = planTaskListing({ clusterTaskCount: cluster.taskCount, services: cluster.services });
  if (plan.strategy === TaskListing.None) return byService;

  if (plan.strategy === TaskListing.ClusterWide) {
    const arns = await listTaskArns(ctx, clients.ecs, cluster.arn);
    const byName = new Map(cluster.services.map((s) => [`service:${s.name}`, s.arn]));
    for (const task of await describeTasks(ctx, clients.ecs, cluster.arn, arns)) {
      const serviceArn = task.group === undefined ? undefined : byName.get(task.group);
      if (serviceArn) byService.get(serviceArn)?.push(task);
    }
    return byService;
  }

  const wanted = new Set(plan.listedServiceArns);
  const listed = cluster.services.filter((s) => wanted.has(s.arn));
  return readTasksPerService(deps, cluster.arn, [Promise.resolve(listed)]);
};

/**
 * Lists the tasks of each service, each chain starting as soon as its service is known (`parts`
 * arrive one Describe batch at a time), and describes them in batches shared by the cluster's
 * services: a batch is sent as soon as it is full, the rest once every list is in, so there are as
 * many DescribeTasks calls as for one list of every task (docs/decisions.md "Pipelined refresh
 * (issue 12)").
 */
const readTasksPerService = async (
  deps: CollectDeps,
  clusterArn: string,
  parts: readonly Promise<readonly ServiceRecord[]>[],
): Promise<Map<string, TaskRecord[]>> => {
  const { ctx, clients } = deps;
  const owner = new Map<string, string>(); // task ARN -> service ARN
  const batches: Promise<TaskRecord[]>[] = [];
  const waiting: string[] = [];
  const describe = (arns: string[]) =>
    batches.push(started(describeTasks(ctx, clients.ecs, clusterArn, arns)));
  const list = async (service: ServiceRecord) => {
    for (const arn of await listTaskArns(ctx, clients.ecs, clusterArn, service.name)) {
      if (!owner.has(arn)) waiting.push(arn);
      owner.set(arn, service.arn);
    }
    while (waiting.length >= DESCRIBE_TASKS_BATCH) describe(waiting.splice(0, DESCRIBE_TASKS_BATCH));
  };
  await Promise.all(parts.map(async (part) => Promise.all((await part).map(list))));
  if (waiting.length > 0) describe(waiting.splice(0));
  const byService = new Map<string, TaskRecord[]>();
  for (const task of (await Promise.all(batches)).flat()) {
    const serviceArn = owner.get(task.arn);
    if (serviceArn === undefined) continue;
    const tasks = byService.get(serviceArn) ?? [];
    tasks.push(task);
    byService.set(serviceArn, tasks);
  }
  return byService;
};

const assembleCluster = (
  cluster: { readonly arn: string; readonly name: string; readonly tags?: readonly Tag[] },
  services: readonly ServiceRecord[],
  { byService: tasks, standalone }: ClusterTasks,
  includeStandalone: boolean,
): Cluster => {
  const assembled = {
    arn: cluster.arn,
    name: cluster.name,
    services: [...services]
      .sort((a, b) => byString(a.name, b.name) || byString(a.arn, b.arn))
      .map(
        ({ taskCount: _count, serviceConnectNamespace: _ns, ...service }): EcsService => ({
          ...service,
          tasks: [...(tasks.get(service.arn) ?? [])]
            .sort((a, b) => byString(a.arn, b.arn))
            .map((task) => toSnapshotTask(task, false)),
        }),
      ),
    ...(cluster.tags ? { tags: cluster.tags } : {}),
  };
  if (!includeStandalone) return assembled;
  const standaloneTasks = [...standalone]
    .sort((a, b) => byString(a.arn, b.arn))
    .map((task) => toSnapshotTask(task, true));
  return { ...assembled, standaloneTasks };
};

/**
 * A cluster whose task count is unknown (namespaces mode), its services arriving in `parts` (one
 * per DescribeServices batch): every service with tasks is listed on its own whatever the others
 * hold, so a service's ListTasks starts as soon as its batch is described.
 */
export const readClusterInParts = async (
  deps: CollectDeps,
  cluster: { readonly arn: string; readonly name: string },
  parts: readonly Promise<readonly ServiceRecord[]>[],
): Promise<Cluster> => {
  const listed = parts.map(async (part) => {
    const services = await part;
    const plan = planTaskListing({ clusterTaskCount: Number.POSITIVE_INFINITY, services });
    const wanted = new Set(plan.listedServiceArns);
    return services.filter((s) => wanted.has(s.arn));
  });
  const [parted, tasks] = await Promise.all([
    Promise.all(parts),
    readTasksPerService(deps, cluster.arn, listed),
  ]);
  const services = parted.flat();
  // Stand-alone tasks are never read here (no namespace registers them); the hosts of bridge/host
  // tasks are, once the cluster's tasks are in.
  const read = await readClusterTasks(
    deps,
    { arn: cluster.arn, taskCount: Number.POSITIVE_INFINITY, services },
    async () => tasks,
  );
  return assembleCluster(cluster, services, read, deps.config.ecsIncludeStandaloneTasks);
};

/** A snapshot cluster: the cluster's services with their tasks, in a deterministic order. */
export const readCluster = async (deps: CollectDeps, cluster: ClusterPlan): Promise<Cluster> =>
  assembleCluster(
    cluster,
    cluster.services,
    await readClusterTasks(deps, cluster, () => readTasks(deps, cluster)),
    deps.config.ecsIncludeStandaloneTasks,
  );
