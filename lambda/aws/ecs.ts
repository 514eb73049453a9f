/**
 * ECS reads: one small function per API, paging to the end and batching at the API maximum.
 * Each returns plain data (no SDK types past this module).
 */
import {
  type ContainerInstance,
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  DescribeContainerInstancesCommand,
  type DescribeContainerInstancesCommandOutput,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommand,
  type DescribeTasksCommandOutput,
  type Failure,
  ListServicesByNamespaceCommand,
  type ListServicesByNamespaceCommandOutput,
  ListServicesCommand,
  type ListServicesCommandOutput,
  ListTasksCommand,
  type ListTasksCommandOutput,
  type Cluster as SdkCluster,
  type Service as SdkService,
  type Task as SdkTask,
} from '@aws-sdk/client-ecs';
import type { EcsService, PortBinding, Tag, Task, TaskDefinition } from '../model/inventory.ts';
import type { CallContext, Sender } from './call-context.ts';
import {
  chunk,
  DESCRIBE_CLUSTERS_BATCH,
  DESCRIBE_CONTAINER_INSTANCES_BATCH,
  DESCRIBE_SERVICES_BATCH,
  DESCRIBE_TASKS_BATCH,
  ECS_LIST_PAGE,
} from './limits.ts';
import { pageAll } from './paging.ts';

export type ClusterRecord = {
  readonly arn: string;
  readonly name: string;
  /** Running + pending tasks, used to choose between cluster-wide and per-service task listing. */
  readonly taskCount: number;
  /** Cluster tags, for `__meta_ecs_tag_cluster_<key>`. */
  readonly tags: readonly Tag[];
};

/** An ECS service as described, before its tasks are read. */
export type ServiceRecord = Omit<EcsService, 'tasks'> & {
  /** Running + pending tasks reported by the service; 0 means no ListTasks is needed. */
  readonly taskCount: number;
  /** `serviceConnectConfiguration.namespace` of the newest PRIMARY deployment (name, id or ARN). */
  readonly serviceConnectNamespace: string | undefined;
};

/**
 * A described task plus the facts used to attribute it to a service (`group`) and to read its
 * ENI's public IP (`networkInterfaceId`, `MetaLabels=full`); the EC2 host of a bridge/host task is
 * found by the model's `containerInstanceArn` and `launchType`.
 */
export type TaskRecord = Task & {
  readonly group: string | undefined;
  readonly startedBy?: string;
  /** The awsvpc ENI attachment's `networkInterfaceId` (not kept in the snapshot). */
  readonly networkInterfaceId?: string;
};

/** A container instance as described: the EC2 instance it runs on (absent on ECS Anywhere). */
export type ContainerInstanceRecord = { readonly arn: string; readonly ec2InstanceId: string | undefined };

const toTags = (tags: readonly { key?: string; value?: string }[] | undefined): Tag[] =>
  (tags ?? []).flatMap((t) => (t.key === undefined ? [] : [{ key: t.key, value: t.value ?? '' }]));

const reportFailures = (ctx: CallContext, operation: string, failures: Failure[] | undefined) => {
  for (const f of failures ?? [])
    ctx.warn('AWS reported a failure entry', { operation, arn: f.arn, reason: f.reason });
};

/**
 * Sends `items` in parallel batches of `size` (the API maximum), logs each batch's `failures` and
 * returns the described resources in batch order.
 */
const describeInBatches = async <R, T>(
  ctx: CallContext,
  ecs: Sender,
  operation: string,
  items: readonly string[],
  size: number,
  command: (batch: string[]) => object,
  resources: (page: R) => T[] | undefined,
): Promise<T[]> => {
  const pages = await Promise.all(
    chunk(items, size).map((batch) => ctx.call<R & { failures?: Failure[] }>(operation, ecs, command(batch))),
  );
  return pages.flatMap((page) => {
    reportFailures(ctx, operation, page.failures);
    return resources(page) ?? [];
  });
};

export const describeClusters = async (
  ctx: CallContext,
  ecs: Sender,
  clusters: readonly string[],
): Promise<ClusterRecord[]> => {
  const described = await describeInBatches(
    ctx,
    ecs,
    'ecs:DescribeClusters',
    clusters,
    DESCRIBE_CLUSTERS_BATCH,
    (batch) => new DescribeClustersCommand({ clusters: batch, include: ['TAGS'] }),
    (page: DescribeClustersCommandOutput) => page.clusters,
  );
  return described.filter((c) => c.status !== 'INACTIVE').map(toClusterRecord);
};

const toClusterRecord = (c: SdkCluster): ClusterRecord => ({
  arn: c.clusterArn ?? '',
  name: c.clusterName ?? '',
  taskCount: (c.runningTasksCount ?? Number.POSITIVE_INFINITY) + (c.pendingTasksCount ?? 0),
  tags: toTags(c.tags),
});

export const listServiceArns = (ctx: CallContext, ecs: Sender, clusterArn: string): Promise<string[]> =>
  pageAll(async (nextToken) => {
    const page = await ctx.call<ListServicesCommandOutput>(
      'ecs:ListServices',
      ecs,
      new ListServicesCommand({ cluster: clusterArn, maxResults: ECS_LIST_PAGE, nextToken }),
    );
    return { items: page.serviceArns ?? [], next: page.nextToken };
  });

export const listServiceArnsByNamespace = (
  ctx: CallContext,
  ecs: Sender,
  namespace: string,
): Promise<string[]> =>
  pageAll(async (nextToken) => {
    const page = await ctx.call<ListServicesByNamespaceCommandOutput>(
      'ecs:ListServicesByNamespace',
      ecs,
      new ListServicesByNamespaceCommand({ namespace, maxResults: ECS_LIST_PAGE, nextToken }),
    );
    return { items: page.serviceArns ?? [], next: page.nextToken };
  });

/** Describes services of one cluster (by name or ARN) with their tags, in batches of 10. */
export const describeServices = async (
  ctx: CallContext,
  ecs: Sender,
  clusterArn: string,
  services: readonly string[],
): Promise<ServiceRecord[]> => {
  const described = await describeInBatches(
    ctx,
    ecs,
    'ecs:DescribeServices',
    services,
    DESCRIBE_SERVICES_BATCH,
    (batch) => new DescribeServicesCommand({ cluster: clusterArn, services: batch, include: ['TAGS'] }),
    (page: DescribeServicesCommandOutput) => page.services,
  );
  return described.filter((s) => s.status !== 'INACTIVE').map(toServiceRecord);
};

const toServiceRecord = (s: SdkService): ServiceRecord => {
  // The newest PRIMARY deployment carries the service's current Service Connect setup (docs/decisions.md "AWS reads and caching").
  const primary = (s.deployments ?? [])
    .filter((d) => d.status === 'PRIMARY')
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  const serviceConnect = primary?.serviceConnectConfiguration;
  return {
    arn: s.serviceArn ?? '',
    name: s.serviceName ?? '',
    clusterArn: s.clusterArn ?? '',
    tags: toTags(s.tags),
    serviceConnectDiscoveryArns: (primary?.serviceConnectResources ?? []).flatMap((r) =>
      r.discoveryArn ? [r.discoveryArn] : [],
    ),
    serviceRegistryArns: (s.serviceRegistries ?? []).flatMap((r) => (r.registryArn ? [r.registryArn] : [])),
    // Absent counts are unknown, not zero: list the tasks then.
    taskCount: (s.runningCount ?? Number.POSITIVE_INFINITY) + (s.pendingCount ?? 0),
    serviceConnectNamespace: serviceConnect?.enabled ? serviceConnect.namespace : undefined,
    ...(s.status === undefined ? {} : { status: s.status }),
  };
};

/** Lists RUNNING-desired task ARNs of a cluster, of one service when `serviceName` is given. */
export const listTaskArns = (
  ctx: CallContext,
  ecs: Sender,
  clusterArn: string,
  serviceName?: string,
): Promise<string[]> =>
  pageAll(async (nextToken) => {
    const page = await ctx.call<ListTasksCommandOutput>(
      'ecs:ListTasks',
      ecs,
      new ListTasksCommand({
        cluster: clusterArn,
        serviceName,
        desiredStatus: 'RUNNING',
        maxResults: ECS_LIST_PAGE,
        nextToken,
      }),
    );
    return { items: page.taskArns ?? [], next: page.nextToken };
  });

/** Describes tasks of one cluster with their tags, in batches of 100. */
export const describeTasks = async (
  ctx: CallContext,
  ecs: Sender,
  clusterArn: string,
  tasks: readonly string[],
): Promise<TaskRecord[]> => {
  const described = await describeInBatches(
    ctx,
    ecs,
    'ecs:DescribeTasks',
    tasks,
    DESCRIBE_TASKS_BATCH,
    (batch) => new DescribeTasksCommand({ cluster: clusterArn, tasks: batch, include: ['TAGS'] }),
    (page: DescribeTasksCommandOutput) => page.tasks,
  );
  return described.map(toTaskRecord);
};

/** Describes container instances of one cluster, in batches of 100 (for bridge/host task hosts). */
export const describeContainerInstances = async (
  ctx: CallContext,
  ecs: Sender,
  clusterArn: string,
  containerInstances: readonly string[],
): Promise<ContainerInstanceRecord[]> => {
  const described = await describeInBatches(
    ctx,
    ecs,
    'ecs:DescribeContainerInstances',
    containerInstances,
    DESCRIBE_CONTAINER_INSTANCES_BATCH,
    (batch) => new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch }),
    (page: DescribeContainerInstancesCommandOutput) => page.containerInstances,
  );
  return described.map((c: ContainerInstance) => ({
    arn: c.containerInstanceArn ?? '',
    // ECS Anywhere instances have no EC2 instance id (their id is an SSM managed instance `mi-…`).
    ec2InstanceId: c.ec2InstanceId?.startsWith('i-') ? c.ec2InstanceId : undefined,
  }));
};

const ENI_IPV6_DETAILS: readonly string[] = ['ipv6Address', 'privateIPv6Address'];

/**
 * The awsvpc addresses (docs/decisions.md "Tasks and addresses"): the ENI attachment's private IPv4
 * (and IPv6), else the first container network interface that has one. Bridge and host tasks have
 * neither; their address is their EC2 host's.
 */
const taskAddresses = (t: SdkTask): { ipv4?: string; ipv6?: string } => {
  const eni = (t.attachments ?? []).find((a) => a.type === 'ElasticNetworkInterface');
  const detail = (names: readonly string[]) => eni?.details?.find((d) => names.includes(d.name ?? ''))?.value;
  const interfaces = (t.containers ?? []).flatMap((c) => c.networkInterfaces ?? []);
  const ipv4 =
    detail(['privateIPv4Address']) || interfaces.find((n) => n.privateIpv4Address)?.privateIpv4Address;
  const ipv6 = detail(ENI_IPV6_DETAILS) || interfaces.find((n) => n.ipv6Address)?.ipv6Address;
  return { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) };
};

/** TCP `networkBindings` of every container (UDP cannot serve /metrics). */
const portBindings = (t: SdkTask): PortBinding[] =>
  (t.containers ?? []).flatMap((c) =>
    (c.networkBindings ?? []).flatMap((b) =>
      b.containerPort === undefined || b.hostPort === undefined || b.protocol === 'udp'
        ? []
        : [{ containerPort: b.containerPort, hostPort: b.hostPort }],
    ),
  );

/** Network mode from the attachments: ECS reports it only on the task definition, not on the task. */
const networkModeOf = (t: SdkTask, bindings: readonly PortBinding[]): string | undefined => {
  if ((t.attachments ?? []).some((a) => a.type === 'ElasticNetworkInterface')) return 'awsvpc';
  if (t.containerInstanceArn === undefined) return undefined;
  // EC2/External without an ENI: bridge, or host when every binding maps a port to itself.
  return bindings.length > 0 && bindings.every((b) => b.containerPort === b.hostPort) ? 'host' : 'bridge';
};

const toTaskRecord = (t: SdkTask): TaskRecord => {
  const bindings = portBindings(t);
  const networkMode = networkModeOf(t, bindings);
  return {
    arn: t.taskArn ?? '',
    taskDefinitionArn: t.taskDefinitionArn ?? '',
    lastStatus: t.lastStatus ?? '',
    desiredStatus: t.desiredStatus ?? '',
    ...taskAddresses(t),
    tags: toTags(t.tags),
    group: t.group,
    ...(t.startedBy === undefined ? {} : { startedBy: t.startedBy }),
    ...(networkMode === undefined ? {} : { networkMode }),
    ...(bindings.length === 0 ? {} : { portBindings: bindings }),
    ...(t.containerInstanceArn === undefined ? {} : { containerInstanceArn: t.containerInstanceArn }),
    ...networkInterfaceOf(t),
    // launchType (issue 14's EXTERNAL test and the `MetaLabels=full` label) comes with the facts.
    ...taskFacts(t),
  };
};

const networkInterfaceOf = (t: SdkTask): { networkInterfaceId?: string } => {
  const eni = (t.attachments ?? []).find((a) => a.type === 'ElasticNetworkInterface');
  const id = eni?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
  return id ? { networkInterfaceId: id } : {};
};

/** The facts Prometheus' `aws_sd_configs` role `ecs` labels a task with, where the task has them. */
const taskFacts = (t: SdkTask): Partial<Task> => {
  const eni = (t.attachments ?? []).find((a) => a.type === 'ElasticNetworkInterface');
  const facts = {
    availabilityZone: t.availabilityZone,
    launchType: t.launchType,
    healthStatus: t.healthStatus,
    platformFamily: t.platformFamily,
    platformVersion: t.platformVersion,
    subnetId: eni?.details?.find((d) => d.name === 'subnetId')?.value,
  };
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined && value !== ''));
};

const byKey = (a: Tag, b: Tag): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Describes one task-definition revision (the API takes one per call): its network mode and, per
 * container, the docker labels (ordered by key: a JSON object has no meaningful order) and port mappings.
 */
export const describeTaskDefinition = async (
  ctx: CallContext,
  ecs: Sender,
  arn: string,
): Promise<TaskDefinition> => {
  const page = await ctx.call<DescribeTaskDefinitionCommandOutput>(
    'ecs:DescribeTaskDefinition',
    ecs,
    new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
  );
  const definition = page.taskDefinition;
  return {
    arn,
    ...(definition?.networkMode === undefined ? {} : { networkMode: definition.networkMode }),
    containers: (definition?.containerDefinitions ?? []).map((container) => ({
      name: container.name ?? '',
      dockerLabels: Object.entries(container.dockerLabels ?? {})
        .map(([key, value]) => ({ key, value }))
        .sort(byKey),
      portMappings: (container.portMappings ?? []).flatMap((mapping) =>
        mapping.containerPort === undefined
          ? []
          : [
              {
                containerPort: mapping.containerPort,
                ...(mapping.hostPort ? { hostPort: mapping.hostPort } : {}),
              },
            ],
      ),
    })),
  };
};
