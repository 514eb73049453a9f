/**
 * The benchmark fleets: about 1k, 10k and 30k tasks in realistic proportions. Services have uneven
 * task counts (some idle with 0 tasks, some over 100 so ListTasks pages), half use Service Connect,
 * a quarter Service Discovery, a quarter neither; one in ten runs EC2 bridge tasks on the cluster's
 * container instances (so the host reads, DescribeContainerInstances and EC2 DescribeInstances, show
 * in the call counts); 15 % are tagged `scrape=false` and so unselected by
 * `EcsServiceSelectorTags=scrape=true`; every namespace also holds plain Cloud Map services, a fifth
 * of them without instances.
 */
import type { FleetSpec, ServiceSpec } from '../test/aws-double/index.ts';
import { generateFleetSpec } from '../test/aws-double/index.ts';
import { BENCH_SHARE } from './limits.ts';

/** Tasks of the n-th service, cycling: mean 23.75, one service in 8 idle, one in 8 over 100. */
export const TASK_PATTERN = [2, 4, 8, 16, 30, 120, 0, 10] as const;

export type FleetPlan = {
  /** Label, e.g. `10k`. */
  readonly name: string;
  readonly clusters: number;
  readonly servicesPerCluster: number;
  readonly namespaces: number;
  /** Plain (not ECS-managed) Cloud Map services per namespace. */
  readonly plainCloudMapServices: number;
  /** Instances of each plain Cloud Map service that has any (every fifth has none). */
  readonly plainInstances: number;
  /** Share of services tagged `scrape=false`. */
  readonly unselectedShare: number;
  /** Every n-th service runs EC2 `bridge` tasks (dynamic host ports), spread over the container instances. */
  readonly bridgeEvery: number;
  /** Container instances (EC2 hosts) per cluster. */
  readonly containerInstancesPerCluster: number;
};

export const FLEETS: readonly FleetPlan[] = [
  {
    name: '1k',
    bridgeEvery: 10,
    containerInstancesPerCluster: 4,
    clusters: 2,
    servicesPerCluster: 21,
    namespaces: 2,
    plainCloudMapServices: 10,
    plainInstances: 8,
    unselectedShare: 0.15,
  },
  {
    name: '10k',
    bridgeEvery: 10,
    containerInstancesPerCluster: 10,
    clusters: 6,
    servicesPerCluster: 70,
    namespaces: 6,
    plainCloudMapServices: 10,
    plainInstances: 8,
    unselectedShare: 0.15,
  },
  {
    name: '30k',
    bridgeEvery: 10,
    containerInstancesPerCluster: 20,
    clusters: 12,
    servicesPerCluster: 105,
    namespaces: 12,
    plainCloudMapServices: 10,
    plainInstances: 8,
    unselectedShare: 0.15,
  },
];

/** The fleet description handed to the AWS double. */
export const fleetSpec = (plan: FleetPlan): FleetSpec => {
  const spec = generateFleetSpec({
    clusters: plan.clusters,
    servicesPerCluster: plan.servicesPerCluster,
    tasksPerService: 1,
    namespaces: plan.namespaces,
    serviceConnectShare: 0.5,
    serviceDiscoveryShare: 0.5,
    unselectedShare: plan.unselectedShare,
    cloudMapServicesPerNamespace: plan.plainCloudMapServices,
    instancesPerCloudMapService: plan.plainInstances,
  });
  let position = 0;
  const withTasks = (service: ServiceSpec): ServiceSpec => {
    const tasks = TASK_PATTERN[position % TASK_PATTERN.length] ?? 0;
    const bridge = position % plan.bridgeEvery === plan.bridgeEvery - 1;
    position += 1;
    // A bridge service's tasks: the port tag names container port 8080, bound to a dynamic host port.
    return bridge
      ? {
          ...service,
          network: 'bridge',
          tasks: Array.from({ length: tasks }, (_, i) => ({
            bindings: [{ containerPort: 8080, hostPort: 32768 + i }],
          })),
        }
      : { ...service, tasks };
  };
  return {
    ...spec,
    clusters: (spec.clusters ?? []).map((c) => ({
      ...c,
      containerInstances: Array.from({ length: plan.containerInstancesPerCluster }, () => ({})),
      services: (c.services ?? []).map(withTasks),
    })),
    namespaces: (spec.namespaces ?? []).map((ns) => ({
      ...ns,
      services: (ns.services ?? []).map((s, i) => ({
        ...s,
        instances: i % 5 === 0 ? 0 : plan.plainInstances,
      })),
    })),
  };
};

/** The `DiscoveryOptions__*` environment the benchmark runs the core with (clusters mode). */
export const discoveryEnv = (plan: FleetPlan): Record<string, string> => ({
  DiscoveryOptions__EcsClusters: Array.from({ length: plan.clusters }, (_, c) => `cluster-${c}`).join(';'),
  DiscoveryOptions__EcsServiceSelectorTags: 'scrape=true',
  DiscoveryOptions__CacheTtlSeconds: '60',
  DiscoveryOptions__AwsRateShare: String(BENCH_SHARE),
});
