/**
 * Namespace-mode inference: which ECS services (and so which clusters) the Cloud Map namespaces
 * select, found without listing whole clusters, and the registration filter of namespaces and
 * both modes. Another way of registering ECS services in Cloud Map is recognised here.
 */

import { describeServices, listServiceArnsByNamespace, type ServiceRecord } from '../aws/ecs.ts';
import { chunk, DESCRIBE_SERVICES_BATCH } from '../aws/limits.ts';
import {
  arnResourceName,
  ECS_CLUSTER_NAME_ATTRIBUTE,
  ECS_SERVICE_NAME_ATTRIBUTE,
  isRegisteredIn,
} from '../model/cloud-map-match.ts';
import { ExcludedBy, type ExcludedService, type Namespace } from '../model/inventory.ts';
import { byString, type CollectDeps, started } from './collect-deps.ts';
import { selectByTags } from './ecs-services.ts';
import { excludedService } from './excluded-services.ts';

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

/** A cluster that namespaces mode reads, with its registered services, one part per Describe batch. */
export type RegisteredCluster = {
  readonly arn: string;
  readonly parts: readonly Promise<ServiceRecord[]>[];
};

/**
 * Namespaces mode: the ECS services registered in the namespaces, by cluster ARN (sorted): Service
 * Connect services by `ListServicesByNamespace`, Service Discovery services by the
 * `ECS_CLUSTER_NAME`/`ECS_SERVICE_NAME` attributes ECS writes on their instances.
 * `ListServicesByNamespace` needs only the namespace ARNs (`found`), so it runs while `namespaces`
 * (their Cloud Map contents) are still being read; each cluster's services are described as soon as
 * every source has named its services, and handed on per Describe batch (docs/decisions.md
 * "Pipelined refresh (issue 12)").
 */
export const readRegisteredServices = async (
  deps: CollectDeps,
  found: readonly { readonly arn: string }[],
  namespaces: Promise<readonly Namespace[]>,
): Promise<RegisteredCluster[]> => {
  const wanted = new Map<string, Set<string>>(); // cluster ARN -> service names
  const want = (clusterArn: string, serviceName: string) => {
    const names = wanted.get(clusterArn) ?? new Set<string>();
    names.add(serviceName);
    wanted.set(clusterArn, names);
  };
  const [byNamespace, read] = await Promise.all([
    Promise.all(found.map((ns) => listServiceArnsByNamespace(deps.ctx, deps.clients.ecs, ns.arn))),
    namespaces,
  ]);
  for (const arn of byNamespace.flat()) want(clusterArnOfService(arn), arnResourceName(arn));
  for (const ns of read) {
    for (const service of ns.services) {
      for (const instance of service.instances) {
        const cluster = instance.attributes[ECS_CLUSTER_NAME_ATTRIBUTE];
        const name = instance.attributes[ECS_SERVICE_NAME_ATTRIBUTE];
        if (cluster && name) want(clusterArnFromNamespace(ns.arn, cluster), name);
      }
    }
  }
  // One part per batch, cut as `describeServices` would cut the whole list: the same calls.
  return [...wanted.keys()].sort(byString).map((arn) => ({
    arn,
    parts: chunk([...(wanted.get(arn) ?? [])].sort(byString), DESCRIBE_SERVICES_BATCH).map((batch) =>
      started(
        describeServices(deps.ctx, deps.clients.ecs, arn, batch).then((described) =>
          selectByTags(deps, described),
        ),
      ),
    ),
  }));
};

/**
 * The services registered in a Cloud Map service of `namespaces` (namespaces and both modes); the
 * others go to `excluded`.
 */
export const keepRegistered = (
  services: readonly ServiceRecord[],
  clusterName: string,
  namespaces: readonly Namespace[],
  excluded?: ExcludedService[],
): ServiceRecord[] => {
  const candidates = namespaces.flatMap((ns) => ns.services);
  return services.filter((s) => {
    if (isRegisteredIn({ ...s, tasks: [] }, clusterName, candidates)) return true;
    excluded?.push(excludedService(s, ExcludedBy.NotRegistered, []));
    return false;
  });
};
