/**
 * The EC2 host address of bridge/host tasks (docs/decisions.md "Every task, every network (issue
 * 14)"): task → container instance (ecs:DescribeContainerInstances, 100 per call) → EC2 instance
 * (ec2:DescribeInstances, 1,000 per call) → private IPv4/IPv6. Both steps never change for the
 * life of an instance, so the mapping is kept across refreshes in the process cache, one entry per
 * cluster, and rewritten each refresh with only the container instances that still run a task:
 * an instance that left the cluster is dropped with its last task.
 */

import { describeInstanceAddresses, type InstanceAddresses } from '../aws/ec2.ts';
import { describeContainerInstances, type TaskRecord } from '../aws/ecs.ts';
import { HostUnknown, type TaskHost } from '../model/inventory.ts';
import { type CollectDeps, unique } from './collect-deps.ts';
import { IMMUTABLE_TTL_MS } from './ttl-cache.ts';

/** What is known of one container instance: its EC2 instance (none on ECS Anywhere) and addresses. */
type HostEntry = { readonly ec2InstanceId: string | undefined; readonly addresses: InstanceAddresses };
type HostTable = Readonly<Record<string, HostEntry>>;

const EXTERNAL = 'EXTERNAL';

/** A task that runs on a container instance without an ENI of its own (bridge or host). */
const needsHost = (task: TaskRecord): boolean =>
  task.containerInstanceArn !== undefined && task.networkMode !== 'awsvpc' && task.networkMode !== undefined;

const hostOf = (task: TaskRecord, table: HostTable, enabled: boolean): TaskHost => {
  if (task.launchType === EXTERNAL) return { unknown: HostUnknown.External };
  if (!enabled) return { unknown: HostUnknown.Disabled };
  const entry = table[task.containerInstanceArn ?? ''];
  if (entry === undefined) return { unknown: HostUnknown.Missing };
  if (entry.ec2InstanceId === undefined) return { unknown: HostUnknown.External };
  return entry.addresses;
};

/**
 * Fills `host` of the cluster's bridge/host tasks. Reads only container instances and EC2
 * instances not yet cached; nothing at all when no such task runs or `Ec2HostAddresses=false`.
 */
export const withHostAddresses = async (
  deps: CollectDeps,
  clusterArn: string,
  tasks: readonly TaskRecord[],
  /**
   * `true` for a partial read (the tasks of an event batch): the cached hosts of other tasks are
   * kept, not dropped as gone. @default false (a full refresh: only the hosts of `tasks` remain)
   */
  partial = false,
): Promise<TaskRecord[]> => {
  const hosted = tasks.filter(needsHost);
  if (hosted.length === 0) return [...tasks];
  const { ctx, clients, config, cache } = deps;
  const ec2 = clients.ec2;
  const enabled = config.ec2HostAddresses && ec2 !== undefined;
  const key = `container-hosts:${clusterArn}`;
  const known = cache.get<HostTable>(key) ?? {};
  const wanted = unique(
    hosted.filter((t) => t.launchType !== EXTERNAL).map((t) => t.containerInstanceArn ?? ''),
  );
  const table: Record<string, HostEntry> = {};
  if (enabled) {
    for (const arn of wanted) if (known[arn] !== undefined) table[arn] = known[arn];
    const unknownArns = wanted.filter((arn) => table[arn] === undefined);
    const described =
      unknownArns.length === 0
        ? []
        : await describeContainerInstances(ctx, clients.ecs, clusterArn, unknownArns);
    const instanceIds = unique(described.flatMap((c) => (c.ec2InstanceId ? [c.ec2InstanceId] : [])));
    const addresses =
      instanceIds.length === 0
        ? new Map<string, InstanceAddresses>()
        : await describeInstanceAddresses(ctx, ec2, instanceIds);
    for (const c of described) {
      if (c.ec2InstanceId === undefined) table[c.arn] = { ec2InstanceId: undefined, addresses: {} };
      else {
        const found = addresses.get(c.ec2InstanceId);
        // Not returned by EC2: unknown this time, asked again next refresh.
        if (found !== undefined) table[c.arn] = { ec2InstanceId: c.ec2InstanceId, addresses: found };
      }
    }
    cache.set(key, partial ? { ...known, ...table } : table, IMMUTABLE_TTL_MS);
  }
  return tasks.map((task) => (needsHost(task) ? { ...task, host: hostOf(task, table, enabled) } : task));
};
