/**
 * The label contract: every label name the product can emit that is not a user tag, an extra
 * label or a relabel target. Derived from two prefixes, one per audience: `_sys_` labels are
 * stored by Prometheus (single underscore), `__meta_` copies are only visible to relabelling and
 * dropped afterwards. Both carry the same value (docs/decisions.md "System and meta labels").
 */

/** Prefix of the system labels, stored as series labels unless the operator drops them. */
export const SYSTEM_LABEL_PREFIX = '_sys_';
/** Prefix of the metadata copies, dropped by Prometheus after target relabelling. */
export const META_LABEL_PREFIX = '__meta_';

/** The seven properties every target carries, as `<prefix><property>`. */
export const TargetProperty = {
  /** Cluster name. */
  EcsCluster: 'ecs_cluster',
  /** ECS service name. */
  EcsService: 'ecs_service',
  /** Full task ARN. */
  EcsTask: 'ecs_task',
  /** Full task-definition ARN (with revision). */
  EcsTaskDefinition: 'ecs_task_definition',
  /** Matched Cloud Map service name; empty (so not rendered) without a match. */
  CloudMapServiceName: 'cloudmap_service_name',
  /** Id of the matched service's instance with the task's IPv4; empty without one. */
  CloudMapServiceInstanceId: 'cloudmap_service_instance_id',
  /** `ServiceConnect` or `ServiceDiscovery`; empty without a match. */
  CloudMapServiceType: 'cloudmap_service_type',
} as const;
export type TargetProperty = (typeof TargetProperty)[keyof typeof TargetProperty];

type Prefixed<P extends string> = {
  readonly [K in keyof typeof TargetProperty]: `${P}${(typeof TargetProperty)[K]}`;
};

const prefixed = <P extends string>(prefix: P): Prefixed<P> =>
  // Object.fromEntries loses the key/value pairing in its type; the mapped type restores it.
  Object.freeze(
    Object.fromEntries(
      Object.entries(TargetProperty).map(([key, property]) => [key, `${prefix}${property}`]),
    ),
  ) as Prefixed<P>;

/** `_sys_ecs_cluster`, `_sys_ecs_service`, … */
export const SystemLabel = prefixed(SYSTEM_LABEL_PREFIX);
/** `__meta_ecs_cluster`, `__meta_ecs_service`, … */
export const MetaLabel = prefixed(META_LABEL_PREFIX);

/**
 * The source of a target (docs/decisions.md "Many accounts and Regions (issue 16)"): account and
 * Region of its cluster's ARN. Emitted only when `AssumeRoleArns` or `Regions` is set, so a
 * one-account deployment keeps its bodies byte for byte.
 */
export const SourceProperty = {
  /** The 12-digit account id of the task's cluster. */
  EcsAccountId: 'ecs_account_id',
  /** The Region of the task's cluster, e.g. `eu-west-1`. */
  EcsRegion: 'ecs_region',
} as const;

/** `_sys_ecs_account_id`, `_sys_ecs_region`. */
export const SystemSourceLabel = {
  EcsAccountId: `${SYSTEM_LABEL_PREFIX}${SourceProperty.EcsAccountId}`,
  EcsRegion: `${SYSTEM_LABEL_PREFIX}${SourceProperty.EcsRegion}`,
} as const;
/** `__meta_ecs_account_id`, `__meta_ecs_region`. */
export const MetaSourceLabel = {
  EcsAccountId: `${META_LABEL_PREFIX}${SourceProperty.EcsAccountId}`,
  EcsRegion: `${META_LABEL_PREFIX}${SourceProperty.EcsRegion}`,
} as const;

/**
 * Labels every target group starts with. They win over any tag, extra or relabel label of the same
 * sanitised name (docs/decisions.md "Rendering"), so a response never has a duplicate key.
 */
export const FixedLabel = {
  /** The scrape path of the group. */
  MetricsPath: '__metrics_path__',
  /** The task's IPv4 without port, identical for all groups of a task. */
  Instance: 'instance',
  /** `<prefix>NAME*` of the group; present only when non-blank. */
  ScrapeTargetName: 'scrape_target_name',
} as const;
export type FixedLabel = (typeof FixedLabel)[keyof typeof FixedLabel];

/**
 * Labels whose name starts with this (case-insensitive) are scratch space for relabelling and are
 * removed before rendering, however they were produced (docs/decisions.md "Relabelling").
 */
export const TEMPORARY_LABEL_PREFIX = '_tmp';

/**
 * Prometheus reserves names starting with `__` for itself (`__address__`, `__scheme__`,
 * `__param_*`, `__scrape_interval__`, …) and sets `job` from its configuration: a label an AWS
 * tag produces must be neither, or whoever may tag a task steers the scrape (docs/decisions.md,
 * "Hostile input (issue 10)"). Only the service's own labels start with `__`.
 */
export const RESERVED_LABEL_PREFIX = '__';
/** The job label; case-sensitive like every Prometheus name (`JOB` is an ordinary label). */
export const JOB_LABEL = 'job';

/** A label value longer than this (UTF-8 bytes, after relabelling) is left out with a warning. */
export const MAX_LABEL_VALUE_BYTES = 16 * 1024;

/** Scrape path of a group without a (non-blank) `<prefix>PATH*` tag. */
export const DEFAULT_METRICS_PATH = '/metrics';

/**
 * Prometheus' own `aws_sd_configs` role `ecs` names (prometheus/prometheus discovery/aws/ecs.go),
 * emitted besides the original's with the same meaning and value format, so relabel rules move
 * both ways unchanged (docs/decisions.md "Portable labels (issue 15)"). `Cluster`, `Service` and
 * `TaskDefinition` are the same names (and values) as the original's `MetaLabel` ones.
 */
export const ECS_META_PREFIX = `${META_LABEL_PREFIX}ecs_`;

export const EcsMetaProperty = {
  Cluster: 'cluster',
  ClusterArn: 'cluster_arn',
  Service: 'service',
  ServiceArn: 'service_arn',
  ServiceStatus: 'service_status',
  TaskGroup: 'task_group',
  TaskArn: 'task_arn',
  TaskDefinition: 'task_definition',
  Region: 'region',
  AvailabilityZone: 'availability_zone',
  SubnetId: 'subnet_id',
  IpAddress: 'ip_address',
  LaunchType: 'launch_type',
  DesiredStatus: 'desired_status',
  LastStatus: 'last_status',
  HealthStatus: 'health_status',
  PlatformFamily: 'platform_family',
  PlatformVersion: 'platform_version',
  NetworkMode: 'network_mode',
  ContainerInstanceArn: 'container_instance_arn',
  Ec2InstanceId: 'ec2_instance_id',
  Ec2InstanceType: 'ec2_instance_type',
  Ec2InstancePrivateIp: 'ec2_instance_private_ip',
  Ec2InstancePublicIp: 'ec2_instance_public_ip',
  PublicIp: 'public_ip',
} as const;

type PrefixedBy<P extends string, T extends Readonly<Record<string, string>>> = {
  readonly [K in keyof T]: `${P}${T[K]}`;
};

const prefixAll = <P extends string, T extends Readonly<Record<string, string>>>(
  prefix: P,
  properties: T,
): PrefixedBy<P, T> =>
  // As `prefixed` above: Object.fromEntries loses the pairing, the mapped type restores it.
  Object.freeze(
    Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, `${prefix}${property}`])),
  ) as PrefixedBy<P, T>;

/** `__meta_ecs_cluster_arn`, `__meta_ecs_task_arn`, … */
export const EcsMetaLabel = prefixAll(ECS_META_PREFIX, EcsMetaProperty);

/** One tag family per resource kind, `<prefix><sanitised tag key>`, as Prometheus names them. */
export const EcsTagPrefix = prefixAll(`${ECS_META_PREFIX}tag_`, {
  Cluster: 'cluster_',
  Service: 'service_',
  Task: 'task_',
  Ec2: 'ec2_',
} as const);

/**
 * Cloud Map metadata. Prometheus has no Cloud Map discovery; these follow its naming style. Only
 * `ServiceName` is one of the original's names (`__meta_cloudmap_service_name`); the original's
 * `__meta_cloudmap_service_instance_id` stays, `InstanceId` is the same value.
 */
export const CLOUD_MAP_META_PREFIX = `${META_LABEL_PREFIX}cloudmap_`;

export const CloudMapMetaLabel = prefixAll(CLOUD_MAP_META_PREFIX, {
  NamespaceName: 'namespace_name',
  NamespaceId: 'namespace_id',
  ServiceId: 'service_id',
  ServiceName: 'service_name',
  InstanceId: 'instance_id',
} as const);

export const CloudMapTagPrefix = prefixAll(`${CLOUD_MAP_META_PREFIX}tag_`, {
  Service: 'service_',
  Namespace: 'namespace_',
} as const);

/**
 * The scrape settings a `<prefix>SCHEME*` / `INTERVAL*` / `TIMEOUT*` / `JOB*` tag or the matching
 * docker label may set, after validation: the one sanctioned way a tag reaches these names
 * (docs/decisions.md "Portable labels (issue 15)"). Raw tags of these names are still dropped.
 */
export const ScrapeSettingLabel = {
  Scheme: '__scheme__',
  Interval: '__scrape_interval__',
  Timeout: '__scrape_timeout__',
  Job: JOB_LABEL,
} as const;
export type ScrapeSettingLabel = (typeof ScrapeSettingLabel)[keyof typeof ScrapeSettingLabel];

/**
 * Labels of stand-alone tasks only (`EcsIncludeStandaloneTasks`): the task's `group` (e.g.
 * `family:batch-job`) and `startedBy`. Service tasks do not carry them, so their output is unchanged.
 */
export const StandaloneTaskLabel = {
  SystemGroup: `${SYSTEM_LABEL_PREFIX}ecs_task_group`,
  // One definition: the Prometheus name, which means the same.
  MetaGroup: EcsMetaLabel.TaskGroup,
  MetaStartedBy: `${META_LABEL_PREFIX}ecs_task_started_by`,
} as const;

/** Prefix of the attribute labels of Cloud Map-only targets (`CloudMapInstanceTargets`), name sanitised. */
export const CLOUD_MAP_INSTANCE_ATTRIBUTE_PREFIX = `${META_LABEL_PREFIX}cloudmap_instance_attribute_`;
