/**
 * The fleet the AWS API double serves: a declarative description (`FleetSpec`, pleasant to write)
 * and its normalised form (`Fleet`, plain data with every ARN, id and address resolved).
 *
 * `defineFleet` is deterministic: the same spec always yields the same ids, ARNs and addresses, so
 * a test can rebuild a changed fleet from an edited spec and keep every other resource identical.
 * Service Connect and Service Discovery registrations create the Cloud Map services and one
 * instance per registered task, as ECS does.
 */
/** One AWS resource tag. */
export type Tag = { readonly key: string; readonly value: string };

/**
 * Tags as a record (`{ team: 'a' }`) or, to keep an exact order or repeat a key, as a list of
 * `{ key, value }`. A record's integer-like keys are reordered by JavaScript; use the list then.
 */
export type TagsInput = Readonly<Record<string, string>> | readonly Tag[];

export const NetworkMode = { Awsvpc: 'awsvpc', Bridge: 'bridge', Host: 'host' } as const;
export type NetworkMode = (typeof NetworkMode)[keyof typeof NetworkMode];

/** Where a task's address shows in DescribeTasks. */
export const AddressIn = { Attachment: 'attachment', Container: 'container', Both: 'both' } as const;
export type AddressIn = (typeof AddressIn)[keyof typeof AddressIn];

export type TaskSpec = {
  /** Task id (the last ARN segment). @default 32 hex chars derived from cluster, service and index */
  readonly id?: string;
  /** Private IPv4; `null` for a task without any address. @default next address of the fleet pool */
  readonly ip?: string | null;
  /** @default the service's network mode */
  readonly network?: NetworkMode;
  /** Where the address is reported (ENI attachment, container network interface, or both). @default 'both' */
  readonly addressIn?: AddressIn;
  /** @default 'RUNNING' */
  readonly lastStatus?: string;
  /** @default 'RUNNING' */
  readonly desiredStatus?: string;
  /** @default the service's launch type */
  readonly launchType?: string;
  /** Task tags, after the service's `taskTags`. @default none */
  readonly tags?: TagsInput;
  /** `family:revision`. @default the service's task definition */
  readonly taskDefinition?: string;
  /** @default 'us-east-1a' style, alternating a/b/c by task index */
  readonly availabilityZone?: string;
  /** Container names. @default ['app'] */
  readonly containers?: readonly string[];
  /**
   * Whether ECS registered this task in the service's Cloud Map services (Service Connect and
   * Service Discovery). @default true when the task has an address and lastStatus is RUNNING
   */
  readonly registered?: boolean;
  /** Extra (or overriding) Cloud Map instance attributes for this task's registrations. @default none */
  readonly instanceAttributes?: Readonly<Record<string, string>>;
  /** Private IPv6 of an awsvpc task (ENI `ipv6Address` and container `ipv6Address`). @default none */
  readonly ipv6?: string;
  /**
   * Id of the cluster's container instance a bridge/host task runs on; given for an awsvpc task, it
   * runs on that EC2 host with an ENI of its own (awsvpc on EC2).
   * @default bridge/host: the cluster's container instances in turn (by task index); awsvpc: none
   */
  readonly containerInstance?: string;
  /** Public IPv4 of an awsvpc task's ENI (`association.publicIp`). @default none */
  readonly publicIp?: string;
  /**
   * `networkBindings` of the first container. @default bridge: 8080 → 32768 + container position;
   * host: 8080 → 8080; awsvpc: none
   */
  readonly bindings?: readonly { readonly containerPort: number; readonly hostPort: number }[];
};

/** A stand-alone task (no service): RunTask, AWS Batch, a scheduled task. */
export type StandaloneTaskSpec = TaskSpec & {
  /** @default 'family:<task definition family>' */
  readonly group?: string;
  /** @default none */
  readonly startedBy?: string;
  /** @default 'FARGATE' */
  readonly launchType?: string;
  /** @default 'awsvpc' */
  readonly network?: NetworkMode;
};

/** A registered container instance (EC2 host of bridge/host tasks). */
export type ContainerInstanceSpec = {
  /** Container instance id (last ARN segment). @default 32 hex chars derived from the cluster and index */
  readonly id?: string;
  /** EC2 instance id; `null` for ECS Anywhere (an `mi-…` managed instance). @default `i-` + 17 hex */
  readonly ec2InstanceId?: string | null;
  /** Primary private IPv4. @default next address of the host pool (from 172.31.0.10) */
  readonly ip?: string;
  /** @default none */
  readonly ipv6?: string;
  /** Whether EC2 still returns the instance (false: terminated and gone). @default true */
  readonly inEc2?: boolean;
  /** EC2 `InstanceType`. @default 'm7g.large' */
  readonly instanceType?: string;
  /**
   * EC2 `PublicIpAddress`; `null` for none. @default every even-indexed instance of the cluster
   * `203.0.113.<10 + index>`, the odd ones none
   */
  readonly publicIp?: string | null;
  /** EC2 `SubnetId`. @default `subnet-` + 17 hex derived from the cluster */
  readonly subnetId?: string;
  /** EC2 instance tags. @default `{ Name: '<cluster>-host-<index>' }`, none for every third instance (index 2, 5, …) */
  readonly tags?: TagsInput;
};

export type ServiceConnectSpec = {
  /**
   * Namespace name: the declared HTTP namespace of that name, else any declared one of that name,
   * else a new HTTP namespace.
   */
  readonly namespace: string;
  /**
   * Cloud Map service names ECS creates (the Service Connect `discoveryName`s).
   * @default [the ECS service name]
   */
  readonly discoveryName?: string | readonly string[];
  /** A client-only service: Service Connect enabled but no endpoint, so no Cloud Map service. @default false */
  readonly clientOnly?: boolean;
  /** `AWS_INSTANCE_PORT` of the registered instances. @default 8080 */
  readonly port?: number;
  /** How `serviceConnectConfiguration.namespace` is reported by DescribeServices. @default 'arn' */
  readonly namespaceAs?: 'arn' | 'name' | 'id';
};

export type ServiceDiscoverySpec = {
  /**
   * Namespace name: the declared DNS_PRIVATE namespace of that name, else any declared one of that
   * name, else a new DNS_PRIVATE namespace.
   */
  readonly namespace: string;
  /** Cloud Map service name. @default the ECS service name */
  readonly serviceName?: string;
  /** `AWS_INSTANCE_PORT` (SRV records); absent when not given. @default none */
  readonly port?: number;
  /** Whether DescribeServices lists it in `serviceRegistries` (false: matched by attributes only). @default true */
  readonly inServiceRegistries?: boolean;
};

export type DeploymentSpec = {
  /** @default 'PRIMARY' */
  readonly status?: string;
  /** Epoch seconds. @default fleet creation time minus the deployment's position in hours */
  readonly createdAt?: number;
  /** This deployment's Service Connect configuration; `false` for none. @default the service's */
  readonly serviceConnect?: ServiceConnectSpec | false;
  /** `family:revision`. @default the service's task definition */
  readonly taskDefinition?: string;
};

export type ServiceSpec = {
  readonly name: string;
  /** @default none */
  readonly tags?: TagsInput;
  /** A count of default tasks, or one spec per task. @default 1 */
  readonly tasks?: number | readonly TaskSpec[];
  /** Tags every task of this service carries (as `propagateTags`), before task-level tags. @default none */
  readonly taskTags?: TagsInput;
  /** `family:revision`. @default `${name}:1` */
  readonly taskDefinition?: string;
  /** @default 'FARGATE' ('EC2' when network is bridge or host) */
  readonly launchType?: string;
  /** @default 'awsvpc' */
  readonly network?: NetworkMode;
  /** @default 'ACTIVE' */
  readonly status?: string;
  readonly serviceConnect?: ServiceConnectSpec;
  readonly serviceDiscovery?: ServiceDiscoverySpec | readonly ServiceDiscoverySpec[];
  /** Deployments as DescribeServices reports them. @default one PRIMARY deployment */
  readonly deployments?: readonly DeploymentSpec[];
};

export type ClusterSpec = {
  readonly name: string;
  /** @default none */
  readonly tags?: TagsInput;
  /** @default none */
  readonly services?: readonly ServiceSpec[];
  /** @default one instance when a bridge/host task needs a host, else none */
  readonly containerInstances?: readonly ContainerInstanceSpec[];
  /** Running tasks of no service. @default none */
  readonly standaloneTasks?: readonly StandaloneTaskSpec[];
};

export type InstanceSpec = {
  /** @default derived from the service id and index */
  readonly id?: string;
  /** `AWS_INSTANCE_IPV4`; `null` for an instance without it. @default next address of the fleet pool */
  readonly ip?: string | null;
  /** `AWS_INSTANCE_PORT`. @default none */
  readonly port?: number;
  /** More attributes. @default none */
  readonly attributes?: Readonly<Record<string, string>>;
};

export const CloudMapServiceKind = { Http: 'HTTP', Dns: 'DNS', DnsHttp: 'DNS_HTTP' } as const;
export type CloudMapServiceKind = (typeof CloudMapServiceKind)[keyof typeof CloudMapServiceKind];

export type CloudMapServiceSpec = {
  readonly name: string;
  /** @default `srv-` + 16 hex chars derived from namespace and name */
  readonly id?: string;
  /** @default none (ECS-created services: "Managed by <ECS service ARN>") */
  readonly description?: string;
  /** @default none (ECS-created Service Connect services: AmazonECSManaged=true) */
  readonly tags?: TagsInput;
  /** @default 'DNS_HTTP' in DNS namespaces, 'HTTP' in HTTP namespaces */
  readonly type?: CloudMapServiceKind;
  /** A count of default instances, or one spec per instance. @default 0 */
  readonly instances?: number | readonly InstanceSpec[];
};

export const NamespaceKind = { DnsPrivate: 'DNS_PRIVATE', DnsPublic: 'DNS_PUBLIC', Http: 'HTTP' } as const;
export type NamespaceKind = (typeof NamespaceKind)[keyof typeof NamespaceKind];

export type NamespaceSpec = {
  readonly name: string;
  /** @default `ns-` + 16 hex chars derived from name and type */
  readonly id?: string;
  /** @default 'DNS_PRIVATE' */
  readonly type?: NamespaceKind;
  /** @default none */
  readonly tags?: TagsInput;
  /**
   * Cloud Map services not created by ECS. A service of the same name as one that an ECS
   * registration creates is merged into it: its description, tags and type win, instances add up.
   * @default none
   */
  readonly services?: readonly CloudMapServiceSpec[];
};

export type SecretSpec = { readonly name: string; readonly value: string };
export type ParameterSpec = {
  readonly name: string;
  readonly value: string;
  /** @default 'SecureString' */
  readonly type?: 'String' | 'SecureString' | 'StringList';
};

export type FleetSpec = {
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** First address of the pool that default task and instance addresses come from. @default '10.0.0.1' */
  readonly firstIp?: string;
  /** Creation time of every resource, epoch seconds. @default 1700000000 (2023-11-14) */
  readonly createdAt?: number;
  /** @default none */
  readonly clusters?: readonly ClusterSpec[];
  /** @default none */
  readonly namespaces?: readonly NamespaceSpec[];
  /** Secrets Manager secrets (for auth tests). @default none */
  readonly secrets?: readonly SecretSpec[];
  /** SSM parameters (for auth tests). @default none */
  readonly parameters?: readonly ParameterSpec[];
  /**
   * Task definitions DescribeTaskDefinition answers with (docker labels, port mappings). A revision
   * a task uses but not declared here is answered from the task: its containers, no labels.
   * @default none
   */
  readonly taskDefinitions?: readonly TaskDefinitionSpec[];
};

export type TaskDefinitionSpec = {
  /** `family:revision` (or a full ARN), as tasks and services name it. */
  readonly name: string;
  /** @default 'awsvpc' */
  readonly networkMode?: string;
  readonly containers: readonly {
    readonly name: string;
    readonly dockerLabels?: Readonly<Record<string, string>>;
    /** Container ports; `hostPort` only where a static bridge mapping is meant. */
    readonly portMappings?: readonly { readonly containerPort: number; readonly hostPort?: number }[];
  }[];
};

// ---------- the normalised fleet ----------

export type FleetTask = {
  readonly id: string;
  readonly arn: string;
  readonly clusterArn: string;
  readonly serviceName: string;
  readonly taskDefinitionArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly launchType: string;
  readonly network: NetworkMode;
  /** Private IPv4; undefined for a task without an address. */
  readonly ip: string | undefined;
  readonly addressIn: AddressIn;
  readonly availabilityZone: string;
  readonly containers: readonly string[];
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  readonly ipv6: string | undefined;
  /** ARN of the container instance of a bridge/host task (or of an awsvpc task on EC2). */
  readonly containerInstanceArn: string | undefined;
  /** Public IPv4 of the ENI of an awsvpc task. */
  readonly publicIp: string | undefined;
  readonly bindings: readonly { readonly containerPort: number; readonly hostPort: number }[];
  /** `service:<name>` for service tasks. */
  readonly group: string;
  readonly startedBy: string | undefined;
};

export type FleetContainerInstance = {
  readonly id: string;
  readonly arn: string;
  readonly ec2InstanceId: string | undefined;
  readonly ip: string;
  readonly ipv6: string | undefined;
  readonly inEc2: boolean;
  readonly instanceType: string;
  readonly publicIp: string | undefined;
  readonly subnetId: string;
  readonly tags: readonly Tag[];
};

export type FleetDeployment = {
  readonly id: string;
  readonly status: string;
  readonly taskDefinitionArn: string;
  readonly createdAt: number;
  readonly serviceConnect?: {
    readonly enabled: boolean;
    /** As DescribeServices reports it (ARN, name or id). */
    readonly namespace: string;
    readonly resources: readonly { readonly discoveryName: string; readonly discoveryArn: string }[];
  };
};

export type FleetService = {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly status: string;
  readonly launchType: string;
  readonly taskDefinitionArn: string;
  readonly tags: readonly Tag[];
  readonly deployments: readonly FleetDeployment[];
  readonly serviceRegistries: readonly { readonly registryArn: string; readonly port?: number }[];
  /** ARN of the Service Connect namespace (ListServicesByNamespace). */
  readonly serviceConnectNamespaceArn?: string;
  readonly tasks: readonly FleetTask[];
  readonly createdAt: number;
};

export type FleetCluster = {
  readonly arn: string;
  readonly name: string;
  readonly tags: readonly Tag[];
  readonly services: readonly FleetService[];
  readonly containerInstances: readonly FleetContainerInstance[];
  readonly standaloneTasks: readonly FleetTask[];
};

export type FleetInstance = { readonly id: string; readonly attributes: Readonly<Record<string, string>> };

export type FleetCloudMapService = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly namespaceId: string;
  readonly description?: string;
  readonly type: CloudMapServiceKind;
  readonly tags: readonly Tag[];
  readonly instances: readonly FleetInstance[];
  readonly createdAt: number;
};

export type FleetNamespace = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly type: NamespaceKind;
  readonly tags: readonly Tag[];
  readonly services: readonly FleetCloudMapService[];
  readonly createdAt: number;
};

export type FleetSecret = { readonly name: string; readonly arn: string; readonly value: string };
export type FleetParameter = {
  readonly name: string;
  readonly arn: string;
  readonly type: 'String' | 'SecureString' | 'StringList';
  readonly value: string;
};

/** The normalised fleet: plain data, every identifier resolved. */
export type Fleet = {
  readonly kind: 'fleet';
  readonly region: string;
  readonly accountId: string;
  readonly clusters: readonly FleetCluster[];
  readonly namespaces: readonly FleetNamespace[];
  readonly secrets: readonly FleetSecret[];
  readonly parameters: readonly FleetParameter[];
  /** Declared task definitions, ARNs resolved. */
  readonly taskDefinitions?: readonly FleetTaskDefinition[];
};

export type FleetTaskDefinition = {
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  readonly networkMode: string;
  readonly containers: TaskDefinitionSpec['containers'];
};

// ---------- helpers ----------

/** 32-bit FNV-1a of `text` mixed with `seed`, as 8 hex characters. */
const fnv1a = (text: string, seed: number): string => {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // Final avalanche so that similar inputs give unrelated-looking ids.
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d) >>> 0;
  hash ^= hash >>> 12;
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/**
 * Deterministic lower-case hex id of `length` characters derived from `text` (not cryptographic:
 * node:crypto hashing costs too much per task in 30k-task fleets).
 */
export const hashId = (text: string, length: number): string => {
  let out = '';
  for (let seed = 0; out.length < length; seed += 1) out += fnv1a(text, seed);
  return out.slice(0, length);
};

/** The ENI id of an awsvpc task (DescribeTasks' `networkInterfaceId`, DescribeNetworkInterfaces). */
export const eniIdOf = (taskArn: string): string => `eni-${hashId(`${taskArn}/eni`, 17)}`;

export const toTags = (input: TagsInput | undefined): Tag[] => {
  if (input === undefined) return [];
  if (Array.isArray(input)) return input.map((tag: Tag) => ({ key: tag.key, value: tag.value }));
  return Object.entries(input).map(([key, value]) => ({ key, value }));
};

const ipToInt = (ip: string): number => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`fleet: firstIp '${ip}' is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
};

const intToIp = (n: number): string =>
  [Math.floor(n / 16_777_216) % 256, Math.floor(n / 65_536) % 256, Math.floor(n / 256) % 256, n % 256].join(
    '.',
  );

/** Sequential addresses that skip the network (.0) and broadcast (.255) host parts. */
const addressPool = (first: string): (() => string) => {
  let next = ipToInt(first);
  return () => {
    while (next % 256 === 0 || next % 256 === 255) next += 1;
    const ip = intToIp(next);
    next += 1;
    return ip;
  };
};

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

const mergeTags = (base: readonly Tag[], extra: readonly Tag[]): Tag[] => {
  const keys = new Set(extra.map((t) => t.key));
  return [...base.filter((t) => !keys.has(t.key)), ...extra];
};

const taskDefinitionArnOf = (region: string, accountId: string, familyRevision: string): string =>
  familyRevision.startsWith('arn:')
    ? familyRevision
    : `arn:aws:ecs:${region}:${accountId}:task-definition/${familyRevision.includes(':') ? familyRevision : `${familyRevision}:1`}`;

const familyOf = (taskDefinitionArn: string): string => {
  const last = taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1);
  return last.slice(0, last.lastIndexOf(':'));
};

type MutableCloudMapService = {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  description?: string;
  type: CloudMapServiceKind;
  tags: Tag[];
  instances: FleetInstance[];
  createdAt: number;
};

type MutableNamespace = Omit<FleetNamespace, 'services'> & {
  services: MutableCloudMapService[];
  byName: Map<string, MutableCloudMapService>;
};

type Registration = {
  readonly cmService: MutableCloudMapService;
  readonly port?: number;
  readonly kind: 'connect' | 'discovery';
};

/**
 * Normalises a fleet description. Throws on contradictions (duplicate cluster, service, task id or
 * namespace names) with a message naming the offending entry.
 */
export const defineFleet = (spec: FleetSpec): Fleet => {
  const region = spec.region ?? 'us-east-1';
  const accountId = spec.accountId ?? '123456789012';
  const createdAt = spec.createdAt ?? 1_700_000_000;
  const nextIp = addressPool(spec.firstIp ?? '10.0.0.1');
  // Hosts draw from a pool of their own, so adding one never shifts a task's address.
  const nextHostIp = addressPool('172.31.0.10');
  const sdPrefix = `arn:aws:servicediscovery:${region}:${accountId}`;

  const namespaces: MutableNamespace[] = [];
  // Keyed by `name|type`: Cloud Map allows a DNS and an HTTP namespace of the same name.
  const namespaceByName = new Map<string, MutableNamespace>();
  const keyOf = (name: string, type: NamespaceKind) => `${name}|${type}`;
  const addNamespace = (name: string, type: NamespaceKind, id: string | undefined, tags: Tag[]) => {
    if (namespaceByName.has(keyOf(name, type))) {
      throw new Error(`fleet: namespace '${name}' of type ${type} is declared twice`);
    }
    const nsId = id ?? `ns-${hashId(`${region}/${accountId}/namespace/${name}/${type}`, 16)}`;
    const ns: MutableNamespace = {
      id: nsId,
      arn: `${sdPrefix}:namespace/${nsId}`,
      name,
      type,
      tags,
      services: [],
      byName: new Map(),
      createdAt,
    };
    namespaces.push(ns);
    namespaceByName.set(keyOf(name, type), ns);
    return ns;
  };
  const namespaceFor = (name: string, type: NamespaceKind) =>
    namespaceByName.get(keyOf(name, type)) ??
    namespaces.find((ns) => ns.name === name) ??
    addNamespace(name, type, undefined, []);
  const cmServiceFor = (ns: MutableNamespace, name: string, id?: string): MutableCloudMapService => {
    const existing = ns.byName.get(name);
    if (existing) return existing;
    const srvId = id ?? `srv-${hashId(`${ns.id}/service/${name}`, 16)}`;
    const created: MutableCloudMapService = {
      id: srvId,
      arn: `${sdPrefix}:service/${srvId}`,
      name,
      namespaceId: ns.id,
      type: ns.type === NamespaceKind.Http ? CloudMapServiceKind.Http : CloudMapServiceKind.DnsHttp,
      tags: [],
      instances: [],
      createdAt,
    };
    ns.services.push(created);
    ns.byName.set(name, created);
    return created;
  };

  for (const nsSpec of spec.namespaces ?? []) {
    addNamespace(nsSpec.name, nsSpec.type ?? NamespaceKind.DnsPrivate, nsSpec.id, toTags(nsSpec.tags));
  }

  const clusterNames = new Set<string>();
  const clusters: FleetCluster[] = (spec.clusters ?? []).map((clusterSpec) => {
    if (clusterNames.has(clusterSpec.name))
      throw new Error(`fleet: cluster '${clusterSpec.name}' is declared twice`);
    clusterNames.add(clusterSpec.name);
    const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${clusterSpec.name}`;
    const serviceNames = new Set<string>();
    const taskIds = new Set<string>();
    const needsHost = (network: NetworkMode | undefined) =>
      network === NetworkMode.Bridge || network === NetworkMode.Host;
    const anyHosted =
      (clusterSpec.services ?? []).some(
        (sv) =>
          needsHost(sv.network) ||
          (Array.isArray(sv.tasks) && sv.tasks.some((t: TaskSpec) => needsHost(t.network))),
      ) || (clusterSpec.standaloneTasks ?? []).some((t) => needsHost(t.network));
    const instanceSpecs = clusterSpec.containerInstances ?? (anyHosted ? [{}] : []);
    const containerInstances: FleetContainerInstance[] = instanceSpecs.map((ci, index) => {
      const id = ci.id ?? hashId(`${clusterArn}/container-instance/${index}`, 32);
      return {
        id,
        arn: `arn:aws:ecs:${region}:${accountId}:container-instance/${clusterSpec.name}/${id}`,
        ec2InstanceId:
          ci.ec2InstanceId === null
            ? undefined
            : (ci.ec2InstanceId ?? `i-${hashId(`${clusterArn}/ec2/${index}`, 17)}`),
        ip: ci.ip ?? nextHostIp(),
        ipv6: ci.ipv6,
        inEc2: ci.inEc2 ?? true,
        instanceType: ci.instanceType ?? 'm7g.large',
        publicIp:
          ci.publicIp === null
            ? undefined
            : (ci.publicIp ?? (index % 2 === 0 ? `203.0.113.${10 + index}` : undefined)),
        subnetId: ci.subnetId ?? `subnet-${hashId(`${clusterArn}/subnet`, 17)}`,
        tags:
          ci.tags === undefined
            ? index % 3 === 2
              ? []
              : [{ key: 'Name', value: `${clusterSpec.name}-host-${index}` }]
            : toTags(ci.tags),
      };
    });
    const hostFor = (taskSpec: TaskSpec, network: NetworkMode, index: number): string | undefined => {
      if (!needsHost(network) && taskSpec.containerInstance === undefined) return undefined;
      if (taskSpec.containerInstance !== undefined) {
        const found = containerInstances.find((ci) => ci.id === taskSpec.containerInstance);
        if (!found)
          throw new Error(`fleet: container instance '${taskSpec.containerInstance}' is not declared`);
        return found.arn;
      }
      return containerInstances[index % containerInstances.length]?.arn;
    };
    const bindingsFor = (taskSpec: TaskSpec, network: NetworkMode) =>
      taskSpec.bindings ??
      (network === NetworkMode.Bridge
        ? [{ containerPort: 8080, hostPort: 32768 }]
        : network === NetworkMode.Host
          ? [{ containerPort: 8080, hostPort: 8080 }]
          : []);

    const services = (clusterSpec.services ?? []).map((serviceSpec): FleetService => {
      const where = `${clusterSpec.name}/${serviceSpec.name}`;
      if (serviceNames.has(serviceSpec.name)) throw new Error(`fleet: service '${where}' is declared twice`);
      serviceNames.add(serviceSpec.name);
      const serviceArn = `arn:aws:ecs:${region}:${accountId}:service/${clusterSpec.name}/${serviceSpec.name}`;
      const network = serviceSpec.network ?? NetworkMode.Awsvpc;
      const launchType = serviceSpec.launchType ?? (network === NetworkMode.Awsvpc ? 'FARGATE' : 'EC2');
      const taskDefinitionArn = taskDefinitionArnOf(
        region,
        accountId,
        serviceSpec.taskDefinition ?? serviceSpec.name,
      );
      const managedBy = `Managed by ${serviceArn}`;

      // Cloud Map registrations made by ECS for this service.
      const registrations: Registration[] = [];
      const connectResources = (sc: ServiceConnectSpec) => {
        const ns = namespaceFor(sc.namespace, NamespaceKind.Http);
        const names = sc.clientOnly ? [] : list(sc.discoveryName ?? serviceSpec.name);
        return { ns, names };
      };
      let serviceConnectNamespaceArn: string | undefined;
      if (serviceSpec.serviceConnect) {
        const { ns, names } = connectResources(serviceSpec.serviceConnect);
        serviceConnectNamespaceArn = ns.arn;
        for (const name of names) {
          const cmService = cmServiceFor(ns, name);
          cmService.description ??= managedBy;
          if (!cmService.tags.some((t) => t.key === 'AmazonECSManaged')) {
            cmService.tags.push({ key: 'AmazonECSManaged', value: 'true' });
          }
          registrations.push({ cmService, port: serviceSpec.serviceConnect.port ?? 8080, kind: 'connect' });
        }
      }
      const serviceRegistries: { registryArn: string; port?: number }[] = [];
      for (const sd of list(serviceSpec.serviceDiscovery)) {
        const ns = namespaceFor(sd.namespace, NamespaceKind.DnsPrivate);
        const cmService = cmServiceFor(ns, sd.serviceName ?? serviceSpec.name);
        registrations.push({ cmService, port: sd.port, kind: 'discovery' });
        if (sd.inServiceRegistries !== false) {
          serviceRegistries.push(
            sd.port === undefined
              ? { registryArn: cmService.arn }
              : { registryArn: cmService.arn, port: sd.port },
          );
        }
      }

      const deploymentSpecs = serviceSpec.deployments ?? [{}];
      const deployments = deploymentSpecs.map((d, index): FleetDeployment => {
        const sc =
          d.serviceConnect === undefined ? serviceSpec.serviceConnect : d.serviceConnect || undefined;
        const base = {
          id: `ecs-svc/${BigInt(`0x${hashId(`${serviceArn}/deployment/${index}`, 15)}`)
            .toString()
            .padStart(19, '0')}`,
          status: d.status ?? (index === 0 ? 'PRIMARY' : 'ACTIVE'),
          taskDefinitionArn: d.taskDefinition
            ? taskDefinitionArnOf(region, accountId, d.taskDefinition)
            : taskDefinitionArn,
          createdAt: d.createdAt ?? createdAt - index * 3600,
        };
        if (!sc) return base;
        const { ns, names } = connectResources(sc);
        const namespace = sc.namespaceAs === 'name' ? ns.name : sc.namespaceAs === 'id' ? ns.id : ns.arn;
        const resources = names.map((name) => ({
          discoveryName: name,
          discoveryArn: cmServiceFor(ns, name).arn,
        }));
        return { ...base, serviceConnect: { enabled: true, namespace, resources } };
      });

      const taskSpecs: readonly TaskSpec[] =
        typeof serviceSpec.tasks === 'number' || serviceSpec.tasks === undefined
          ? Array.from({ length: serviceSpec.tasks ?? 1 }, () => ({}))
          : serviceSpec.tasks;
      const serviceTaskTags = toTags(serviceSpec.taskTags);
      const tasks = taskSpecs.map((taskSpec, index): FleetTask => {
        const id = taskSpec.id ?? hashId(`${clusterArn}/${serviceSpec.name}/task/${index}`, 32);
        if (taskIds.has(id))
          throw new Error(`fleet: task id '${id}' is used twice in cluster '${clusterSpec.name}'`);
        taskIds.add(id);
        const ip = taskSpec.ip === null ? undefined : (taskSpec.ip ?? nextIp());
        const lastStatus = taskSpec.lastStatus ?? 'RUNNING';
        const task: FleetTask = {
          id,
          arn: `arn:aws:ecs:${region}:${accountId}:task/${clusterSpec.name}/${id}`,
          clusterArn,
          serviceName: serviceSpec.name,
          taskDefinitionArn: taskSpec.taskDefinition
            ? taskDefinitionArnOf(region, accountId, taskSpec.taskDefinition)
            : taskDefinitionArn,
          lastStatus,
          desiredStatus: taskSpec.desiredStatus ?? 'RUNNING',
          launchType: taskSpec.launchType ?? launchType,
          network: taskSpec.network ?? network,
          ip,
          addressIn: taskSpec.addressIn ?? AddressIn.Both,
          availabilityZone: taskSpec.availabilityZone ?? `${region}${'abc'[index % 3]}`,
          containers: taskSpec.containers ?? ['app'],
          tags:
            taskSpec.tags === undefined ? serviceTaskTags : mergeTags(serviceTaskTags, toTags(taskSpec.tags)),
          createdAt,
          ipv6: taskSpec.ipv6,
          containerInstanceArn: hostFor(taskSpec, taskSpec.network ?? network, index),
          publicIp: taskSpec.publicIp,
          bindings: bindingsFor(taskSpec, taskSpec.network ?? network),
          group: `service:${serviceSpec.name}`,
          startedBy: `ecs-svc/${hashId(serviceSpec.name, 19).replace(/[a-f]/g, '1')}`,
        };
        if (taskSpec.registered ?? (ip !== undefined && lastStatus === 'RUNNING')) {
          for (const r of registrations) {
            // Plain assignments, not spreads: this loop runs once per task of 30k-task fleets.
            const attributes: Record<string, string> = {};
            if (ip !== undefined) attributes.AWS_INSTANCE_IPV4 = ip;
            if (r.port !== undefined) attributes.AWS_INSTANCE_PORT = String(r.port);
            attributes.AVAILABILITY_ZONE = task.availabilityZone;
            attributes.AWS_INIT_HEALTH_STATUS = 'HEALTHY';
            attributes.ECS_CLUSTER_NAME = clusterSpec.name;
            attributes.ECS_SERVICE_NAME = serviceSpec.name;
            attributes.ECS_TASK_DEFINITION_FAMILY = familyOf(task.taskDefinitionArn);
            attributes.REGION = region;
            if (taskSpec.instanceAttributes) Object.assign(attributes, taskSpec.instanceAttributes);
            r.cmService.instances.push({ id, attributes });
          }
        }
        return task;
      });

      return {
        arn: serviceArn,
        name: serviceSpec.name,
        clusterArn,
        status: serviceSpec.status ?? 'ACTIVE',
        launchType,
        taskDefinitionArn,
        tags: toTags(serviceSpec.tags),
        deployments,
        serviceRegistries,
        ...(serviceConnectNamespaceArn ? { serviceConnectNamespaceArn } : {}),
        tasks,
        createdAt,
      };
    });
    const standaloneTasks = (clusterSpec.standaloneTasks ?? []).map((taskSpec, index): FleetTask => {
      const id = taskSpec.id ?? hashId(`${clusterArn}/standalone/task/${index}`, 32);
      if (taskIds.has(id))
        throw new Error(`fleet: task id '${id}' is used twice in cluster '${clusterSpec.name}'`);
      taskIds.add(id);
      const network = taskSpec.network ?? NetworkMode.Awsvpc;
      const taskDefinitionArn = taskDefinitionArnOf(
        region,
        accountId,
        taskSpec.taskDefinition ?? `job-${index}`,
      );
      const ip = taskSpec.ip === null || needsHost(network) ? undefined : (taskSpec.ip ?? nextIp());
      return {
        id,
        arn: `arn:aws:ecs:${region}:${accountId}:task/${clusterSpec.name}/${id}`,
        clusterArn,
        serviceName: '',
        taskDefinitionArn,
        lastStatus: taskSpec.lastStatus ?? 'RUNNING',
        desiredStatus: taskSpec.desiredStatus ?? 'RUNNING',
        launchType: taskSpec.launchType ?? (network === NetworkMode.Awsvpc ? 'FARGATE' : 'EC2'),
        network,
        ip,
        addressIn: taskSpec.addressIn ?? AddressIn.Both,
        availabilityZone: taskSpec.availabilityZone ?? `${region}${'abc'[index % 3]}`,
        containers: taskSpec.containers ?? ['app'],
        tags: toTags(taskSpec.tags),
        createdAt,
        ipv6: taskSpec.ipv6,
        containerInstanceArn: hostFor(taskSpec, network, index),
        publicIp: taskSpec.publicIp,
        bindings: bindingsFor(taskSpec, network),
        group: taskSpec.group ?? `family:${familyOf(taskDefinitionArn)}`,
        startedBy: taskSpec.startedBy,
      };
    });
    return {
      arn: clusterArn,
      name: clusterSpec.name,
      tags: toTags(clusterSpec.tags),
      services,
      containerInstances,
      standaloneTasks,
    };
  });

  // Plain Cloud Map services (merged into ECS-created ones of the same name).
  for (const nsSpec of spec.namespaces ?? []) {
    const ns = namespaceByName.get(keyOf(nsSpec.name, nsSpec.type ?? NamespaceKind.DnsPrivate))!;
    for (const srvSpec of nsSpec.services ?? []) {
      const cmService = cmServiceFor(ns, srvSpec.name, srvSpec.id);
      if (srvSpec.description !== undefined) cmService.description = srvSpec.description;
      if (srvSpec.tags !== undefined) cmService.tags = toTags(srvSpec.tags);
      if (srvSpec.type !== undefined) cmService.type = srvSpec.type;
      const instanceSpecs: readonly InstanceSpec[] =
        typeof srvSpec.instances === 'number' || srvSpec.instances === undefined
          ? Array.from({ length: srvSpec.instances ?? 0 }, () => ({}))
          : srvSpec.instances;
      const offset = cmService.instances.length;
      for (const [index, instanceSpec] of instanceSpecs.entries()) {
        const ip = instanceSpec.ip === null ? undefined : (instanceSpec.ip ?? nextIp());
        cmService.instances.push({
          id: instanceSpec.id ?? `i-${hashId(`${cmService.id}/instance/${offset + index}`, 17)}`,
          attributes: {
            ...(ip === undefined ? {} : { AWS_INSTANCE_IPV4: ip }),
            ...(instanceSpec.port === undefined ? {} : { AWS_INSTANCE_PORT: String(instanceSpec.port) }),
            ...instanceSpec.attributes,
          },
        });
      }
    }
  }

  const secrets = (spec.secrets ?? []).map((s) => ({
    name: s.name,
    arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${s.name}-${hashId(`secret/${s.name}`, 6)}`,
    value: s.value,
  }));
  const parameters = (spec.parameters ?? []).map((p) => {
    const path = p.name.startsWith('/') ? p.name : `/${p.name}`;
    return {
      name: p.name,
      arn: `arn:aws:ssm:${region}:${accountId}:parameter${path}`,
      type: p.type ?? 'SecureString',
      value: p.value,
    };
  });

  return {
    kind: 'fleet',
    region,
    accountId,
    clusters,
    namespaces: namespaces.map(({ byName: _byName, ...ns }) => ns),
    secrets,
    parameters,
    taskDefinitions: (spec.taskDefinitions ?? []).map((definition) => {
      const arn = taskDefinitionArnOf(region, accountId, definition.name);
      return {
        arn,
        family: familyOf(arn),
        revision: Number(arn.slice(arn.lastIndexOf(':') + 1)),
        networkMode: definition.networkMode ?? 'awsvpc',
        containers: definition.containers,
      };
    }),
  };
};

/** Every task of the fleet, cluster by cluster, service by service. */
export const allTasks = (fleet: Fleet): FleetTask[] =>
  fleet.clusters.flatMap((c) => c.services.flatMap((s) => s.tasks));

/** Every Cloud Map service of the fleet. */
export const allCloudMapServices = (fleet: Fleet): FleetCloudMapService[] =>
  fleet.namespaces.flatMap((ns) => ns.services);
