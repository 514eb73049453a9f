/**
 * AWS call counts from formulas (written out in docs/benchmarks.md), computed from the fleet the
 * double serves: the minimum any correct reader needs, and what the original program's algorithm
 * calls (docs/decisions.md "The original's AWS calls").
 */
import { matchesSelectors } from '../lambda/config/selectors.ts';
import type { DiscoveryConfig } from '../lambda/config/types.ts';
import type { Fleet, FleetCluster, FleetNamespace } from '../test/aws-double/index.ts';

/** Calls per operation, keyed like the double and the core (`ecs:ListTasks`). */
export type CallCounts = Readonly<Record<string, number>>;

const ceilDiv = (n: number, size: number) => Math.ceil(n / size);
/** Pages of a List call: at least one, even for an empty list. */
const pages = (n: number, size: number) => Math.max(1, ceilDiv(n, size));

const isRunning = (status: string) => status === 'RUNNING';

/** Selected services of a cluster with their running-task counts (`desiredStatus=RUNNING`). */
const selectedServices = (cluster: FleetCluster, config: DiscoveryConfig) =>
  cluster.services
    .filter((s) => matchesSelectors(s.tags, config.ecsServiceSelectorTags))
    .map((s) => ({ service: s, tasks: s.tasks.filter((t) => isRunning(t.desiredStatus)).length }));

const runningInCluster = (cluster: FleetCluster) =>
  cluster.services.reduce((n, s) => n + s.tasks.filter((t) => isRunning(t.desiredStatus)).length, 0);

/** Namespaces the selected services register into (Service Connect or Service Discovery). */
const usedNamespaces = (fleet: Fleet, config: DiscoveryConfig): FleetNamespace[] =>
  fleet.namespaces.filter((ns) => namespaceIds(fleet, config).all.has(ns.id));

/** Ids of the namespaces used by selected services: all, and those named by Service Connect. */
const namespaceIds = (fleet: Fleet, config: DiscoveryConfig) => {
  const wanted = new Set<string>();
  const serviceConnect = new Set<string>();
  const serviceToNamespace = new Map<string, string>();
  for (const ns of fleet.namespaces) for (const s of ns.services) serviceToNamespace.set(s.arn, ns.id);
  for (const cluster of fleet.clusters) {
    for (const { service } of selectedServices(cluster, config)) {
      if (service.serviceConnectNamespaceArn) {
        const ns = fleet.namespaces.find((n) => n.arn === service.serviceConnectNamespaceArn);
        if (ns) {
          wanted.add(ns.id);
          serviceConnect.add(ns.id);
        }
      }
      for (const registry of service.serviceRegistries) {
        const id = serviceToNamespace.get(registry.registryArn);
        if (id) wanted.add(id);
      }
    }
  }
  return { all: wanted, serviceConnect };
};

/**
 * Namespaces known only through `serviceRegistries` (Service Discovery): a registry ARN does not name
 * its namespace, so one GetService per such namespace is unavoidable on a cold refresh.
 */
const registryOnlyNamespaces = (fleet: Fleet, config: DiscoveryConfig) => {
  const ids = namespaceIds(fleet, config);
  return [...ids.all].filter((id) => !ids.serviceConnect.has(id)).length;
};

const sum = <T>(items: readonly T[], f: (item: T) => number) => items.reduce((n, item) => n + f(item), 0);

/** ListTasks and DescribeTasks of one cluster with the cheaper of the two strategies. */
const cheapestTaskReads = (cluster: FleetCluster, config: DiscoveryConfig) => {
  const selected = selectedServices(cluster, config).filter((s) => s.tasks > 0);
  if (selected.length === 0) return { list: 0, describe: 0 };
  const selectedTasks = sum(selected, (s) => s.tasks);
  const perService = {
    list: sum(selected, (s) => ceilDiv(s.tasks, 100)),
    describe: ceilDiv(selectedTasks, 100),
  };
  const all = runningInCluster(cluster);
  const clusterWide = { list: pages(all, 100), describe: ceilDiv(all, 100) };
  return clusterWide.list + clusterWide.describe < perService.list + perService.describe
    ? clusterWide
    : perService;
};

/**
 * Container instances that host running bridge/host tasks of selected services, per cluster: one
 * DescribeContainerInstances per 100 and one EC2 DescribeInstances per 1,000 on a cold refresh;
 * none warm (the mapping never changes for an instance's life and is cached).
 */
const hostReads = (clusters: readonly FleetCluster[], config: DiscoveryConfig, warm: boolean): CallCounts => {
  const perCluster = clusters.map(
    (c) =>
      new Set(
        selectedServices(c, config).flatMap(({ service }) =>
          service.tasks.flatMap((t) =>
            isRunning(t.desiredStatus) && t.containerInstanceArn !== undefined && t.launchType !== 'EXTERNAL'
              ? [t.containerInstanceArn]
              : [],
          ),
        ),
      ).size,
  );
  if (perCluster.every((n) => n === 0)) return {};
  return {
    'ecs:DescribeContainerInstances': warm ? 0 : sum(perCluster, (n) => ceilDiv(n, 100)),
    'ec2:DescribeInstances': warm ? 0 : sum(perCluster, (n) => ceilDiv(n, 1000)),
  };
};

/**
 * `MetaLabels=full` (with `Ec2HostAddresses`): the ENIs of the running awsvpc tasks of selected
 * services, per cluster, one DescribeNetworkInterfaces per 200 on a cold refresh; none warm (the
 * public IPs are kept for 10 minutes, docs/decisions.md "EC2 labels (issue 15)").
 */
const eniReads = (clusters: readonly FleetCluster[], config: DiscoveryConfig, warm: boolean): CallCounts => {
  if (config.metaLabels !== 'full' || !config.ec2HostAddresses) return {};
  const perCluster = clusters.map((c) =>
    sum(
      selectedServices(c, config),
      ({ service }) =>
        service.tasks.filter((t) => isRunning(t.desiredStatus) && t.network === 'awsvpc').length,
    ),
  );
  if (perCluster.every((n) => n === 0)) return {};
  return { 'ec2:DescribeNetworkInterfaces': warm ? 0 : sum(perCluster, (n) => ceilDiv(n, 200)) };
};

/**
 * The fewest calls a complete clusters-mode refresh needs: every List paged by 100 (ECS
 * ListServices/ListTasks accept 100, Cloud Map returns up to 100), DescribeServices in batches of 10,
 * DescribeClusters/DescribeTasks in batches of 100, one ListTagsForResource per Cloud Map resource
 * (no batch form), one DiscoverInstances per service with instances (up to 1,000 per answer, the most a
 * service holds), and per cluster the cheaper of
 * cluster-wide and per-service ListTasks, one GetService per namespace known only from a Service
 * Discovery registry. `warm`: top-level resources, Cloud Map tags and the (immutable) namespace of a
 * Cloud Map service come from the 10-minute cache, so DescribeClusters, ListNamespaces, GetService and
 * ListTagsForResource are 0.
 */
export const minimumCalls = (fleet: Fleet, config: DiscoveryConfig, warm: boolean): CallCounts => {
  const clusters = fleet.clusters;
  const namespaces = usedNamespaces(fleet, config);
  const tasks = clusters.map((c) => cheapestTaskReads(c, config));
  const cloudMapServices = namespaces.flatMap((ns) => ns.services);
  return {
    'ecs:DescribeClusters': warm ? 0 : ceilDiv(clusters.length, 100),
    'ecs:ListServices': sum(clusters, (c) => pages(c.services.length, 100)),
    'ecs:DescribeServices': sum(clusters, (c) => ceilDiv(c.services.length, 10)),
    'ecs:ListTasks': sum(tasks, (t) => t.list),
    'ecs:DescribeTasks': sum(tasks, (t) => t.describe),
    'servicediscovery:ListNamespaces':
      warm || namespaces.length === 0 ? 0 : pages(fleet.namespaces.length, 100),
    'servicediscovery:GetService': warm ? 0 : registryOnlyNamespaces(fleet, config),
    'servicediscovery:ListServices': sum(namespaces, (ns) => pages(ns.services.length, 100)),
    'servicediscovery:ListTagsForResource': warm ? 0 : namespaces.length + cloudMapServices.length,
    'servicediscovery:DiscoverInstances': cloudMapServices.filter((s) => s.instances.length > 0).length,
    ...hostReads(clusters, config, warm),
    ...eniReads(clusters, config, warm),
  };
};

/**
 * The original program's calls (docs/decisions.md "The original's AWS calls": `clusters×ListServices +
 * ceil(services/10) DescribeServices + selectedServices×(ListTasks + DescribeTasks) +
 * namespaces×ListServices + cmServices×ListTagsForResource + selectedCmServices×ListInstances`),
 * with its page sizes: ECS ListServices at the API default of 10, ListTasks 100, Cloud Map 100;
 * in clusters mode the inferred namespaces are read by GetNamespace without tags. `warm`: its
 * 10-minute top-level cache spares DescribeClusters and GetNamespace.
 */
export const originalCalls = (fleet: Fleet, config: DiscoveryConfig, warm: boolean): CallCounts => {
  const clusters = fleet.clusters;
  const namespaces = usedNamespaces(fleet, config);
  const selected = clusters.flatMap((c) => selectedServices(c, config));
  const cloudMapServices = namespaces.flatMap((ns) => ns.services);
  const cmSelected = cloudMapServices.filter((s) =>
    matchesSelectors(s.tags, config.cloudMapServiceSelectorTags),
  );
  return {
    'ecs:DescribeClusters': warm ? 0 : 1,
    'ecs:ListServices': sum(clusters, (c) => pages(c.services.length, 10)),
    'ecs:DescribeServices': sum(clusters, (c) => ceilDiv(c.services.length, 10)),
    'ecs:ListTasks': sum(selected, (s) => pages(s.tasks, 100)),
    'ecs:DescribeTasks': sum(selected, (s) => ceilDiv(s.tasks, 100)),
    'servicediscovery:GetNamespace': warm ? 0 : namespaces.length,
    'servicediscovery:ListServices': sum(namespaces, (ns) => pages(ns.services.length, 100)),
    'servicediscovery:ListTagsForResource': cloudMapServices.length,
    'servicediscovery:ListInstances': sum(cmSelected, (s) => pages(s.instances.length, 100)),
  };
};

export const total = (counts: CallCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Facts about a fleet for the tables. */
export const fleetFacts = (fleet: Fleet, config: DiscoveryConfig) => {
  const services = fleet.clusters.flatMap((c) => c.services);
  const selected = fleet.clusters.flatMap((c) => selectedServices(c, config));
  const cloudMapServices = fleet.namespaces.flatMap((ns) => ns.services);
  return {
    clusters: fleet.clusters.length,
    services: services.length,
    selectedServices: selected.length,
    idleServices: services.filter((s) => s.tasks.length === 0).length,
    tasks: sum(services, (s) => s.tasks.length),
    selectedTasks: sum(selected, (s) => s.tasks),
    namespaces: fleet.namespaces.length,
    cloudMapServices: cloudMapServices.length,
    instances: sum(cloudMapServices, (s) => s.instances.length),
  };
};
export type FleetFacts = ReturnType<typeof fleetFacts>;
