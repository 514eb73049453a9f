/**
 * The EC2 side of tasks on container instances (docs/decisions.md "Every task, every network (issue
 * 14)" and "EC2 labels (issue 15)"): task → container instance (ecs:DescribeContainerInstances, 100
 * per call) → EC2 instance (ec2:DescribeInstances, 1,000 per call).
 *
 * - The host address of bridge/host tasks: container instance → EC2 instance id → private IPv4/IPv6
 *   never changes for the life of an instance, so that table is kept across refreshes in the
 *   process cache for a day, one entry per cluster, rewritten each refresh with only the container
 *   instances that still run a task: an instance that left the cluster is dropped with its last task.
 * - `MetaLabels=full` also reads the container instances of awsvpc tasks on EC2, and labels every
 *   task on EC2 with its instance's type, addresses, subnet and tags (`Task.ec2Instance`), and every
 *   awsvpc task with its ENI's public IP (ec2:DescribeNetworkInterfaces, `Task.publicIp`). Type,
 *   public IPs and tags can change while an instance runs, so these two tables are kept like the
 *   other mutable top-level facts: at most `TOP_LEVEL_TTL_MS` (10 minutes), re-read every refresh
 *   without `CacheTopLevelResources`. Entries added to a table expire with it, so no fact is older
 *   than that bound.
 */

import {
  describeInstances,
  describeNetworkInterfacePublicIps,
  type InstanceAddresses,
  type InstanceRecord,
} from '../aws/ec2.ts';
import { describeContainerInstances, type TaskRecord } from '../aws/ecs.ts';
import { MetaLabels } from '../config/types.ts';
import { type Ec2Instance, HostUnknown, type TaskHost } from '../model/inventory.ts';
import { type CollectDeps, unique } from './collect-deps.ts';
import { IMMUTABLE_TTL_MS, TOP_LEVEL_TTL_MS, type TtlCache } from './ttl-cache.ts';

/** What is known of one container instance: its EC2 instance (none on ECS Anywhere) and addresses. */
type HostEntry = { readonly ec2InstanceId: string | undefined; readonly addresses: InstanceAddresses };
type HostTable = Readonly<Record<string, HostEntry>>;

const EXTERNAL = 'EXTERNAL';

/** A task that runs on a container instance without an ENI of its own (bridge or host). */
const needsHost = (task: TaskRecord): boolean =>
  task.containerInstanceArn !== undefined && task.networkMode !== 'awsvpc' && task.networkMode !== undefined;

/** A task on an EC2 container instance (any network mode; not ECS Anywhere). */
const onEc2 = (task: TaskRecord): boolean =>
  task.containerInstanceArn !== undefined && task.launchType !== EXTERNAL;

const hostOf = (task: TaskRecord, table: HostTable, enabled: boolean): TaskHost => {
  if (task.launchType === EXTERNAL) return { unknown: HostUnknown.External };
  if (!enabled) return { unknown: HostUnknown.Disabled };
  const entry = table[task.containerInstanceArn ?? ''];
  if (entry === undefined) return { unknown: HostUnknown.Missing };
  if (entry.ec2InstanceId === undefined) return { unknown: HostUnknown.External };
  return entry.addresses;
};

/**
 * A mutable-facts table (`MetaLabels=full`): what the cache holds (nothing without
 * `CacheTopLevelResources`), and how to store the next one without extending its expiry.
 */
const mutableTable = <T>(deps: CollectDeps, key: string) => {
  const caching = deps.config.cacheTopLevelResources;
  return {
    known: caching ? deps.cache.get<Readonly<Record<string, T>>>(key) : undefined,
    store: (cache: TtlCache, table: Readonly<Record<string, T>>) => {
      if (!caching) return;
      const left = cache.remainingMs(key);
      cache.set(key, table, left > 0 ? left : TOP_LEVEL_TTL_MS);
    },
  };
};

/** `ids` looked up in the fresh read, else the known table; with `partial`, the known rest too. */
const nextTable = <T>(
  ids: readonly string[],
  read: ReadonlyMap<string, T>,
  known: Readonly<Record<string, T>> | undefined,
  partial: boolean,
): Record<string, T> => {
  const table: Record<string, T> = partial ? { ...known } : {};
  for (const id of ids) {
    const value = read.get(id) ?? known?.[id];
    if (value !== undefined) table[id] = value;
  }
  return table;
};

/**
 * Fills `host` of the cluster's bridge/host tasks and, with `MetaLabels=full`, `ec2Instance` of its
 * tasks on EC2 and `publicIp` of its awsvpc tasks. Reads only what is not cached; nothing at all when
 * no such task runs or `Ec2HostAddresses=false`.
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
  const { ctx, clients, config, cache } = deps;
  const full = config.metaLabels === MetaLabels.Full;
  const hosted = tasks.filter(needsHost);
  const instanced = full ? tasks.filter(onEc2) : hosted.filter((t) => t.launchType !== EXTERNAL);
  const enis = full ? unique(tasks.flatMap((t) => (t.networkInterfaceId ? [t.networkInterfaceId] : []))) : [];
  if (hosted.length === 0 && instanced.length === 0 && enis.length === 0) return [...tasks];
  const ec2 = clients.ec2;
  if (!config.ec2HostAddresses || ec2 === undefined) {
    return tasks.map((task) => (needsHost(task) ? { ...task, host: hostOf(task, {}, false) } : task));
  }
  const key = `container-hosts:${clusterArn}`;
  const known = cache.get<HostTable>(key) ?? {};
  const wanted = unique(instanced.map((t) => t.containerInstanceArn ?? ''));
  const table: Record<string, HostEntry> = {};
  for (const arn of wanted) if (known[arn] !== undefined) table[arn] = known[arn];
  const unknownArns = wanted.filter((arn) => table[arn] === undefined);
  // EC2 instance id → its label facts; ENI id → its public IPv4 (`''` for none).
  const factsCache = mutableTable<Ec2Instance>(deps, `ec2-instances:${clusterArn}`);
  const ipsCache = mutableTable<string>(deps, `eni-public-ips:${clusterArn}`);
  const unknownEnis = enis.filter((id) => ipsCache.known?.[id] === undefined);
  const [described, publicIps] = await Promise.all([
    unknownArns.length === 0 ? [] : describeContainerInstances(ctx, clients.ecs, clusterArn, unknownArns),
    unknownEnis.length === 0
      ? new Map<string, string>()
      : describeNetworkInterfacePublicIps(ctx, ec2, unknownEnis),
  ]);
  const newIds = described.flatMap((c) => (c.ec2InstanceId ? [c.ec2InstanceId] : []));
  const instanceIds = unique([
    ...wanted.flatMap((arn) => {
      const id = table[arn]?.ec2InstanceId;
      return id === undefined ? [] : [id];
    }),
    ...newIds,
  ]);
  const staleIds = full ? instanceIds.filter((id) => factsCache.known?.[id] === undefined) : [];
  const toRead = unique([...newIds, ...staleIds]);
  const instances =
    toRead.length === 0 ? new Map<string, InstanceRecord>() : await describeInstances(ctx, ec2, toRead);
  for (const c of described) {
    if (c.ec2InstanceId === undefined) table[c.arn] = { ec2InstanceId: undefined, addresses: {} };
    else {
      const found = instances.get(c.ec2InstanceId);
      // Not returned by EC2: unknown this time, asked again next refresh.
      if (found !== undefined) table[c.arn] = { ec2InstanceId: c.ec2InstanceId, addresses: found.addresses };
    }
  }
  cache.set(key, partial ? { ...known, ...table } : table, IMMUTABLE_TTL_MS);
  if (!full) {
    return tasks.map((task) => (needsHost(task) ? { ...task, host: hostOf(task, table, true) } : task));
  }
  const facts = nextTable(
    instanceIds,
    new Map([...instances].map(([id, record]) => [id, record.facts])),
    factsCache.known,
    partial,
  );
  const ips = nextTable(enis, publicIps, ipsCache.known, partial);
  factsCache.store(cache, facts);
  ipsCache.store(cache, ips);
  return tasks.map((task) => {
    const instanceId = onEc2(task) ? table[task.containerInstanceArn ?? '']?.ec2InstanceId : undefined;
    const ec2Instance = instanceId === undefined ? undefined : facts[instanceId];
    const publicIp = task.networkInterfaceId === undefined ? undefined : ips[task.networkInterfaceId];
    return {
      ...task,
      ...(needsHost(task) ? { host: hostOf(task, table, true) } : {}),
      ...(ec2Instance === undefined ? {} : { ec2Instance }),
      ...(publicIp ? { publicIp } : {}),
    };
  });
};
