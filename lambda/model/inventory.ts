/**
 * The inventory snapshot: plain data read from ECS and Cloud Map in one refresh. It sits in
 * `model/`, below every layer: the AWS readers return these shapes, the collector assembles them,
 * the target builder reads them. No SDK types leak past `lambda/aws/`.
 * Arrays keep AWS order where it matters (tags: a later tag of the same case-insensitive
 * name wins at equal precedence) and a deterministic order everywhere else.
 */

/** One AWS resource tag, in the order AWS returned it. */
export type Tag = { readonly key: string; readonly value: string };

export type Task = {
  readonly arn: string;
  readonly taskDefinitionArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  /**
   * The private IPv4 to scrape: the awsvpc ENI attachment's `privateIPv4Address`, falling back to
   * `containers[].networkInterfaces[].privateIpv4Address`. Absent when the task has none.
   */
  readonly ipv4?: string;
  /**
   * The private IPv6 of an awsvpc task: the ENI attachment's `ipv6Address` (or `privateIPv6Address`),
   * falling back to `containers[].networkInterfaces[].ipv6Address`. Absent when the task has none.
   */
  readonly ipv6?: string;
  readonly tags: readonly Tag[];
  /** `awsvpc`, `bridge`, `host` or `none`; absent when DescribeTasks did not say (treated as awsvpc). */
  readonly networkMode?: string;
  /** `containers[].networkBindings` (container port → host port), TCP only, in AWS order. */
  readonly portBindings?: readonly PortBinding[];
  /** The EC2 host of a bridge/host task (docs/decisions.md "Every task, every network (issue 14)"). */
  readonly host?: TaskHost;
  /** The task's `group` and `startedBy`, kept only for stand-alone tasks (no service). */
  readonly group?: string;
  readonly startedBy?: string;
  /** `availabilityZone`, e.g. `eu-west-1a`. */
  readonly availabilityZone?: string;
  /** `launchType`: `FARGATE`, `EC2` or `EXTERNAL` (absent for capacity-provider tasks AWS leaves blank). */
  readonly launchType?: string;
  /** `healthStatus`: `HEALTHY`, `UNHEALTHY` or `UNKNOWN`. */
  readonly healthStatus?: string;
  /** `platformFamily` (Fargate), e.g. `Linux`. */
  readonly platformFamily?: string;
  /** `platformVersion` (Fargate), e.g. `1.4.0`. */
  readonly platformVersion?: string;
  /** The awsvpc ENI attachment's `subnetId`. */
  readonly subnetId?: string;
  /**
   * `containerInstanceArn`: the container instance the task runs on (EC2 and ECS Anywhere
   * `EXTERNAL`; absent on Fargate). Absent in snapshots written before it was kept.
   */
  readonly containerInstanceArn?: string;
  /**
   * The EC2 instance of that container instance, as DescribeInstances reported it
   * (`MetaLabels=full` only; docs/decisions.md "EC2 labels (issue 15)"). Absent on Fargate and
   * ECS Anywhere, with `Ec2HostAddresses=false`, when EC2 did not return it, and in older snapshots.
   */
  readonly ec2Instance?: Ec2Instance;
  /**
   * The public IPv4 of an awsvpc task: its ENI's `association.publicIp` (DescribeNetworkInterfaces,
   * `MetaLabels=full` only). Absent when the ENI has none or it was not read.
   */
  readonly publicIp?: string;
};

/**
 * The EC2 facts Prometheus' `aws_sd_configs` role `ecs` labels a task on EC2 with. Type, public IP
 * and tags can change while the instance runs, so they are re-read (docs/decisions.md "EC2 labels
 * (issue 15)").
 */
export type Ec2Instance = {
  /** `InstanceId`, `i-…`. */
  readonly id: string;
  /** `InstanceType`, e.g. `m7g.large`. */
  readonly type?: string;
  /** `PrivateIpAddress`. */
  readonly privateIp?: string;
  /** `PublicIpAddress`, when the instance has one. */
  readonly publicIp?: string;
  /** `SubnetId` (Prometheus' `__meta_ecs_subnet_id` of bridge/host tasks). */
  readonly subnetId?: string;
  /** Instance tags, ordered by key (EC2 promises no order). Untrusted input like every tag. */
  readonly tags: readonly Tag[];
};

/** One `networkBindings` entry: the container port a tag names and the host port ECS mapped it to. */
export type PortBinding = { readonly containerPort: number; readonly hostPort: number };

/** Why the host address of a bridge/host task is not known. */
export const HostUnknown = {
  /** ECS Anywhere (`EXTERNAL`): the container instance is no EC2 instance, so no address can be read. */
  External: 'external',
  /** `Ec2HostAddresses=false`: EC2 is not read. */
  Disabled: 'disabled',
  /** The container instance or its EC2 instance was not returned (deregistered, terminated). */
  Missing: 'missing',
} as const;
export type HostUnknown = (typeof HostUnknown)[keyof typeof HostUnknown];

/** The container instance's EC2 addresses, or why they are unknown. */
export type TaskHost =
  | { readonly ipv4?: string; readonly ipv6?: string; readonly unknown?: undefined }
  | { readonly unknown: HostUnknown };

export type EcsService = {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly tags: readonly Tag[];
  /** `serviceConnectResources[].discoveryArn` of the newest PRIMARY deployment (Cloud Map service ARNs). */
  readonly serviceConnectDiscoveryArns: readonly string[];
  /** `serviceRegistries[].registryArn` (Cloud Map service ARNs of Service Discovery registrations). */
  readonly serviceRegistryArns: readonly string[];
  /** Running tasks (desiredStatus RUNNING) listed for this service, in a stable order (by task ARN). */
  readonly tasks: readonly Task[];
  /** `status`: `ACTIVE` or `DRAINING` (INACTIVE services are never read). */
  readonly status?: string;
};

export type Cluster = {
  readonly arn: string;
  readonly name: string;
  /** Services to emit targets for (after selectors and mode filtering), ordered by name. */
  readonly services: readonly EcsService[];
  /** Running tasks of no service (`EcsIncludeStandaloneTasks`), ordered by ARN; absent = none read. */
  readonly standaloneTasks?: readonly Task[];
  /** Cluster tags (`DescribeClusters include=TAGS`); absent when the cluster was not described (namespaces mode). */
  readonly tags?: readonly Tag[];
};

export const CloudMapServiceType = {
  ServiceConnect: 'ServiceConnect',
  ServiceDiscovery: 'ServiceDiscovery',
} as const;
export type CloudMapServiceType = (typeof CloudMapServiceType)[keyof typeof CloudMapServiceType];

export type CloudMapInstance = {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** `HEALTHY`, `UNHEALTHY` or `UNKNOWN` when the read reported it (DiscoverInstances); absent otherwise. */
  readonly healthStatus?: string;
};

export type CloudMapService = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly namespaceId: string;
  readonly type: CloudMapServiceType;
  readonly tags: readonly Tag[];
  /** Whether the service passed `CloudMapServiceSelectorTags` (only those enrich targets). */
  readonly selected: boolean;
  readonly instances: readonly CloudMapInstance[];
};

export type Namespace = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  /**
   * `Properties.HttpProperties.HttpName`, the name DiscoverInstances takes, so an event batch can
   * re-read a service's instances as the reconcile did (docs/decisions.md "One refresh per fleet
   * (issue 13)"). Absent when AWS gave none and in snapshots written before it was kept.
   */
  readonly httpName?: string;
  readonly tags: readonly Tag[];
  readonly services: readonly CloudMapService[];
};

/** Why the collector left an ECS service out of `Cluster.services` (kept for the explain view). */
export const ExcludedBy = {
  /** It does not carry every `EcsServiceSelectorTags` entry. */
  ServiceSelector: 'service_selector',
  /** It is not registered in a Cloud Map service of the configured namespaces (namespaces, both modes). */
  NotRegistered: 'not_registered',
} as const;
export type ExcludedBy = (typeof ExcludedBy)[keyof typeof ExcludedBy];

/** An ECS service the collector read and left out; its tasks were never listed. */
export type ExcludedService = {
  readonly clusterArn: string;
  readonly arn: string;
  readonly name: string;
  readonly excludedBy: ExcludedBy;
  /** The service's tags whose keys a selector names (the values that decided it), in AWS order. */
  readonly selectorTags: readonly Tag[];
  /** How many Service Connect and Service Discovery registrations it has (for `not_registered`). */
  readonly registrations: number;
};

export type InventorySnapshot = {
  /** Clusters in configuration order (inferred ones after, by ARN), each cluster once. */
  readonly clusters: readonly Cluster[];
  /** Namespaces read in this refresh, in configuration order (inferred ones after, by id). */
  readonly namespaces: readonly Namespace[];
  /** Services read and left out, by cluster ARN then name. Absent = none (or an older snapshot). */
  readonly excludedServices?: readonly ExcludedService[];
  /** Task definitions of the snapshot's tasks, by ARN; read only when `DockerLabels` is not `none`. */
  readonly taskDefinitions?: readonly TaskDefinition[];
};

/** One port mapping of a container definition. */
export type PortMapping = {
  readonly containerPort: number;
  /** Absent or 0: a dynamic host port (bridge), known only from the task's `networkBindings`. */
  readonly hostPort?: number;
};

/** One container of a task definition, as far as docker-label conventions need it. */
export type ContainerDefinition = {
  readonly name: string;
  /** `dockerLabels`, untrusted input like tags (docs/decisions.md "Portable labels (issue 15)"), ordered by key. */
  readonly dockerLabels: readonly Tag[];
  readonly portMappings: readonly PortMapping[];
};

/** A task definition revision: immutable, so read once per ARN and kept. */
export type TaskDefinition = {
  readonly arn: string;
  /** `networkMode`: `awsvpc`, `bridge`, `host` or `none`; absent means AWS's default, `bridge`. */
  readonly networkMode?: string;
  readonly containers: readonly ContainerDefinition[];
};
