/**
 * Lookup tables over a normalised fleet, built once per fleet in O(n) so that every API call is a
 * map lookup or a slice (the benchmarks serve 30k tasks).
 */
import type {
  Fleet,
  FleetCloudMapService,
  FleetCluster,
  FleetContainerInstance,
  FleetNamespace,
  FleetParameter,
  FleetSecret,
  FleetService,
  FleetTask,
  Tag,
} from './fleet.ts';
import { eniIdOf, NetworkMode } from './fleet.ts';

export type ClusterEntry = {
  readonly cluster: FleetCluster;
  /** Services by name and by ARN. */
  readonly services: ReadonlyMap<string, FleetService>;
  /** Tasks by id and by ARN. */
  readonly tasks: ReadonlyMap<string, FleetTask>;
  readonly allTasks: readonly FleetTask[];
  /** Container instances by id and by ARN. */
  readonly containerInstances: ReadonlyMap<string, FleetContainerInstance>;
};

export type CloudMapServiceEntry = {
  readonly service: FleetCloudMapService;
  readonly namespace: FleetNamespace;
};

export type FleetIndex = {
  readonly fleet: Fleet;
  /** Clusters by name and by ARN. */
  readonly clusters: ReadonlyMap<string, ClusterEntry>;
  /** Namespaces by id and by ARN. */
  readonly namespaces: ReadonlyMap<string, FleetNamespace>;
  /** Namespaces by name (two namespaces may share a name). */
  readonly namespacesByName: ReadonlyMap<string, readonly FleetNamespace[]>;
  /** Cloud Map services by id and by ARN. */
  readonly cloudMapServices: ReadonlyMap<string, CloudMapServiceEntry>;
  /** Cloud Map tags by resource ARN (namespaces and services). */
  readonly cloudMapTags: ReadonlyMap<string, readonly Tag[]>;
  /** ECS service ARNs by the ARN of their Service Connect namespace, in fleet order. */
  readonly serviceConnectMembers: ReadonlyMap<string, readonly string[]>;
  /** Secrets by name and by ARN. */
  readonly secrets: ReadonlyMap<string, FleetSecret>;
  /** Parameters by name and by ARN. */
  readonly parameters: ReadonlyMap<string, FleetParameter>;
  /** EC2 instances (hosts of container instances) by instance id. */
  readonly ec2Instances: ReadonlyMap<string, FleetContainerInstance>;
  /** Tasks with an ENI (awsvpc) by ENI id, for DescribeNetworkInterfaces. */
  readonly networkInterfaces: ReadonlyMap<string, FleetTask>;
  /** Memo of filtered lists (ListTasks filters), keyed by the call's scope. */
  readonly memo: Map<string, readonly string[]>;
};

export const indexFleet = (fleet: Fleet): FleetIndex => {
  const clusters = new Map<string, ClusterEntry>();
  const serviceConnectMembers = new Map<string, string[]>();
  const ec2Instances = new Map<string, FleetContainerInstance>();
  const networkInterfaces = new Map<string, FleetTask>();
  const addEni = (task: FleetTask) => {
    if (task.network === NetworkMode.Awsvpc) networkInterfaces.set(eniIdOf(task.arn), task);
  };
  for (const cluster of fleet.clusters) {
    const services = new Map<string, FleetService>();
    const tasks = new Map<string, FleetTask>();
    const allTasks: FleetTask[] = [];
    for (const service of cluster.services) {
      services.set(service.name, service);
      services.set(service.arn, service);
      if (service.serviceConnectNamespaceArn) {
        const members = serviceConnectMembers.get(service.serviceConnectNamespaceArn) ?? [];
        members.push(service.arn);
        serviceConnectMembers.set(service.serviceConnectNamespaceArn, members);
      }
      for (const task of service.tasks) {
        tasks.set(task.id, task);
        tasks.set(task.arn, task);
        allTasks.push(task);
        addEni(task);
      }
    }
    for (const task of cluster.standaloneTasks) {
      tasks.set(task.id, task);
      tasks.set(task.arn, task);
      allTasks.push(task);
      addEni(task);
    }
    const containerInstances = new Map<string, FleetContainerInstance>();
    for (const ci of cluster.containerInstances) {
      containerInstances.set(ci.id, ci);
      containerInstances.set(ci.arn, ci);
      if (ci.ec2InstanceId !== undefined && ci.inEc2) ec2Instances.set(ci.ec2InstanceId, ci);
    }
    const entry = { cluster, services, tasks, allTasks, containerInstances };
    clusters.set(cluster.name, entry);
    clusters.set(cluster.arn, entry);
  }

  const namespaces = new Map<string, FleetNamespace>();
  const namespacesByName = new Map<string, FleetNamespace[]>();
  const cloudMapServices = new Map<string, CloudMapServiceEntry>();
  const cloudMapTags = new Map<string, readonly Tag[]>();
  for (const namespace of fleet.namespaces) {
    namespaces.set(namespace.id, namespace);
    namespaces.set(namespace.arn, namespace);
    namespacesByName.set(namespace.name, [...(namespacesByName.get(namespace.name) ?? []), namespace]);
    cloudMapTags.set(namespace.arn, namespace.tags);
    for (const service of namespace.services) {
      cloudMapServices.set(service.id, { service, namespace });
      cloudMapServices.set(service.arn, { service, namespace });
      cloudMapTags.set(service.arn, service.tags);
    }
  }

  const secrets = new Map<string, FleetSecret>();
  for (const secret of fleet.secrets) {
    secrets.set(secret.name, secret);
    secrets.set(secret.arn, secret);
  }
  const parameters = new Map<string, FleetParameter>();
  for (const parameter of fleet.parameters) {
    parameters.set(parameter.name, parameter);
    parameters.set(parameter.arn, parameter);
  }

  return {
    fleet,
    clusters,
    namespaces,
    namespacesByName,
    cloudMapServices,
    cloudMapTags,
    serviceConnectMembers,
    secrets,
    parameters,
    ec2Instances,
    networkInterfaces,
    memo: new Map(),
  };
};
