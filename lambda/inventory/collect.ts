/**
 * Mode dispatch: runs one refresh against ECS and Cloud Map and returns a complete inventory
 * snapshot, or rejects. The three modes of docs/decisions.md "Modes":
 * - clusters only: services of the clusters; the namespaces they use are read for enrichment;
 * - namespaces only: services registered in the namespaces, in whatever cluster they run;
 * - both: services of the clusters that are registered in the namespaces.
 * Every read is counted and bounded by the call context; nothing is read twice in one refresh.
 * The steps live next door: `ecs-services.ts`, `ecs-tasks.ts` (with `task-listing-plan.ts`),
 * `cloud-map.ts`, `services-from-namespaces.ts`. Reading more accounts is a loop over this dispatch.
 */

import type { ServiceRecord } from '../aws/ecs.ts';
import { arnResourceName } from '../model/cloud-map-match.ts';
import type { Cluster, ExcludedService, InventorySnapshot, Namespace } from '../model/inventory.ts';
import { readNamespaces, startNamespaceReads } from './cloud-map.ts';
import { type CollectDeps, started, unique } from './collect-deps.ts';
import { readClusterServices, readConfiguredClusters } from './ecs-services.ts';
import { readCluster, readClusterInParts } from './ecs-tasks.ts';
import { sortExcluded } from './excluded-services.ts';
import { keepRegistered, readRegisteredServices } from './services-from-namespaces.ts';
import { withTaskDefinitions } from './task-definitions.ts';

export type { CollectDeps } from './collect-deps.ts';

/** Reads one complete snapshot for `deps.config.mode`. Rejects on any AWS error. */
export const collectInventory = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  const excluded: ExcludedService[] = [];
  try {
    const snapshot = await withTaskDefinitions(deps, await collectByMode({ ...deps, excluded }));
    return excluded.length === 0 ? snapshot : { ...snapshot, excludedServices: sortExcluded(excluded) };
  } catch (error) {
    // A failed refresh may be caused by a deleted or renamed resource: re-read everything next time.
    deps.cache.clear();
    throw error;
  }
};

const collectByMode = (deps: CollectDeps): Promise<InventorySnapshot> => {
  const { mode } = deps.config;
  if (mode === 'namespaces') return collectNamespacesMode(deps);
  if (mode === 'both') return collectBothMode(deps);
  return collectClustersMode(deps);
};

/**
 * Each stage starts as soon as what it needs is known, not when the whole stage before it ends
 * (docs/decisions.md "Pipelined refresh (issue 12)"); results are assembled in configuration or
 * sorted order, whatever order the reads complete in.
 */
const assemble = async (
  clusters: Promise<Cluster[]>,
  namespaces: Promise<Namespace[]>,
): Promise<InventorySnapshot> => {
  const [c, n] = await Promise.all([clusters, namespaces]);
  return { clusters: c, namespaces: n };
};

const serviceConnectRefs = (services: readonly ServiceRecord[]) =>
  unique(services.flatMap((s) => (s.serviceConnectNamespace ? [s.serviceConnectNamespace] : [])));
const registryArns = (services: readonly ServiceRecord[]) =>
  unique(services.flatMap((s) => s.serviceRegistryArns));

/**
 * Clusters mode: a cluster's tasks are read as soon as its services are described, and the
 * namespaces its services use are read at the same time (Cloud Map only enriches). Registries not
 * found in those namespaces are looked up once every cluster's services are known.
 */
const collectClustersMode = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  const configured = await readConfiguredClusters(deps);
  const cloudMap = startNamespaceReads(deps, false);
  const servicesOf = configured.map((cluster) => ({
    cluster,
    services: started(
      readClusterServices(deps, cluster).then((services) => {
        cloudMap.prefetch(serviceConnectRefs(services), registryArns(services));
        return services;
      }),
    ),
  }));
  const clusters = Promise.all(
    servicesOf.map(async ({ cluster, services }) =>
      readCluster(deps, { ...cluster, services: await services }),
    ),
  );
  const namespaces = Promise.all(servicesOf.map((c) => c.services)).then((perCluster) => {
    const all = perCluster.flat();
    return cloudMap.finish(serviceConnectRefs(all), registryArns(all));
  });
  return assemble(clusters, namespaces);
};

/**
 * Both modes: the configured namespaces are known up front, so Cloud Map is read while the clusters'
 * services are; a cluster's tasks are read once its services and the namespaces are known.
 */
const collectBothMode = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  const namespaces = readNamespaces(deps, deps.config.cloudMapNamespaces, true);
  const clusters = (async () => {
    const configured = await readConfiguredClusters(deps);
    return Promise.all(
      configured.map(async (c) => {
        const [services, read] = await Promise.all([readClusterServices(deps, c), namespaces]);
        return readCluster(deps, { ...c, services: keepRegistered(services, c.name, read, deps.excluded) });
      }),
    );
  })();
  return assemble(clusters, namespaces);
};

/**
 * Namespaces mode: ListServicesByNamespace runs while the namespaces' Cloud Map contents are read;
 * a service's tasks are listed as soon as its Describe batch answers (the cluster's task count is
 * unknown without DescribeClusters, so every service with tasks is listed on its own).
 */
const collectNamespacesMode = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  const refs = deps.config.cloudMapNamespaces;
  const cloudMap = startNamespaceReads(deps, true);
  const namespaces = cloudMap.finish(refs, []);
  const clusters = (async () => {
    const registered = await readRegisteredServices(deps, await cloudMap.records(refs), namespaces);
    const read = await namespaces;
    return Promise.all(
      registered.map(({ arn, parts }) => {
        const name = arnResourceName(arn);
        const kept = parts.map(async (part) => keepRegistered(await part, name, read, deps.excluded));
        return readClusterInParts(deps, { arn, name }, kept);
      }),
    );
  })();
  return assemble(clusters, namespaces);
};
