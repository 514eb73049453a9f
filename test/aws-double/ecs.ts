/**
 * ECS operations of the double (target prefix `AmazonEC2ContainerServiceV20141113.`), with the
 * limits of the ECS API reference: DescribeClusters ≤100, DescribeServices ≤10, DescribeTasks ≤100;
 * ListServices and ListServicesByNamespace pages of 10 by default (≤100), ListTasks and ListClusters
 * pages of 100.
 */
import { ecsError, invalidEcsParameter } from './errors.ts';
import type { FleetCluster, FleetService, FleetTask, Tag, TaskDefinitionSpec } from './fleet.ts';
import { eniIdOf, hashId, NetworkMode } from './fleet.ts';
import type { ClusterEntry, FleetIndex } from './fleet-index.ts';
import type { Input } from './input.ts';
import { optionalString, requiredString, stringList } from './input.ts';
import { page } from './paging.ts';
import { RawJson } from './raw-json.ts';

const DESCRIBE_CLUSTERS_MAX = 100;
const DESCRIBE_SERVICES_MAX = 10;
const DESCRIBE_TASKS_MAX = 100;
const DESCRIBE_CONTAINER_INSTANCES_MAX = 100;
const LIST_SERVICES_LIMITS = { defaultSize: 10, maxSize: 100 } as const;
const LIST_TASKS_LIMITS = { defaultSize: 100, maxSize: 100 } as const;
const LIST_CLUSTERS_LIMITS = { defaultSize: 100, maxSize: 100 } as const;

const invalid = invalidEcsParameter;

const includesTags = (input: Input): boolean =>
  (stringList(input, 'include', invalid) ?? []).includes('TAGS');

const tagsJson = (tags: readonly Tag[]) => tags.map((t) => ({ key: t.key, value: t.value }));

/** The cluster a request names (`cluster`, name or ARN; ECS defaults to `default`). */
const clusterOf = (index: FleetIndex, input: Input): ClusterEntry => {
  const name = optionalString(input, 'cluster', invalid) ?? 'default';
  const entry = index.clusters.get(name);
  if (!entry) throw ecsError('ClusterNotFoundException', 'Cluster not found.');
  return entry;
};

const clusterJson = (cluster: FleetCluster, withTags: boolean) => {
  let running = 0;
  let pending = 0;
  for (const task of [...cluster.services.flatMap((s) => s.tasks), ...cluster.standaloneTasks]) {
    if (task.lastStatus === 'RUNNING') running += 1;
    else if (task.lastStatus === 'PENDING') pending += 1;
  }
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: cluster.containerInstances.length,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: cluster.services.filter((s) => s.status === 'ACTIVE').length,
    statistics: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
    ...(withTags ? { tags: tagsJson(cluster.tags) } : {}),
  };
};

const serviceJson = (service: FleetService, withTags: boolean) => {
  const running = service.tasks.filter(
    (t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING',
  ).length;
  const desired = service.tasks.filter((t) => t.desiredStatus === 'RUNNING').length;
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: [],
    serviceRegistries: service.serviceRegistries.map((r) => ({ ...r })),
    status: service.status,
    desiredCount: desired,
    runningCount: running,
    pendingCount: desired - running,
    launchType: service.launchType,
    ...(service.launchType === 'FARGATE' ? { platformVersion: 'LATEST', platformFamily: 'Linux' } : {}),
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: service.deployments.map((d, position) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinitionArn,
      desiredCount: position === 0 ? desired : 0,
      pendingCount: position === 0 ? desired - running : 0,
      runningCount: position === 0 ? running : 0,
      failedTasks: 0,
      createdAt: d.createdAt,
      updatedAt: d.createdAt + 60,
      launchType: service.launchType,
      rolloutState: d.status === 'PRIMARY' ? 'COMPLETED' : 'IN_PROGRESS',
      ...(d.serviceConnect
        ? {
            serviceConnectConfiguration: {
              enabled: d.serviceConnect.enabled,
              namespace: d.serviceConnect.namespace,
              services: d.serviceConnect.resources.map((r) => ({
                portName: r.discoveryName,
                discoveryName: r.discoveryName,
              })),
            },
            serviceConnectResources: d.serviceConnect.resources.map((r) => ({ ...r })),
          }
        : {}),
    })),
    roleArn: service.arn.replace(
      /:service\/.*$/,
      ':role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
    ),
    events: [],
    createdAt: service.createdAt,
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    ...(withTags ? { tags: tagsJson(service.tags) } : {}),
    enableECSManagedTags: true,
    propagateTags: 'SERVICE',
    enableExecuteCommand: false,
  };
};

const attachmentStatus = (lastStatus: string): string =>
  lastStatus === 'PROVISIONING' ? 'PRECREATED' : lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED';

// Fleets are immutable: each task's answer is built once (the benchmarks describe 30k tasks per refresh).
// Cached as JSON text: serialising is most of the cost of a 100-task DescribeTasks answer.
const taskCache = new WeakMap<FleetTask, { readonly plain: string; readonly tagged: string }>();

const taskJsonText = (task: FleetTask, withTags: boolean): string => {
  let cached = taskCache.get(task);
  if (!cached) {
    const plain = buildTaskJson(task);
    cached = {
      plain: JSON.stringify(plain),
      tagged: JSON.stringify({ ...plain, tags: tagsJson(task.tags) }),
    };
    taskCache.set(task, cached);
  }
  return withTags ? cached.tagged : cached.plain;
};

const buildTaskJson = (task: FleetTask) => {
  const awsvpc = task.network === NetworkMode.Awsvpc;
  const attachmentId = `${task.id.slice(0, 8)}-${task.id.slice(8, 12)}-${task.id.slice(12, 16)}-${task.id.slice(16, 20)}-${task.id.slice(20, 32)}`;
  const ipInAttachment = task.ip !== undefined && task.addressIn !== 'container';
  const ipInContainer = task.ip !== undefined && task.addressIn !== 'attachment';
  const eni = eniIdOf(task.arn);
  const details = [
    { name: 'subnetId', value: `subnet-${hashId(task.availabilityZone, 17)}` },
    { name: 'networkInterfaceId', value: eni },
    { name: 'macAddress', value: '0a:1b:2c:3d:4e:5f' },
    ...(ipInAttachment
      ? [
          { name: 'privateDnsName', value: `ip-${task.ip!.replaceAll('.', '-')}.ec2.internal` },
          { name: 'privateIPv4Address', value: task.ip! },
        ]
      : []),
    ...(task.ipv6 !== undefined && task.addressIn !== 'container'
      ? [{ name: 'ipv6Address', value: task.ipv6 }]
      : []),
  ];
  return {
    attachments: awsvpc
      ? [
          {
            id: attachmentId,
            type: 'ElasticNetworkInterface',
            status: attachmentStatus(task.lastStatus),
            details,
          },
        ]
      : [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: task.availabilityZone,
    clusterArn: task.clusterArn,
    connectivity: 'CONNECTED',
    connectivityAt: task.createdAt + 5,
    containers: task.containers.map((name, position) => ({
      containerArn: `${task.arn.replace(':task/', ':container/')}/${hashId(`${task.arn}/${name}`, 8)}`,
      taskArn: task.arn,
      name,
      image: `public.ecr.aws/example/${name}:latest`,
      lastStatus: task.lastStatus,
      networkBindings:
        position === 0
          ? task.bindings.map((b) => ({
              bindIP: '0.0.0.0',
              containerPort: b.containerPort,
              hostPort: b.hostPort,
              protocol: 'tcp',
            }))
          : [],
      networkInterfaces:
        awsvpc && (ipInContainer || task.ipv6 !== undefined)
          ? [
              {
                attachmentId,
                ...(ipInContainer ? { privateIpv4Address: task.ip! } : {}),
                ...(task.ipv6 !== undefined && task.addressIn !== 'attachment'
                  ? { ipv6Address: task.ipv6 }
                  : {}),
              },
            ]
          : [],
      healthStatus: 'UNKNOWN',
      cpu: '0',
    })),
    cpu: '256',
    ...(task.containerInstanceArn === undefined ? {} : { containerInstanceArn: task.containerInstanceArn }),
    createdAt: task.createdAt,
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: task.group,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory: '512',
    overrides: {
      containerOverrides: task.containers.map((name) => ({ name })),
      inferenceAcceleratorOverrides: [],
    },
    ...(task.launchType === 'FARGATE' ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {}),
    startedAt: task.createdAt + 30,
    ...(task.startedBy === undefined ? {} : { startedBy: task.startedBy }),
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinitionArn,
    version: 3,
  };
};

const missing = (arn: string) => ({ arn, reason: 'MISSING' });

const describeClusters = (index: FleetIndex, input: Input) => {
  const names = stringList(input, 'clusters', invalid) ?? ['default'];
  if (names.length > DESCRIBE_CLUSTERS_MAX) {
    throw invalid(`clusters can have at most ${DESCRIBE_CLUSTERS_MAX} items.`);
  }
  const withTags = includesTags(input);
  const clusters = [];
  const failures = [];
  for (const name of names) {
    const entry = index.clusters.get(name);
    if (entry) clusters.push(clusterJson(entry.cluster, withTags));
    else {
      failures.push(
        missing(
          name.startsWith('arn:')
            ? name
            : `arn:aws:ecs:${index.fleet.region}:${index.fleet.accountId}:cluster/${name}`,
        ),
      );
    }
  }
  return { clusters, failures };
};

const listClusters = (index: FleetIndex, input: Input) => {
  const arns = index.fleet.clusters.map((c) => c.arn);
  const result = page(
    arns,
    { operation: 'ListClusters', scope: '', ...pageArgs(input) },
    LIST_CLUSTERS_LIMITS,
  );
  return { clusterArns: result.items, ...nextTokenOf(result.nextToken) };
};

const pageArgs = (input: Input) => ({ maxResults: input.maxResults, nextToken: input.nextToken, invalid });
const nextTokenOf = (token: string | undefined) => (token === undefined ? {} : { nextToken: token });

const listServices = (index: FleetIndex, input: Input) => {
  const entry = clusterOf(index, input);
  const launchType = optionalString(input, 'launchType', invalid);
  const arns = entry.cluster.services
    .filter((s) => s.status !== 'INACTIVE' && (launchType === undefined || s.launchType === launchType))
    .map((s) => s.arn);
  const scope = `${entry.cluster.arn}|${launchType ?? ''}`;
  const result = page(arns, { operation: 'ListServices', scope, ...pageArgs(input) }, LIST_SERVICES_LIMITS);
  return { serviceArns: result.items, ...nextTokenOf(result.nextToken) };
};

const describeServices = (index: FleetIndex, input: Input) => {
  const names = stringList(input, 'services', invalid);
  if (!names || names.length === 0) throw invalid('Services cannot be empty.');
  if (names.length > DESCRIBE_SERVICES_MAX) {
    throw invalid(`services can have at most ${DESCRIBE_SERVICES_MAX} items.`);
  }
  const entry = clusterOf(index, input);
  const withTags = includesTags(input);
  const services = [];
  const failures = [];
  for (const name of names) {
    const service = entry.services.get(name);
    if (service) services.push(serviceJson(service, withTags));
    else
      failures.push(
        missing(
          name.startsWith('arn:') ? name : `${entry.cluster.arn.replace(':cluster/', ':service/')}/${name}`,
        ),
      );
  }
  return { services, failures };
};

const TASK_STATUSES = new Set(['RUNNING', 'PENDING', 'STOPPED']);

const listTasks = (index: FleetIndex, input: Input) => {
  const entry = clusterOf(index, input);
  const serviceName = optionalString(input, 'serviceName', invalid);
  const desiredStatus = optionalString(input, 'desiredStatus', invalid) ?? 'RUNNING';
  if (!TASK_STATUSES.has(desiredStatus)) throw invalid(`desiredStatus '${desiredStatus}' is not valid.`);
  const family = optionalString(input, 'family', invalid);
  const launchType = optionalString(input, 'launchType', invalid);
  let service: FleetService | undefined;
  if (serviceName !== undefined) {
    service = entry.services.get(serviceName);
    if (!service) throw ecsError('ServiceNotFoundException', 'Service not found.');
  }
  const scope = [entry.cluster.arn, service?.arn ?? '', desiredStatus, family ?? '', launchType ?? ''].join(
    '|',
  );
  let arns = index.memo.get(scope);
  if (!arns) {
    arns = (service ? service.tasks : entry.allTasks)
      .filter(
        (t) =>
          t.desiredStatus === desiredStatus &&
          (family === undefined || t.taskDefinitionArn.includes(`:task-definition/${family}:`)) &&
          (launchType === undefined || t.launchType === launchType),
      )
      .map((t) => t.arn);
    index.memo.set(scope, arns);
  }
  const result = page(arns, { operation: 'ListTasks', scope, ...pageArgs(input) }, LIST_TASKS_LIMITS);
  return { taskArns: result.items, ...nextTokenOf(result.nextToken) };
};

const describeTasks = (index: FleetIndex, input: Input) => {
  const ids = stringList(input, 'tasks', invalid);
  if (!ids || ids.length === 0) throw invalid('Tasks cannot be empty.');
  if (ids.length > DESCRIBE_TASKS_MAX) throw invalid(`tasks can have at most ${DESCRIBE_TASKS_MAX} items.`);
  const entry = clusterOf(index, input);
  const withTags = includesTags(input);
  const tasks: string[] = [];
  const failures = [];
  for (const id of ids) {
    const task = entry.tasks.get(id);
    if (task) tasks.push(taskJsonText(task, withTags));
    else
      failures.push(
        missing(id.startsWith('arn:') ? id : `${entry.cluster.arn.replace(':cluster/', ':task/')}/${id}`),
      );
  }
  return new RawJson(`{"tasks":[${tasks.join(',')}],"failures":${JSON.stringify(failures)}}`);
};

const describeContainerInstances = (index: FleetIndex, input: Input) => {
  const ids = stringList(input, 'containerInstances', invalid);
  if (!ids || ids.length === 0) throw invalid('containerInstances cannot be empty.');
  if (ids.length > DESCRIBE_CONTAINER_INSTANCES_MAX) {
    throw invalid(`containerInstances can have at most ${DESCRIBE_CONTAINER_INSTANCES_MAX} items.`);
  }
  const entry = clusterOf(index, input);
  const containerInstances = [];
  const failures = [];
  for (const id of ids) {
    const ci = entry.containerInstances.get(id);
    if (!ci) {
      failures.push(
        missing(
          id.startsWith('arn:')
            ? id
            : `${entry.cluster.arn.replace(':cluster/', ':container-instance/')}/${id}`,
        ),
      );
      continue;
    }
    containerInstances.push({
      containerInstanceArn: ci.arn,
      // ECS Anywhere reports the SSM managed instance id in this field.
      ec2InstanceId: ci.ec2InstanceId ?? `mi-${hashId(ci.arn, 17)}`,
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: entry.allTasks.filter((t) => t.containerInstanceArn === ci.arn).length,
      pendingTasksCount: 0,
      attributes: [{ name: 'ecs.os-type', value: 'linux' }],
      registeredAt: 1_700_000_000,
    });
  }
  return { containerInstances, failures };
};

/** The task of the fleet that first uses `arn`, for answering undeclared revisions. */
const firstTaskUsing = (index: FleetIndex, arn: string): FleetTask | undefined => {
  for (const cluster of index.fleet.clusters)
    for (const service of cluster.services)
      for (const task of service.tasks) if (task.taskDefinitionArn === arn) return task;
  return undefined;
};

/** `family:revision`, `family` (latest revision) or a full ARN, as ECS accepts them. */
const describeTaskDefinition = (index: FleetIndex, input: Input) => {
  const name = requiredString(input, 'taskDefinition', invalid);
  const declared = index.fleet.taskDefinitions ?? [];
  const wanted = name.startsWith('arn:') ? name : undefined;
  const [family, revision] = name.split(':');
  const found = wanted
    ? declared.find((d) => d.arn === wanted)
    : declared
        .filter((d) => d.family === family && (revision === undefined || d.revision === Number(revision)))
        .sort((a, b) => b.revision - a.revision)[0];
  const arn =
    found?.arn ??
    wanted ??
    `arn:aws:ecs:${index.fleet.region}:${index.fleet.accountId}:task-definition/${name.includes(':') ? name : `${name}:1`}`;
  const task = found ? undefined : firstTaskUsing(index, arn);
  if (!found && !task) throw ecsError('ClientException', 'Unable to describe task definition.');
  const networkMode = found?.networkMode ?? (task?.network === NetworkMode.Bridge ? 'bridge' : 'awsvpc');
  const containers: TaskDefinitionSpec['containers'] =
    found?.containers ?? task!.containers.map((container) => ({ name: container }));
  return {
    taskDefinition: {
      taskDefinitionArn: arn,
      family: arn.slice(arn.lastIndexOf('/') + 1, arn.lastIndexOf(':')),
      revision: Number(arn.slice(arn.lastIndexOf(':') + 1)),
      networkMode,
      status: 'ACTIVE',
      requiresCompatibilities: networkMode === 'awsvpc' ? ['FARGATE'] : ['EC2'],
      containerDefinitions: containers.map((container) => ({
        name: container.name,
        image: `public.ecr.aws/example/${container.name}:latest`,
        essential: true,
        portMappings: (container.portMappings ?? []).map((mapping) => ({
          containerPort: mapping.containerPort,
          hostPort: mapping.hostPort ?? (networkMode === 'awsvpc' ? mapping.containerPort : 0),
          protocol: 'tcp',
        })),
        ...(container.dockerLabels ? { dockerLabels: { ...container.dockerLabels } } : {}),
      })),
    },
  };
};

const listServicesByNamespace = (index: FleetIndex, input: Input) => {
  const name = requiredString(input, 'namespace', invalid);
  const namespace = index.namespaces.get(name) ?? index.namespacesByName.get(name)?.[0];
  if (!namespace) throw ecsError('NamespaceNotFoundException', 'Namespace not found.');
  const arns = index.serviceConnectMembers.get(namespace.arn) ?? [];
  const result = page(
    arns,
    { operation: 'ListServicesByNamespace', scope: namespace.arn, ...pageArgs(input) },
    LIST_SERVICES_LIMITS,
  );
  return { serviceArns: result.items, ...nextTokenOf(result.nextToken) };
};

/** ECS handlers by operation name. */
export const ecsOperations = {
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  ListServices: listServices,
  DescribeServices: describeServices,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  DescribeContainerInstances: describeContainerInstances,
  ListServicesByNamespace: listServicesByNamespace,
  DescribeTaskDefinition: describeTaskDefinition,
} as const satisfies Record<string, (index: FleetIndex, input: Input) => unknown>;

/** The request's cluster name (last ARN segment), for fault matching. */
export const requestClusterName = (input: Input): string | undefined => {
  const value = input.cluster;
  return typeof value === 'string' ? value.slice(value.lastIndexOf('/') + 1) : undefined;
};
