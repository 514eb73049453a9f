/**
 * ECS task reads: carries out the plan of `task-listing-plan.ts` for each cluster and assembles the
 * snapshot's clusters (services ordered by name, tasks by ARN). Stand-alone tasks (no service) would
 * be read here, with a strategy of their own in the planner.
 */
import { describeTasks, listTaskArns, type ServiceRecord, type TaskRecord } from '../aws/ecs.ts';
import type { Cluster, EcsService, Tag } from '../model/inventory.ts';
import { byString, type CollectDeps } from './collect-deps.ts';
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
  const lists = await Promise.all(listed.map((s) => listTaskArns(ctx, clients.ecs, cluster.arn, s.name)));
  const owner = new Map<string, string>();
  listed.forEach((s, i) => {
    for (const arn of lists[i] ?? []) owner.set(arn, s.arn);
  });
  const described = await describeTasks(ctx, clients.ecs, cluster.arn, [...owner.keys()]);
  for (const task of described) byService.get(owner.get(task.arn) ?? '')?.push(task);
  return byService;
};

/** The snapshot's clusters: each cluster's services with their tasks, in a deterministic order. */
export const readClusters = (deps: CollectDeps, clusters: readonly ClusterPlan[]): Promise<Cluster[]> =>
  Promise.all(
    clusters.map(async (cluster): Promise<Cluster> => {
      const tasks = await readTasks(deps, cluster);
      const services = [...cluster.services]
        .sort((a, b) => byString(a.name, b.name) || byString(a.arn, b.arn))
        .map(
          ({ taskCount: _count, serviceConnectNamespace: _ns, ...service }): EcsService => ({
            ...service,
            tasks: [...(tasks.get(service.arn) ?? [])]
              .sort((a, b) => byString(a.arn, b.arn))
              .map(({ group: _group, ...task }) => task),
          }),
        );
      return {
        arn: cluster.arn,
        name: cluster.name,
        services,
        ...(cluster.tags ? { tags: cluster.tags } : {}),
      };
    }),
  );
