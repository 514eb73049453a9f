/**
 * Cloud Map-only targets (`CloudMapInstanceTargets`, docs/decisions.md "Every task, every network
 * (issue 14)"): instances of the configured namespaces' selected services that are not ECS tasks
 * (EC2 or on-premises registrations). An instance with `ECS_CLUSTER_NAME` is ECS-owned: it is a
 * target only through its running task, never on its own, so a stale registration of a stopped
 * task never comes back and nothing is emitted twice. Every instance considered comes back with its
 * decision for the explain view (docs/decisions.md "Explain view (issue 15)"). Pure.
 */
import { compileGlobs } from '../config/globs.ts';
import { labelsSources } from '../config/sources.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import {
  arnResourceName,
  ECS_CLUSTER_NAME_ATTRIBUTE,
  INSTANCE_IPV4_ATTRIBUTE,
} from '../model/cloud-map-match.ts';
import { CloudMapInstanceSkipReason, SkipReason } from '../model/discovery.ts';
import type {
  CloudMapInstance,
  CloudMapService,
  InventorySnapshot,
  Namespace,
  Tag,
} from '../model/inventory.ts';
import { formatTarget, selectAddresses } from './address.ts';
import { addLabels, type Label, LabelPriority } from './label-set.ts';
import { CLOUD_MAP_INSTANCE_ATTRIBUTE_PREFIX, MetaLabel, SystemLabel } from './labels.ts';
import { applyRelabelConfigurations, removeTemporaryLabels } from './relabel.ts';
import { sanitiseLabelName } from './sanitise.ts';
import { type BadPort, extractScrapeGroups, parsePort, type ScrapeGroup } from './scrape-groups.ts';
import { accountRegionLabels } from './source-labels.ts';
import { makeTargetGroup, type TargetGroup } from './target-group.ts';

export const INSTANCE_IPV6_ATTRIBUTE = 'AWS_INSTANCE_IPV6';
export const INSTANCE_PORT_ATTRIBUTE = 'AWS_INSTANCE_PORT';
/** The custom health status an instance was registered with; the only health ListInstances shows. */
export const INIT_HEALTH_ATTRIBUTE = 'AWS_INIT_HEALTH_STATUS';
const UNHEALTHY = 'UNHEALTHY';

/** A namespace named in `CloudMapNamespaces` (by name, id or ARN); inferred ones only enrich. */
const isConfigured = (namespace: Namespace, refs: readonly string[]): boolean =>
  refs.some(
    (ref) =>
      ref === namespace.name ||
      ref === namespace.id ||
      (ref.startsWith('arn:') && arnResourceName(ref) === namespace.id),
  );

/** Health as DiscoverInstances reports it, else the registered initial status; unknown counts as healthy. */
export const isUnhealthy = (instance: CloudMapInstance): boolean =>
  (instance.healthStatus ?? instance.attributes[INIT_HEALTH_ATTRIBUTE]) === UNHEALTHY;

/**
 * The builder's hostile-input rules (reserved tag names, bounded values, bad ports reported), so a
 * Cloud Map-only target is held to the same as a task target and reported in the same build result.
 */
export type Hardening = {
  readonly tagLabels: (
    resource: string,
    tags: readonly Tag[],
    filter: (key: string) => boolean,
    priority: LabelPriority,
  ) => Label[];
  /** Labels within the value bound; a dropped one is noted on `resource` (the explain view). */
  readonly bounded: (
    labels: readonly Label[],
    place: Readonly<Record<string, string>>,
    resource: string,
  ) => readonly Label[];
  readonly warn: (warning: {
    readonly message: string;
    readonly data: Readonly<Record<string, unknown>>;
  }) => void;
};

/**
 * The scrape groups: the service's/namespace's port tags, else `AWS_INSTANCE_PORT` at `/metrics`;
 * `tag` names what gave each group's port (the explain view).
 */
const scrapeGroups = (merged: readonly Label[], instance: CloudMapInstance, prefix: string) => {
  const extracted = extractScrapeGroups(merged, prefix);
  if (extracted.groups.length > 0) {
    return { ...extracted, tag: (group: ScrapeGroup) => `${prefix}PORT${group.key}` };
  }
  const port = parsePort(instance.attributes[INSTANCE_PORT_ATTRIBUTE] ?? '');
  const fallback: ScrapeGroup[] = port === undefined ? [] : [{ key: '', port, path: '/metrics', name: '' }];
  return {
    groups: fallback,
    labels: extracted.labels,
    badPorts: extracted.badPorts,
    tag: () => INSTANCE_PORT_ATTRIBUTE,
  };
};

/** What was decided for one instance of a configured namespace (the explain view). */
export type InstanceDecision = {
  readonly namespace: Namespace;
  readonly service: CloudMapService;
  readonly instance: CloudMapInstance;
  /** Why it is no target; `undefined` when it is one. */
  readonly skip: CloudMapInstanceSkipReason | undefined;
  /** Each target: the tag (or `AWS_INSTANCE_PORT`) that gave its port, and `host:port`. */
  readonly targets: readonly { readonly tag: string; readonly address: string }[];
  /** Port tags of its Cloud Map service or namespace whose value is not a decimal 1..65535. */
  readonly badPorts: readonly BadPort[];
};

/** The key explain notes about one instance are kept under (an instance id is unique per service only). */
export const instanceResource = (service: CloudMapService, instance: CloudMapInstance): string =>
  `${service.arn} ${instance.id}`;

export type CloudMapInstanceTargets = {
  readonly groups: readonly TargetGroup[];
  /** Namespace by namespace (snapshot order), service by service, instance by id, as `groups`. */
  readonly decisions: readonly InstanceDecision[];
};

const systemLabels = (service: CloudMapService, instance: CloudMapInstance): Label[] => {
  const values = {
    EcsCluster: '',
    EcsService: '',
    EcsTask: '',
    EcsTaskDefinition: '',
    CloudMapServiceName: service.name,
    CloudMapServiceInstanceId: instance.id,
    CloudMapServiceType: service.type,
  } satisfies Record<keyof typeof SystemLabel, string>;
  // Object.entries types keys as string; `values` satisfies the key set above, so the cast is exact.
  const entries = Object.entries(values) as [keyof typeof SystemLabel, string][];
  const attributes = Object.entries(instance.attributes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({
      name: `${CLOUD_MAP_INSTANCE_ATTRIBUTE_PREFIX}${sanitiseLabelName(name)}`,
      value,
      priority: LabelPriority.Meta,
    }));
  return [
    ...entries.map(([key, value]) => ({ name: SystemLabel[key], value, priority: LabelPriority.System })),
    ...entries.map(([key, value]) => ({ name: MetaLabel[key], value, priority: LabelPriority.Meta })),
    ...attributes,
  ];
};

/**
 * Target groups of the non-ECS instances, namespace by namespace (snapshot order), service by
 * service, instance by id, and the decision for every instance of a configured namespace's services
 * (the not selected ones too). `extras` are the extra labels, already filtered.
 */
export const cloudMapInstanceTargets = (
  snapshot: InventorySnapshot,
  config: DiscoveryConfig,
  extras: readonly Label[],
  hardening: Hardening,
): CloudMapInstanceTargets => {
  const serviceTags = compileGlobs(config.cloudMapServiceTags);
  const namespaceTags = compileGlobs(config.cloudMapNamespaceTags);
  const withSource = labelsSources(config);
  const out: TargetGroup[] = [];
  const decisions: InstanceDecision[] = [];
  for (const namespace of snapshot.namespaces) {
    if (!isConfigured(namespace, config.cloudMapNamespaces)) continue;
    for (const service of namespace.services) {
      const decide = (
        instance: CloudMapInstance,
        skip: CloudMapInstanceSkipReason | undefined,
        rest: Partial<Pick<InstanceDecision, 'targets' | 'badPorts'>> = {},
      ): void => {
        decisions.push({ namespace, service, instance, skip, targets: [], badPorts: [], ...rest });
      };
      if (!service.selected) {
        for (const instance of service.instances) {
          const ecsOwned = instance.attributes[ECS_CLUSTER_NAME_ATTRIBUTE] !== undefined;
          decide(
            instance,
            ecsOwned ? CloudMapInstanceSkipReason.EcsOwned : CloudMapInstanceSkipReason.CloudMapNotSelected,
          );
        }
        continue;
      }
      const merged = addLabels(
        [],
        [
          ...extras,
          ...hardening.tagLabels(service.arn, service.tags, serviceTags, LabelPriority.CloudMapServiceTag),
          ...hardening.tagLabels(
            namespace.arn,
            namespace.tags,
            namespaceTags,
            LabelPriority.CloudMapNamespaceTag,
          ),
        ],
      );
      for (const instance of service.instances) {
        if (instance.attributes[ECS_CLUSTER_NAME_ATTRIBUTE] !== undefined) {
          decide(instance, CloudMapInstanceSkipReason.EcsOwned);
          continue;
        }
        if (config.cloudMapHealthyOnly && isUnhealthy(instance)) {
          decide(instance, CloudMapInstanceSkipReason.Unhealthy);
          continue;
        }
        const addresses = selectAddresses(
          {
            ipv4: instance.attributes[INSTANCE_IPV4_ATTRIBUTE]?.trim() || undefined,
            ipv6: instance.attributes[INSTANCE_IPV6_ATTRIBUTE]?.trim() || undefined,
          },
          config.ipAddressFamily,
        );
        if (addresses.length === 0) {
          decide(instance, CloudMapInstanceSkipReason.NoInstanceAddress);
          continue;
        }
        const { groups, labels, badPorts, tag } = scrapeGroups(
          merged,
          instance,
          config.metricsPathPortTagPrefix,
        );
        const place = { namespace: namespace.name, service: service.name, instance: instance.id };
        for (const bad of badPorts) {
          hardening.warn({
            message: 'Scrape group left out: its port is not a decimal 1..65535',
            data: { ...place, tag: bad.tag, value: bad.value, reason: SkipReason.BadPort },
          });
        }
        if (groups.length === 0) {
          decide(instance, CloudMapInstanceSkipReason.NoInstancePort, { badPorts });
          continue;
        }
        const final = hardening.bounded(
          removeTemporaryLabels(
            applyRelabelConfigurations(
              addLabels(labels, [
                ...systemLabels(service, instance),
                ...(withSource ? accountRegionLabels(namespace.arn) : []),
              ]),
              config.relabelConfigurations,
            ),
          ),
          place,
          instanceResource(service, instance),
        );
        const targets: { tag: string; address: string }[] = [];
        for (const group of groups) {
          for (const address of addresses) {
            const target = formatTarget(address, group.port);
            out.push({ ...makeTargetGroup(address, group, final), targets: [target] });
            targets.push({ tag: tag(group), address: target });
          }
        }
        decide(instance, undefined, { targets, badPorts });
      }
    }
  }
  return { groups: out, decisions };
};
