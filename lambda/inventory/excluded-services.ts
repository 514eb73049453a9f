/**
 * The ECS services the collector reads and leaves out (selector tags, namespace registration), kept
 * in the snapshot so the explain view can say why a service has no targets (docs/decisions.md
 * "Explain view (issue 15)"). Only the values that decided it are kept: the tags a selector names.
 */
import type { ServiceRecord } from '../aws/ecs.ts';
import type { KeyValue } from '../config/types.ts';
import type { ExcludedBy, ExcludedService } from '../model/inventory.ts';
import { byString } from './collect-deps.ts';

export const excludedService = (
  service: ServiceRecord,
  excludedBy: ExcludedBy,
  selectors: readonly KeyValue[],
): ExcludedService => {
  const keys = new Set(selectors.map((selector) => selector.key));
  return {
    clusterArn: service.clusterArn,
    arn: service.arn,
    name: service.name,
    excludedBy,
    selectorTags: service.tags.filter((tag) => keys.has(tag.key)),
    registrations: service.serviceConnectDiscoveryArns.length + service.serviceRegistryArns.length,
  };
};

/** By cluster ARN, then name: the steps run concurrently, so arrival order is not deterministic. */
export const sortExcluded = (services: readonly ExcludedService[]): ExcludedService[] =>
  [...services].sort(
    (a, b) => byString(a.clusterArn, b.clusterArn) || byString(a.name, b.name) || byString(a.arn, b.arn),
  );
