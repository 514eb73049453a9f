/**
 * The pure target builder (docs/decisions.md "Label precedence" to "Rendering"): inventory snapshot + config
 * → http_sd target groups. No SDK types, no logging, no clock, no IO.
 */
import { compileGlobs } from '../config/globs.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { INSTANCE_IPV4_ATTRIBUTE, matchCloudMapService } from '../model/cloud-map-match.ts';
import { SkipReason } from '../model/discovery.ts';
import type {
  CloudMapService,
  Cluster,
  EcsService,
  InventorySnapshot,
  Namespace,
  Tag,
  Task,
} from '../model/inventory.ts';
import { groupEndpoints, selectAddresses, taskAddresses } from './address.ts';
import { cloudMapInstanceTargets } from './cloud-map-targets.ts';
import { addLabels, type Label, LabelPriority } from './label-set.ts';
import { MetaLabel, StandaloneTaskLabel, SystemLabel } from './labels.ts';
import { applyRelabelConfigurations, removeTemporaryLabels } from './relabel.ts';
import { extractScrapeGroups } from './scrape-groups.ts';
import { makeTargetGroup, type TargetGroup } from './target-group.ts';

/** What one build produced: target groups in output order, and running tasks left out, by reason. */
export type BuildResult = {
  readonly groups: readonly TargetGroup[];
  readonly skipped: Readonly<Record<SkipReason, number>>;
};

type KeyFilter = (key: string) => boolean;

type TagFilters = {
  readonly task: KeyFilter;
  readonly service: KeyFilter;
  readonly cloudMapService: KeyFilter;
  readonly cloudMapNamespace: KeyFilter;
};

/** The Cloud Map data enriching one ECS service's targets. */
type Enrichment = { readonly service: CloudMapService; readonly namespace: Namespace };

const RUNNING = 'RUNNING';
const PENDING = 'PENDING';

// PENDING is kept although it may not be scrapeable yet: the original emitted it (docs/decisions.md "Tasks and addresses").
const isRunning = (task: Task): boolean =>
  (task.desiredStatus === RUNNING && task.lastStatus === RUNNING) || task.lastStatus === PENDING;

const tagLabels = (tags: readonly Tag[], filter: KeyFilter, priority: LabelPriority): Label[] =>
  tags.filter((tag) => filter(tag.key)).map((tag) => ({ name: tag.key, value: tag.value, priority }));

const extraLabels = (config: DiscoveryConfig): Label[] =>
  config.extraPrometheusLabels
    .filter((entry) => entry.key.trim() !== '' && entry.value !== null && entry.value.trim() !== '')
    .map((entry) => ({ name: entry.key, value: entry.value ?? '', priority: LabelPriority.ExtraLabel }));

/** Extra labels, then tags: task, ECS service, Cloud Map service, namespace (docs/decisions.md "Label precedence"). */
const sourceLabels = (
  task: Task,
  service: EcsService,
  enrichment: Enrichment | undefined,
  extras: readonly Label[],
  filters: TagFilters,
): readonly Label[] =>
  addLabels(
    [],
    [
      ...extras,
      ...tagLabels(task.tags, filters.task, LabelPriority.TaskTag),
      ...tagLabels(service.tags, filters.service, LabelPriority.ServiceTag),
      ...(enrichment === undefined
        ? []
        : [
            ...tagLabels(enrichment.service.tags, filters.cloudMapService, LabelPriority.CloudMapServiceTag),
            ...tagLabels(
              enrichment.namespace.tags,
              filters.cloudMapNamespace,
              LabelPriority.CloudMapNamespaceTag,
            ),
          ]),
    ],
  );

/** `_sys_*` then `__meta_*`, always all seven (empty when unknown) so relabel tokens can name them. */
const systemLabels = (
  cluster: Cluster,
  service: EcsService,
  task: Task,
  address: string,
  enrichment: Enrichment | undefined,
): Label[] => {
  const matched = enrichment?.service;
  // Only an instance whose AWS_INSTANCE_IPV4 is the task's address; one without it matches nothing.
  const instance = matched?.instances.find(
    (candidate) => candidate.attributes[INSTANCE_IPV4_ATTRIBUTE] === address,
  );
  const values = {
    EcsCluster: cluster.name,
    EcsService: service.name,
    EcsTask: task.arn,
    EcsTaskDefinition: task.taskDefinitionArn,
    CloudMapServiceName: matched?.name ?? '',
    CloudMapServiceInstanceId: instance?.id ?? '',
    CloudMapServiceType: matched?.type ?? '',
  } satisfies Record<keyof typeof SystemLabel, string>;
  // Object.entries types keys as string; `values` satisfies the key set above, so the cast is exact.
  const entries = Object.entries(values) as [keyof typeof SystemLabel, string][];
  return [
    ...entries.map(([key, value]) => ({ name: SystemLabel[key], value, priority: LabelPriority.System })),
    ...(task.group === undefined ? [] : standaloneLabels(task.group, task.startedBy ?? '')),
    ...entries.map(([key, value]) => ({ name: MetaLabel[key], value, priority: LabelPriority.Meta })),
  ];
};

/** Only stand-alone tasks carry `group`/`startedBy` in the snapshot, so service targets are unchanged. */
const standaloneLabels = (group: string, startedBy: string): Label[] => [
  { name: StandaloneTaskLabel.SystemGroup, value: group, priority: LabelPriority.System },
  { name: StandaloneTaskLabel.MetaGroup, value: group, priority: LabelPriority.Meta },
  { name: StandaloneTaskLabel.MetaStartedBy, value: startedBy, priority: LabelPriority.Meta },
];

type Context = {
  readonly config: DiscoveryConfig;
  readonly filters: TagFilters;
  readonly extras: readonly Label[];
};

const taskTargets = (
  cluster: Cluster,
  service: EcsService,
  task: Task,
  enrichment: Enrichment | undefined,
  context: Context,
): { readonly groups: readonly TargetGroup[]; readonly unmapped: number } | SkipReason => {
  if (!isRunning(task)) return SkipReason.NotRunning;
  // The collector resolved ENI, container interfaces or the EC2 host; without any, skip (never ":port").
  const found = taskAddresses(task);
  if (typeof found === 'string') return found;
  const addresses = selectAddresses(found, context.config.ipAddressFamily);
  if (addresses.length === 0) return SkipReason.NoAddress;
  const merged = sourceLabels(task, service, enrichment, context.extras, context.filters);
  const { groups, labels } = extractScrapeGroups(merged, context.config.metricsPathPortTagPrefix);
  if (groups.length === 0) return SkipReason.NoPort;
  // Cloud Map registers the IPv4 (AWS_INSTANCE_IPV4), so the instance id is matched by it.
  const matchAddress = found.ipv4 ?? addresses[0] ?? '';
  const withSystem = addLabels(labels, systemLabels(cluster, service, task, matchAddress, enrichment));
  const final = removeTemporaryLabels(
    applyRelabelConfigurations(withSystem, context.config.relabelConfigurations),
  );
  const out: TargetGroup[] = [];
  let unmapped = 0;
  for (const group of groups) {
    const endpoints = groupEndpoints(task, addresses, group.port);
    if (endpoints === undefined) unmapped += 1;
    for (const e of endpoints ?? []) {
      out.push({ ...makeTargetGroup(e.instance, { ...group, port: e.port }, final), targets: [e.target] });
    }
  }
  return { groups: out, unmapped };
};

/** The stand-in service of a stand-alone task: no name, no tags, no Cloud Map registration. */
const noService = (cluster: Cluster): EcsService => ({
  arn: '',
  name: '',
  clusterArn: cluster.arn,
  tags: [],
  serviceConnectDiscoveryArns: [],
  serviceRegistryArns: [],
  tasks: [],
});

/**
 * Every running task of every service of every cluster, in snapshot order, becomes one target
 * group per valid scrape group. Cloud Map services enrich only when `selected`; candidates are those
 * of all namespaces in snapshot order (first match wins, `matchCloudMapService`).
 */
export const buildTargets = (snapshot: InventorySnapshot, config: DiscoveryConfig): BuildResult => {
  const context: Context = {
    config,
    filters: {
      task: compileGlobs(config.ecsTaskTags),
      service: compileGlobs(config.ecsServiceTags),
      cloudMapService: compileGlobs(config.cloudMapServiceTags),
      cloudMapNamespace: compileGlobs(config.cloudMapNamespaceTags),
    },
    extras: extraLabels(config),
  };
  const namespaceOf = new Map<CloudMapService, Namespace>();
  for (const namespace of snapshot.namespaces) {
    for (const service of namespace.services) if (service.selected) namespaceOf.set(service, namespace);
  }
  const candidates = [...namespaceOf.keys()];
  const skipped: Record<SkipReason, number> = {
    [SkipReason.NotRunning]: 0,
    [SkipReason.NoAddress]: 0,
    [SkipReason.NoPort]: 0,
    [SkipReason.UnmappedPort]: 0,
    [SkipReason.ExternalInstance]: 0,
    [SkipReason.HostAddressDisabled]: 0,
  };
  const collect = (outcome: ReturnType<typeof taskTargets>) => {
    if (typeof outcome === 'string') skipped[outcome] += 1;
    else {
      groups.push(...outcome.groups);
      skipped[SkipReason.UnmappedPort] += outcome.unmapped;
    }
  };
  const groups: TargetGroup[] = [];
  for (const cluster of snapshot.clusters) {
    for (const service of cluster.services) {
      const matched = matchCloudMapService(service, cluster.name, candidates);
      const enrichment =
        matched === undefined ? undefined : { service: matched, namespace: namespaceOf.get(matched)! };
      for (const task of service.tasks) collect(taskTargets(cluster, service, task, enrichment, context));
    }
    for (const task of cluster.standaloneTasks ?? []) {
      collect(taskTargets(cluster, noService(cluster), task, undefined, context));
    }
  }
  if (config.cloudMapInstanceTargets)
    groups.push(...cloudMapInstanceTargets(snapshot, config, context.extras));
  return { groups, skipped };
};
