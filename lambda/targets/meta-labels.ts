/**
 * Prometheus-native metadata (`MetaLabels=full`): the labels Prometheus' own `aws_sd_configs` role
 * `ecs` gives the same task, with the same values, plus Cloud Map ids and tag families
 * (docs/decisions.md "Portable labels (issue 15)", "EC2 labels (issue 15)"). Pure: plain inventory
 * data in, labels out.
 */
import { INSTANCE_IPV4_ATTRIBUTE } from '../model/cloud-map-match.ts';
import type {
  CloudMapService,
  Cluster,
  EcsService,
  Namespace,
  Tag,
  Task,
  TaskDefinition,
} from '../model/inventory.ts';
import { type Label, LabelPriority } from './label-set.ts';
import { CloudMapMetaLabel, CloudMapTagPrefix, EcsMetaLabel, EcsTagPrefix } from './labels.ts';
import { sanitiseLabelName } from './sanitise.ts';

/** What one task's metadata is made of. */
export type MetaSource = {
  readonly cluster: Cluster;
  readonly service: EcsService;
  readonly task: Task;
  /** The address the target scrapes (the task's IPv4 for awsvpc). */
  readonly address: string;
  readonly taskDefinition?: TaskDefinition;
  readonly cloudMap?: { readonly service: CloudMapService; readonly namespace: Namespace };
};

// Prometheus' strutil.SanitizeLabelName, as for every label name; the family prefix comes first, so
// no leading digit is left to fix.
export const tagFamilyName = (prefix: string, key: string): string => sanitiseLabelName(`${prefix}${key}`);

/** The Region of an ARN (`arn:aws:ecs:<region>:…`), `''` for anything else. */
export const regionOfArn = (arn: string): string => (arn.startsWith('arn:') ? (arn.split(':')[3] ?? '') : '');

const meta = (name: string, value: string | undefined): Label[] =>
  value === undefined || value === '' ? [] : [{ name, value, priority: LabelPriority.Meta }];

const family = (prefix: string, tags: readonly Tag[] | undefined): Label[] =>
  (tags ?? []).map((tag) => ({
    name: tagFamilyName(prefix, tag.key),
    value: tag.value,
    priority: LabelPriority.Meta,
  }));

/**
 * Prometheus' network mode: the task definition's when known, else `awsvpc` for a task with an ENI
 * subnet (Prometheus itself reports `bridge` for every task on a container instance without an ENI).
 */
const networkModeOf = (task: Task, definition: TaskDefinition | undefined): string | undefined =>
  definition?.networkMode ?? task.networkMode ?? (task.subnetId === undefined ? undefined : 'awsvpc');

/** A task with an ENI of its own (awsvpc): Prometheus takes its subnet and public IP from the ENI. */
const hasEni = (task: Task): boolean => task.networkMode === 'awsvpc' || task.subnetId !== undefined;

/** The ENI's subnet; for a bridge/host task its EC2 instance's, as Prometheus reports it. */
const subnetOf = (task: Task): string | undefined =>
  task.subnetId ?? (hasEni(task) ? undefined : task.ec2Instance?.subnetId);

/** The ENI's public IP (awsvpc); for a bridge/host task its EC2 instance's, as Prometheus reports it. */
const publicIpOf = (task: Task): string | undefined =>
  hasEni(task) ? task.publicIp : task.ec2Instance?.publicIp;

/**
 * The Prometheus-native labels of one task, blank ones left out (as Prometheus leaves out unknown
 * optional ones), in a fixed order: ECS properties, Cloud Map ids, then the tag families.
 */
export const prometheusMetaLabels = (source: MetaSource): Label[] => {
  const { cluster, service, task, address, cloudMap } = source;
  const instance = cloudMap?.service.instances.find(
    (candidate) => candidate.attributes[INSTANCE_IPV4_ATTRIBUTE] === address,
  );
  return [
    ...meta(EcsMetaLabel.Cluster, cluster.name),
    ...meta(EcsMetaLabel.ClusterArn, cluster.arn),
    ...meta(EcsMetaLabel.Service, service.name),
    ...meta(EcsMetaLabel.ServiceArn, service.arn),
    ...meta(EcsMetaLabel.ServiceStatus, service.status),
    // A service's task is in group `service:<name>`; that is what Prometheus reports.
    ...meta(EcsMetaLabel.TaskGroup, task.group ?? `service:${service.name}`),
    ...meta(EcsMetaLabel.TaskArn, task.arn),
    ...meta(EcsMetaLabel.TaskDefinition, task.taskDefinitionArn),
    ...meta(EcsMetaLabel.Region, regionOfArn(task.arn)),
    ...meta(EcsMetaLabel.AvailabilityZone, task.availabilityZone),
    ...meta(EcsMetaLabel.SubnetId, subnetOf(task)),
    ...meta(EcsMetaLabel.IpAddress, address),
    ...meta(EcsMetaLabel.LaunchType, task.launchType),
    ...meta(EcsMetaLabel.DesiredStatus, task.desiredStatus),
    ...meta(EcsMetaLabel.LastStatus, task.lastStatus),
    ...meta(EcsMetaLabel.HealthStatus, task.healthStatus),
    ...meta(EcsMetaLabel.PlatformFamily, task.platformFamily),
    ...meta(EcsMetaLabel.PlatformVersion, task.platformVersion),
    ...meta(EcsMetaLabel.NetworkMode, networkModeOf(task, source.taskDefinition)),
    ...meta(EcsMetaLabel.ContainerInstanceArn, task.containerInstanceArn),
    ...meta(EcsMetaLabel.Ec2InstanceId, task.ec2Instance?.id),
    ...meta(EcsMetaLabel.Ec2InstanceType, task.ec2Instance?.type),
    ...meta(
      EcsMetaLabel.Ec2InstancePrivateIp,
      // The host address of a bridge/host task is that same address (also in older snapshots).
      task.ec2Instance?.privateIp ?? (task.host?.unknown === undefined ? task.host?.ipv4 : undefined),
    ),
    ...meta(EcsMetaLabel.Ec2InstancePublicIp, task.ec2Instance?.publicIp),
    ...meta(EcsMetaLabel.PublicIp, publicIpOf(task)),
    ...(cloudMap === undefined
      ? []
      : [
          ...meta(CloudMapMetaLabel.NamespaceName, cloudMap.namespace.name),
          ...meta(CloudMapMetaLabel.NamespaceId, cloudMap.namespace.id),
          ...meta(CloudMapMetaLabel.ServiceId, cloudMap.service.id),
          ...meta(CloudMapMetaLabel.ServiceName, cloudMap.service.name),
          ...meta(CloudMapMetaLabel.InstanceId, instance?.id),
        ]),
    ...family(EcsTagPrefix.Cluster, cluster.tags),
    ...family(EcsTagPrefix.Service, service.tags),
    ...family(EcsTagPrefix.Task, task.tags),
    ...family(EcsTagPrefix.Ec2, task.ec2Instance?.tags),
    ...(cloudMap === undefined
      ? []
      : [
          ...family(CloudMapTagPrefix.Service, cloudMap.service.tags),
          ...family(CloudMapTagPrefix.Namespace, cloudMap.namespace.tags),
        ]),
  ];
};
