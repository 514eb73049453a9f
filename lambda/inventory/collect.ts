/**
 * Runs one refresh against ECS and Cloud Map and returns a complete inventory snapshot, or rejects.
 * The three modes of DECISIONS.md:
 * - clusters only: services of the clusters; the namespaces they use are read for enrichment;
 * - namespaces only: services registered in the namespaces, in whatever cluster they run;
 * - both: services of the clusters that are registered in the namespaces.
 * Every read is counted and bounded by the call context; nothing is read twice in one refresh.
 */
import type { CallContext } from '../aws/call-context.ts';
import type { AwsClients } from '../aws/clients.ts';
import {
  type CloudMapServiceRecord,
  getServiceNamespaceId,
  listNamespaces,
  listServices,
  listTags,
  type NamespaceRecord,
  readInstances,
} from '../aws/cloudmap.ts';
import {
  type ClusterRecord,
  describeClusters,
  describeServices,
  describeTasks,
  listServiceArns,
  listServiceArnsByNamespace,
  listTaskArns,
  type ServiceRecord,
  type TaskRecord,
} from '../aws/ecs.ts';
import { ECS_LIST_PAGE } from '../aws/limits.ts';
import { matchesSelectors } from '../config/selectors.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { arnResourceName, isRegisteredIn } from './match.ts';
import { IMMUTABLE_TTL_MS, TOP_LEVEL_TTL_MS, type TtlCache } from './ttl-cache.ts';
import {
  type CloudMapService,
  CloudMapServiceType,
  type Cluster,
  type EcsService,
  type InventorySnapshot,
  type Namespace,
  type Tag,
} from './types.ts';

export type CollectDeps = {
  readonly ctx: CallContext;
  readonly clients: AwsClients;
  readonly config: DiscoveryConfig;
  /** Process-wide cache of top-level resources; used only when `config.cacheTopLevelResources`. */
  readonly cache: TtlCache;
};

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const unique = <T>(items: Iterable<T>) => [...new Set(items)];

/**
 * Reads through the top-level cache when enabled. An empty cluster or namespace list is stored but
 * never served (original §4.6: a missing resource may appear any moment); empty tag lists are served.
 */
const cached = async <T>(
  deps: CollectDeps,
  key: string,
  read: () => Promise<T>,
  serveEmpty = false,
): Promise<T> => {
  if (!deps.config.cacheTopLevelResources) return read();
  const hit = deps.cache.get<T>(key);
  if (hit !== undefined && (serveEmpty || !(Array.isArray(hit) && hit.length === 0))) return hit;
  const value = await read();
  deps.cache.set(key, value, TOP_LEVEL_TTL_MS);
  return value;
};

// ---------------------------------------------------------------- ECS side

/** Configured clusters, each once even when given by name and by ARN, in configuration order. */
const readConfiguredClusters = async (deps: CollectDeps): Promise<ClusterRecord[]> => {
  const { ctx, clients, config } = deps;
  const records = await cached(deps, `clusters:${config.ecsClusters.join('|')}`, () =>
    describeClusters(ctx, clients.ecs, config.ecsClusters),
  );
  const seen = new Set<string>();
  return records.filter((c) => !seen.has(c.arn) && seen.add(c.arn));
};

const selectByTags = (deps: CollectDeps, services: readonly ServiceRecord[]) =>
  services.filter((s) => matchesSelectors(s.tags, deps.config.ecsServiceSelectorTags));

const readClusterServices = async (deps: CollectDeps, cluster: ClusterRecord): Promise<ServiceRecord[]> => {
  const arns = await listServiceArns(deps.ctx, deps.clients.ecs, cluster.arn);
  return selectByTags(deps, await describeServices(deps.ctx, deps.clients.ecs, cluster.arn, arns));
};

/** `arn:aws:ecs:r:a:service/c/s` → `arn:aws:ecs:r:a:cluster/c` (new-format service ARNs). */
const clusterArnOfService = (serviceArn: string): string => {
  const [prefix, path = ''] = serviceArn.split(':service/');
  return `${prefix}:cluster/${path.split('/')[0]}`;
};

/** `arn:aws:servicediscovery:r:a:namespace/ns-x` → `arn:aws:ecs:r:a:cluster/<name>`. */
const clusterArnFromNamespace = (namespaceArn: string, clusterName: string): string => {
  const [partition, , region, account] = namespaceArn.split(':').slice(1);
  return `arn:${partition}:ecs:${region}:${account}:cluster/${clusterName}`;
};

/**
 * Namespaces mode: the ECS services registered in the namespaces, found without listing whole
 * clusters: Service Connect services by `ListServicesByNamespace`, Service Discovery services by the
 * `ECS_CLUSTER_NAME`/`ECS_SERVICE_NAME` attributes ECS writes on their instances.
 */
const readRegisteredServices = async (
  deps: CollectDeps,
  namespaces: readonly Namespace[],
): Promise<Map<string, ServiceRecord[]>> => {
  const wanted = new Map<string, Set<string>>(); // cluster ARN -> service names
  const want = (clusterArn: string, serviceName: string) => {
    const names = wanted.get(clusterArn) ?? new Set<string>();
    names.add(serviceName);
    wanted.set(clusterArn, names);
  };
  const byNamespace = await Promise.all(
    namespaces.map((ns) => listServiceArnsByNamespace(deps.ctx, deps.clients.ecs, ns.arn)),
  );
  for (const arn of byNamespace.flat()) want(clusterArnOfService(arn), arnResourceName(arn));
  for (const ns of namespaces) {
    for (const service of ns.services) {
      for (const instance of service.instances) {
        const cluster = instance.attributes.ECS_CLUSTER_NAME;
        const name = instance.attributes.ECS_SERVICE_NAME;
        if (cluster && name) want(clusterArnFromNamespace(ns.arn, cluster), name);
      }
    }
  }
  const clusterArns = [...wanted.keys()].sort(byString);
  const described = await Promise.all(
    clusterArns.map(async (arn) =>
      selectByTags(
        deps,
        await describeServices(deps.ctx, deps.clients.ecs, arn, [...(wanted.get(arn) ?? [])].sort(byString)),
      ),
    ),
  );
  return new Map(clusterArns.map((arn, i) => [arn, described[i] ?? []]));
};

type TaskPlan = {
  readonly clusterArn: string;
  readonly services: readonly ServiceRecord[];
  readonly clusterTaskCount: number;
};

const pages = (count: number) => (count === 0 ? 0 : Math.max(1, Math.ceil(count / ECS_LIST_PAGE)));

/**
 * Reads the running tasks of `services` (all in one cluster). Lists per service, or once for the whole
 * cluster (tasks attributed by their `group`, `service:<name>`), whichever needs fewer calls by the
 * task counts ECS reported; Describe batches are shared across the cluster's services.
 */
const readTasks = async (deps: CollectDeps, plan: TaskPlan): Promise<Map<string, TaskRecord[]>> => {
  const { ctx, clients } = deps;
  const listed = plan.services.filter((s) => s.taskCount > 0);
  const perServiceTasks = listed.reduce((n, s) => n + s.taskCount, 0);
  const perServiceCalls = listed.reduce((n, s) => n + pages(s.taskCount), 0) + pages(perServiceTasks);
  const clusterWideCalls = 2 * Math.max(1, pages(plan.clusterTaskCount));
  const byService = new Map<string, TaskRecord[]>(plan.services.map((s) => [s.arn, []]));
  if (listed.length === 0) return byService;

  if (Number.isFinite(plan.clusterTaskCount) && clusterWideCalls < perServiceCalls) {
    const arns = await listTaskArns(ctx, clients.ecs, plan.clusterArn);
    const byName = new Map(plan.services.map((s) => [`service:${s.name}`, s.arn]));
    for (const task of await describeTasks(ctx, clients.ecs, plan.clusterArn, arns)) {
      const serviceArn = task.group === undefined ? undefined : byName.get(task.group);
      if (serviceArn) byService.get(serviceArn)?.push(task);
    }
    return byService;
  }

  const lists = await Promise.all(listed.map((s) => listTaskArns(ctx, clients.ecs, plan.clusterArn, s.name)));
  const owner = new Map<string, string>();
  listed.forEach((s, i) => {
    for (const arn of lists[i] ?? []) owner.set(arn, s.arn);
  });
  const described = await describeTasks(ctx, clients.ecs, plan.clusterArn, [...owner.keys()]);
  for (const task of described) byService.get(owner.get(task.arn) ?? '')?.push(task);
  return byService;
};

// ---------------------------------------------------------------- Cloud Map side

const namespaceIdOf = (ref: string): string => (ref.startsWith('arn:') ? arnResourceName(ref) : ref);

/** Resolves namespace references (names, ids or ARNs) against the account's namespaces. */
const resolveNamespaces = (
  deps: CollectDeps,
  all: readonly NamespaceRecord[],
  refs: readonly string[],
  configured: boolean,
): NamespaceRecord[] => {
  const found: NamespaceRecord[] = [];
  for (const ref of refs) {
    const id = namespaceIdOf(ref);
    const matches = all.filter((n) => n.id === id || n.name === ref);
    if (matches.length === 0 && configured) {
      deps.ctx.warn('Configured Cloud Map namespace not found', { namespace: ref });
    }
    found.push(...matches);
  }
  const seen = new Set<string>();
  return found.filter((n) => !seen.has(n.id) && seen.add(n.id));
};

/** SD registrations ECS writes are tagged by description; Service Connect ones by description or tag. */
const classify = (record: CloudMapServiceRecord, tags: readonly Tag[]): CloudMapServiceType => {
  const description = record.description.toLowerCase();
  const managedByEcs = ['arn:', ':ecs:', ':service'].every((part) => description.includes(part));
  const taggedManaged = tags.some((t) => t.key === 'AmazonECSManaged' && t.value === 'true');
  return managedByEcs || taggedManaged
    ? CloudMapServiceType.ServiceConnect
    : CloudMapServiceType.ServiceDiscovery;
};

const readTags = (deps: CollectDeps, arn: string) =>
  cached(deps, `tags:${arn}`, () => listTags(deps.ctx, deps.clients.cloudMap, arn), true);

const readCloudMapService = async (
  deps: CollectDeps,
  record: CloudMapServiceRecord,
): Promise<CloudMapService> => {
  const [tags, instances] = await Promise.all([
    readTags(deps, record.arn),
    record.instanceCount > 0 ? readInstances(deps.ctx, deps.clients.cloudMap, record) : Promise.resolve([]),
  ]);
  return {
    id: record.id,
    arn: record.arn,
    name: record.name,
    namespaceId: record.namespaceId,
    type: classify(record, tags),
    tags,
    selected: matchesSelectors(tags, deps.config.cloudMapServiceSelectorTags),
    instances: [...instances].sort((a, b) => byString(a.id, b.id)),
  };
};

const readNamespace = async (
  deps: CollectDeps,
  ns: NamespaceRecord,
  records: readonly CloudMapServiceRecord[],
): Promise<Namespace> => {
  const [tags, services] = await Promise.all([
    readTags(deps, ns.arn),
    Promise.all(records.map((r) => readCloudMapService(deps, r))),
  ]);
  const ordered = services.sort((a, b) => byString(a.name, b.name) || byString(a.id, b.id));
  return { id: ns.id, arn: ns.arn, name: ns.name, tags, services: ordered };
};

/**
 * The namespace of a Cloud Map service never changes, so it is read once per process (whatever
 * `CacheTopLevelResources` says) and only forgotten with the rest of the cache after a failure.
 */
const readServiceNamespaceId = async (deps: CollectDeps, serviceArn: string): Promise<string | undefined> => {
  const key = `service-namespace:${serviceArn}`;
  const hit = deps.cache.get<string>(key);
  if (hit !== undefined) return hit;
  const id = await getServiceNamespaceId(deps.ctx, deps.clients.cloudMap, arnResourceName(serviceArn));
  if (id !== undefined) deps.cache.set(key, id, IMMUTABLE_TTL_MS);
  return id;
};

/**
 * Reads namespaces and everything in them. `registryArns` are Cloud Map services that ECS services
 * name in `serviceRegistries`; a namespace holding one that is not yet read is found with GetService.
 */
const readNamespaces = async (
  deps: CollectDeps,
  refs: readonly string[],
  configured: boolean,
  registryArns: readonly string[] = [],
): Promise<Namespace[]> => {
  const { ctx, clients } = deps;
  const needsLookup = refs.length > 0 || registryArns.length > 0;
  const all = needsLookup
    ? await cached(deps, 'namespaces', () => listNamespaces(ctx, clients.cloudMap))
    : [];
  const namespaces = resolveNamespaces(deps, all, refs, configured);
  const services = new Map<string, CloudMapServiceRecord[]>();
  const listNamespace = async (ns: NamespaceRecord) => {
    services.set(ns.id, await listServices(ctx, clients.cloudMap, ns));
  };
  await Promise.all(namespaces.map(listNamespace));

  const known = new Set([...services.values()].flat().map((s) => s.arn));
  const missing = unique(registryArns.filter((arn) => !known.has(arn)));
  const extraIds = await Promise.all(missing.map((arn) => readServiceNamespaceId(deps, arn)));
  const extra = resolveNamespaces(
    deps,
    all,
    unique(extraIds.filter((id): id is string => id !== undefined && !services.has(id))),
    false,
  );
  await Promise.all(extra.map(listNamespace));

  const ordered = [...namespaces, ...extra.sort((a, b) => byString(a.id, b.id))];
  return Promise.all(ordered.map((ns) => readNamespace(deps, ns, services.get(ns.id) ?? [])));
};

// ---------------------------------------------------------------- assembly

const clusterNameOf = (arn: string) => arnResourceName(arn);

type ClusterPlan = { arn: string; name: string; taskCount: number; services: readonly ServiceRecord[] };

const readClusters = (deps: CollectDeps, clusters: readonly ClusterPlan[]): Promise<Cluster[]> =>
  Promise.all(
    clusters.map(async (cluster): Promise<Cluster> => {
      const tasks = await readTasks(deps, {
        clusterArn: cluster.arn,
        services: cluster.services,
        clusterTaskCount: cluster.taskCount,
      });
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
      return { arn: cluster.arn, name: cluster.name, services };
    }),
  );

const assemble = async (
  deps: CollectDeps,
  clusters: readonly ClusterPlan[],
  namespaces: readonly Namespace[],
): Promise<InventorySnapshot> => ({ clusters: await readClusters(deps, clusters), namespaces });

const keepRegistered = (
  services: readonly ServiceRecord[],
  clusterName: string,
  namespaces: readonly Namespace[],
): ServiceRecord[] => {
  const candidates = namespaces.flatMap((ns) => ns.services);
  return services.filter((s) => isRegisteredIn({ ...s, tasks: [] }, clusterName, candidates));
};

/** Reads one complete snapshot for `deps.config.mode`. Rejects on any AWS error. */
export const collectInventory = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  try {
    return await collectByMode(deps);
  } catch (error) {
    // A failed refresh may be caused by a deleted or renamed resource: re-read everything next time.
    deps.cache.clear();
    throw error;
  }
};

const collectByMode = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  const { config } = deps;
  if (config.mode === 'namespaces') {
    const namespaces = await readNamespaces(deps, config.cloudMapNamespaces, true);
    const byCluster = await readRegisteredServices(deps, namespaces);
    const clusters = [...byCluster].map(([arn, services]) => ({
      arn,
      name: clusterNameOf(arn),
      // Unknown without DescribeClusters: tasks are listed per service.
      taskCount: Number.POSITIVE_INFINITY,
      services: keepRegistered(services, clusterNameOf(arn), namespaces),
    }));
    return assemble(deps, clusters, namespaces);
  }

  const configuredClusters = await readConfiguredClusters(deps);
  const servicesPerCluster = await Promise.all(configuredClusters.map((c) => readClusterServices(deps, c)));
  const all = servicesPerCluster.flat();
  const plans = configuredClusters.map((c, i) => ({ ...c, services: servicesPerCluster[i] ?? [] }));
  if (config.mode === 'both') {
    const namespaces = await readNamespaces(deps, config.cloudMapNamespaces, true);
    const registered = plans.map((p) => ({ ...p, services: keepRegistered(p.services, p.name, namespaces) }));
    return assemble(deps, registered, namespaces);
  }
  // Clusters mode: Cloud Map only enriches, so its reads overlap the task reads.
  const [namespaces, clusters] = await Promise.all([
    readNamespaces(
      deps,
      unique(all.flatMap((s) => (s.serviceConnectNamespace ? [s.serviceConnectNamespace] : []))),
      false,
      unique(all.flatMap((s) => s.serviceRegistryArns)),
    ),
    readClusters(deps, plans),
  ]);
  return { clusters, namespaces };
};
