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
import { arnResourceName } from '../model/cloud-map-match.ts';
import type { InventorySnapshot } from '../model/inventory.ts';
import { readNamespaces } from './cloud-map.ts';
import { type CollectDeps, unique } from './collect-deps.ts';
import { readClusterServices, readConfiguredClusters } from './ecs-services.ts';
import { readClusters } from './ecs-tasks.ts';
import { keepRegistered, readRegisteredServices } from './services-from-namespaces.ts';
import { withTaskDefinitions } from './task-definitions.ts';

export type { CollectDeps } from './collect-deps.ts';

/** Reads one complete snapshot for `deps.config.mode`. Rejects on any AWS error. */
export const collectInventory = async (deps: CollectDeps): Promise<InventorySnapshot> => {
  try {
    return await withTaskDefinitions(deps, await collectByMode(deps));
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
      name: arnResourceName(arn),
      // Unknown without DescribeClusters: tasks are listed per service.
      taskCount: Number.POSITIVE_INFINITY,
      services: keepRegistered(services, arnResourceName(arn), namespaces),
    }));
    return { clusters: await readClusters(deps, clusters), namespaces };
  }

  const configuredClusters = await readConfiguredClusters(deps);
  const servicesPerCluster = await Promise.all(configuredClusters.map((c) => readClusterServices(deps, c)));
  const all = servicesPerCluster.flat();
  const plans = configuredClusters.map((c, i) => ({ ...c, services: servicesPerCluster[i] ?? [] }));
  if (config.mode === 'both') {
    const namespaces = await readNamespaces(deps, config.cloudMapNamespaces, true);
    const registered = plans.map((p) => ({ ...p, services: keepRegistered(p.services, p.name, namespaces) }));
    return { clusters: await readClusters(deps, registered), namespaces };
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
