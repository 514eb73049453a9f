/**
 * Big fleets for benchmarks and paging tests, in realistic proportions: services spread over
 * Service Connect and Service Discovery namespaces, some services unselected by tags, plain Cloud
 * Map services beside the ECS-managed ones.
 */
import type { ClusterSpec, Fleet, FleetSpec, NamespaceSpec, ServiceSpec } from './fleet.ts';
import { defineFleet } from './fleet.ts';

export type GenerateOptions = {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  readonly clusters: number;
  readonly servicesPerCluster: number;
  readonly tasksPerService: number;
  /** Cloud Map namespaces the services register into, round robin. @default 1 */
  readonly namespaces?: number;
  /** Share of services registered with Service Connect (0..1). @default 0.5 */
  readonly serviceConnectShare?: number;
  /** Share of the remaining services registered with Service Discovery (0..1). @default 0.5 */
  readonly serviceDiscoveryShare?: number;
  /**
   * Share of services tagged `scrape=false` instead of `scrape=true` (to be filtered out by an
   * `EcsServiceSelectorTags=scrape=true` selector). @default 0
   */
  readonly unselectedShare?: number;
  /** Plain (not ECS-managed) Cloud Map services per namespace. @default 0 */
  readonly cloudMapServicesPerNamespace?: number;
  /** Instances of each plain Cloud Map service. @default 0 */
  readonly instancesPerCloudMapService?: number;
  /** Tags of every service, after the `scrape` tag. @default { METRICS_PORT: '9100' } */
  readonly serviceTags?: Readonly<Record<string, string>>;
  /** @default '10.0.0.1' */
  readonly firstIp?: string;
};

/**
 * Whether the item at `position` falls in the first `share` of every hundred, spread evenly
 * (deterministic, no randomness).
 */
const inShare = (position: number, share: number): boolean =>
  Math.floor((position + 1) * share) > Math.floor(position * share);

export const generateFleetSpec = (options: GenerateOptions): FleetSpec => {
  const namespaceCount = options.namespaces ?? 1;
  const scShare = options.serviceConnectShare ?? 0.5;
  const sdShare = options.serviceDiscoveryShare ?? 0.5;
  const unselectedShare = options.unselectedShare ?? 0;
  const serviceTags = options.serviceTags ?? { METRICS_PORT: '9100' };
  const namespaceName = (n: number) => `ns${n}.local`;

  const namespaces: NamespaceSpec[] = Array.from({ length: namespaceCount }, (_, n) => ({
    name: namespaceName(n),
    type: 'DNS_PRIVATE',
    tags: { team: `team-${n}` },
    services: Array.from({ length: options.cloudMapServicesPerNamespace ?? 0 }, (_unused, s) => ({
      name: `plain-${s}`,
      instances: options.instancesPerCloudMapService ?? 0,
    })),
  }));

  let position = 0;
  let sdPosition = 0;
  const clusters: ClusterSpec[] = Array.from({ length: options.clusters }, (_, c) => ({
    name: `cluster-${c}`,
    tags: { env: c % 2 === 0 ? 'prod' : 'staging' },
    services: Array.from({ length: options.servicesPerCluster }, (_unused, s): ServiceSpec => {
      const here = position;
      position += 1;
      const namespace = namespaceName(here % namespaceCount);
      const name = `svc-${c}-${s}`;
      const base: ServiceSpec = {
        name,
        tags: { scrape: inShare(here, unselectedShare) ? 'false' : 'true', ...serviceTags },
        tasks: options.tasksPerService,
        taskTags: { component: name },
      };
      if (inShare(here, scShare)) return { ...base, serviceConnect: { namespace } };
      const sd = inShare(sdPosition, sdShare);
      sdPosition += 1;
      return sd ? { ...base, serviceDiscovery: { namespace } } : base;
    }),
  }));

  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...(options.firstIp ? { firstIp: options.firstIp } : {}),
    clusters,
    namespaces,
  };
};

/** `defineFleet(generateFleetSpec(options))`. */
export const generateFleet = (options: GenerateOptions): Fleet => defineFleet(generateFleetSpec(options));
