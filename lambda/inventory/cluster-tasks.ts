/**
 * Which tasks of a cluster are read, around the service task listing of `ecs-tasks.ts`:
 * stand-alone tasks (`EcsIncludeStandaloneTasks`: running tasks whose `group` is not
 * `service:<name>`, e.g. RunTask, AWS Batch, scheduled tasks) and the EC2 host of bridge/host tasks.
 * Stand-alone tasks are only found by listing the whole cluster, so with the option every cluster
 * is listed cluster-wide, once, and that one listing also serves its services' tasks.
 */
import { describeTasks, listTaskArns, type ServiceRecord, type TaskRecord } from '../aws/ecs.ts';
import { DiscoveryMode } from '../config/types.ts';
import type { Task } from '../model/inventory.ts';
import type { CollectDeps } from './collect-deps.ts';
import { withHostAddresses } from './host-addresses.ts';

const SERVICE_GROUP_PREFIX = 'service:';

export type ClusterTasks = {
  /** Tasks by service ARN (every service of the plan has an entry). */
  readonly byService: Map<string, TaskRecord[]>;
  /** Running tasks of no service; empty without `EcsIncludeStandaloneTasks`. */
  readonly standalone: readonly TaskRecord[];
};

type ClusterRef = {
  readonly arn: string;
  /** Running + pending tasks; `Infinity` when unknown. */
  readonly taskCount: number;
  readonly services: readonly ServiceRecord[];
};

/**
 * Stand-alone tasks are read for configured clusters only: in namespaces mode the clusters are
 * those of registered services, and a stand-alone task is registered in no namespace.
 */
const includesStandalone = (deps: CollectDeps): boolean =>
  deps.config.ecsIncludeStandaloneTasks && deps.config.mode !== DiscoveryMode.Namespaces;

const readWithStandalone = async (deps: CollectDeps, cluster: ClusterRef): Promise<ClusterTasks> => {
  const { ctx, clients } = deps;
  const byService = new Map<string, TaskRecord[]>(cluster.services.map((s) => [s.arn, []]));
  const byName = new Map(cluster.services.map((s) => [`${SERVICE_GROUP_PREFIX}${s.name}`, s.arn]));
  const standalone: TaskRecord[] = [];
  if (cluster.taskCount === 0) return { byService, standalone };
  const arns = await listTaskArns(ctx, clients.ecs, cluster.arn);
  for (const task of await describeTasks(ctx, clients.ecs, cluster.arn, arns)) {
    const group = task.group ?? '';
    if (!group.startsWith(SERVICE_GROUP_PREFIX)) standalone.push(task);
    else {
      const serviceArn = byName.get(group);
      if (serviceArn) byService.get(serviceArn)?.push(task);
    }
  }
  return { byService, standalone };
};

/**
 * The cluster's tasks: its services' (read by `readServiceTasks`, the cost planner's way) or,
 * with stand-alone tasks, one cluster-wide listing; then the host of bridge/host tasks.
 */
export const readClusterTasks = async (
  deps: CollectDeps,
  cluster: ClusterRef,
  readServiceTasks: () => Promise<Map<string, TaskRecord[]>>,
): Promise<ClusterTasks> => {
  const read = includesStandalone(deps)
    ? await readWithStandalone(deps, cluster)
    : { byService: await readServiceTasks(), standalone: [] };
  const all = [...[...read.byService.values()].flat(), ...read.standalone];
  const hosted = new Map((await withHostAddresses(deps, cluster.arn, all)).map((t) => [t.arn, t]));
  const withHost = (tasks: readonly TaskRecord[]) => tasks.map((t) => hosted.get(t.arn) ?? t);
  return {
    byService: new Map([...read.byService].map(([arn, tasks]) => [arn, withHost(tasks)])),
    standalone: withHost(read.standalone),
  };
};

/**
 * The snapshot's view of a task record: `group` and `startedBy` only for stand-alone tasks; the
 * ENI id only served to read its public IP.
 */
export const toSnapshotTask = (record: TaskRecord, standalone: boolean): Task => {
  const { group, startedBy, networkInterfaceId: _eni, ...task } = record;
  return standalone ? { ...task, group: group ?? '', startedBy: startedBy ?? '' } : task;
};
