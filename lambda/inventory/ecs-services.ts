/**
 * ECS reads above the task level: the configured clusters (each once) and the selected services of
 * a cluster. A new source of ECS resources per cluster (e.g. EC2 container instances, for the host
 * address of bridge/host tasks) is read next to these, in a file of its own beside `ecs-tasks.ts`.
 */
import type { ClusterRecord, ServiceRecord } from '../aws/ecs.ts';
import { describeClusters, describeServices, listServiceArns } from '../aws/ecs.ts';
import { matchesSelectors } from '../config/selectors.ts';
import { ExcludedBy } from '../model/inventory.ts';
import { type CollectDeps, cached } from './collect-deps.ts';
import { excludedService } from './excluded-services.ts';

/** Configured clusters, each once even when given by name and by ARN, in configuration order. */
export const readConfiguredClusters = async (deps: CollectDeps): Promise<ClusterRecord[]> => {
  const { ctx, clients, config } = deps;
  const records = await cached(deps, `clusters:${config.ecsClusters.join('|')}`, () =>
    describeClusters(ctx, clients.ecs, config.ecsClusters),
  );
  const seen = new Set<string>();
  return records.filter((c) => !seen.has(c.arn) && seen.add(c.arn));
};

/** The services that pass `EcsServiceSelectorTags`; the others go to `deps.excluded`. */
export const selectByTags = (deps: CollectDeps, services: readonly ServiceRecord[]): ServiceRecord[] => {
  const selectors = deps.config.ecsServiceSelectorTags;
  return services.filter((s) => {
    if (matchesSelectors(s.tags, selectors)) return true;
    deps.excluded?.push(excludedService(s, ExcludedBy.ServiceSelector, selectors));
    return false;
  });
};

/** Every service of a cluster, described, then filtered by the selector tags. */
export const readClusterServices = async (
  deps: CollectDeps,
  cluster: ClusterRecord,
): Promise<ServiceRecord[]> => {
  const arns = await listServiceArns(deps.ctx, deps.clients.ecs, cluster.arn);
  return selectByTags(deps, await describeServices(deps.ctx, deps.clients.ecs, cluster.arn, arns));
};
