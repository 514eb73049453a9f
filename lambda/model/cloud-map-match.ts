/**
 * How an ECS service is tied to a Cloud Map service. Pure functions over the model, used by the
 * collector (to decide which ECS services a namespace selects) and by the target builder (to enrich
 * targets). It lives in `model/` rather than `inventory/` because the pure target builder must not
 * import the layer that reads AWS (docs/decisions.md "Layers and files (issue 11)").
 */
import type { CloudMapService, EcsService } from './inventory.ts';
import { CloudMapServiceType } from './inventory.ts';

/** Instance attributes ECS writes when it registers a task for Service Discovery. */
export const ECS_CLUSTER_NAME_ATTRIBUTE = 'ECS_CLUSTER_NAME';
export const ECS_SERVICE_NAME_ATTRIBUTE = 'ECS_SERVICE_NAME';
export const INSTANCE_IPV4_ATTRIBUTE = 'AWS_INSTANCE_IPV4';

/** The last `/` segment of an ARN (`…:cluster/prod` → `prod`). */
export const arnResourceName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const registeredByAttributes = (candidate: CloudMapService, clusterName: string, serviceName: string) =>
  candidate.instances.some(
    (instance) =>
      instance.attributes[ECS_CLUSTER_NAME_ATTRIBUTE] === clusterName &&
      instance.attributes[ECS_SERVICE_NAME_ATTRIBUTE] === serviceName,
  );

/**
 * The Cloud Map service that enriches an ECS service's targets (docs/decisions.md "Cloud Map
 * matching"): a Service Connect service named by the newest PRIMARY deployment's
 * `discoveryArn`s when there are any (no fallback, as the original); otherwise a Service Discovery
 * service named by `serviceRegistries[].registryArn`, then one whose instances carry the
 * ECS cluster and service name attributes. First candidate in `candidates` order wins.
 */
export const matchCloudMapService = (
  service: EcsService,
  clusterName: string,
  candidates: readonly CloudMapService[],
): CloudMapService | undefined => {
  if (service.serviceConnectDiscoveryArns.length > 0) {
    return candidates.find(
      (c) =>
        c.type === CloudMapServiceType.ServiceConnect && service.serviceConnectDiscoveryArns.includes(c.arn),
    );
  }
  const discovery = candidates.filter((c) => c.type === CloudMapServiceType.ServiceDiscovery);
  return (
    discovery.find((c) => service.serviceRegistryArns.includes(c.arn)) ??
    discovery.find((c) => registeredByAttributes(c, clusterName, service.name))
  );
};

/**
 * Whether an ECS service is registered in any of `candidates` (Service Connect or Service
 * Discovery): decides which services the `CloudMapNamespaces` list selects.
 */
export const isRegisteredIn = (
  service: EcsService,
  clusterName: string,
  candidates: readonly CloudMapService[],
): boolean =>
  candidates.some(
    (c) =>
      service.serviceConnectDiscoveryArns.includes(c.arn) ||
      service.serviceRegistryArns.includes(c.arn) ||
      registeredByAttributes(c, clusterName, service.name),
  );
