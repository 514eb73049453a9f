/**
 * The pure target builder (docs/decisions.md "Label precedence" to "Rendering"): inventory snapshot + config
 * → http_sd target groups. No SDK types, no logging, no clock, no IO.
 */
import { compileGlobs } from '../config/globs.ts';
import { arnSource, labelsSources } from '../config/sources.ts';
import { type DiscoveryConfig, MetaLabels } from '../config/types.ts';
import { INSTANCE_IPV4_ATTRIBUTE, matchCloudMapService } from '../model/cloud-map-match.ts';
import { DroppedLabelReason, SkipReason } from '../model/discovery.ts';
import type { Explain, ExplainNote } from '../model/explain.ts';
import type {
  CloudMapService,
  Cluster,
  EcsService,
  InventorySnapshot,
  Namespace,
  Tag,
  Task,
  TaskDefinition,
} from '../model/inventory.ts';
import { groupEndpoints, selectAddresses, taskAddresses } from './address.ts';
import { cloudMapInstanceTargets, type Hardening } from './cloud-map-targets.ts';
import { type DockerLabelNames, dockerLabelGroups, dockerLabelNames } from './docker-labels.ts';
import {
  cloudMapNotSelectedNote,
  createExplainRecorder,
  oversizedValueNote,
  reservedTagNote,
  type TaskDecision,
  type UnmappedGroup,
} from './explain.ts';
import { addLabels, type Label, LabelPriority } from './label-set.ts';
import {
  JOB_LABEL,
  MAX_LABEL_VALUE_BYTES,
  MetaLabel,
  RESERVED_LABEL_PREFIX,
  StandaloneTaskLabel,
  SystemLabel,
} from './labels.ts';
import { prometheusMetaLabels } from './meta-labels.ts';
import { applyRelabelConfigurations, removeTemporaryLabels } from './relabel.ts';
import { sanitiseLabelName } from './sanitise.ts';
import { type BadPort, extractScrapeGroups, type ScrapeGroup } from './scrape-groups.ts';
import { extractScrapeSettings, type RawSettings, validateScrapeSettings } from './scrape-settings.ts';
import { accountRegionLabels } from './source-labels.ts';
import { makeTargetGroup, type TargetGroup } from './target-group.ts';

/** Something the operator should see (logged as a warning by the door): constant message, data. */
export type BuildWarning = { readonly message: string; readonly data: Readonly<Record<string, unknown>> };

/** What one build produced: target groups in output order, and what was left out, by reason. */
export type BuildResult = {
  readonly groups: readonly TargetGroup[];
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly droppedLabels: Readonly<Record<DroppedLabelReason, number>>;
  /** In build order; a reserved tag of a resource is reported once however many tasks it reaches. */
  readonly warnings: readonly BuildWarning[];
  /** Every cluster, service, task and scrape group considered, and why it is or is not a target. */
  readonly explain: Explain;
};

/** Where one build's warnings and drop counts go (local to `buildTargets`, so the builder stays pure). */
type Report = {
  readonly warnings: BuildWarning[];
  readonly dropped: Record<DroppedLabelReason, number>;
  /** `<resource ARN> <tag key>` of reserved tags already reported. */
  readonly reported: Set<string>;
  /** Explain notes by the ARN of the resource they concern (task, ECS or Cloud Map service, namespace). */
  readonly notes: Map<string, ExplainNote[]>;
};

const addNote = (report: Report, resource: string, note: ExplainNote): void => {
  report.notes.set(resource, [...(report.notes.get(resource) ?? []), note]);
};

/** The notes raised about `resource`, once: later calls for it return none. */
const takeNotes = (report: Report, resource: string): readonly ExplainNote[] => {
  const notes = report.notes.get(resource) ?? [];
  report.notes.delete(resource);
  return notes;
};

type KeyFilter = (key: string) => boolean;

type TagFilters = {
  readonly task: KeyFilter;
  readonly service: KeyFilter;
  readonly cloudMapService: KeyFilter;
  readonly cloudMapNamespace: KeyFilter;
};

/** The Cloud Map data enriching one ECS service's targets. */
export type Enrichment = { readonly service: CloudMapService; readonly namespace: Namespace };

const RUNNING = 'RUNNING';
const PENDING = 'PENDING';

// PENDING is kept although it may not be scrapeable yet: the original emitted it (docs/decisions.md "Tasks and addresses").
const isRunning = (task: Task): boolean =>
  (task.desiredStatus === RUNNING && task.lastStatus === RUNNING) || task.lastStatus === PENDING;

/** Whether a tag key would become a Prometheus-reserved label (checked after sanitising, exact case). */
export const isReservedTagKey = (key: string): boolean => {
  const name = sanitiseLabelName(key);
  return name.startsWith(RESERVED_LABEL_PREFIX) || name === JOB_LABEL;
};

/** Labels of the tags passing `filter`; reserved ones are left out and reported once per resource. */
const tagLabels = (
  resource: string,
  tags: readonly Tag[],
  filter: KeyFilter,
  priority: LabelPriority,
  report: Report,
): Label[] => {
  const labels: Label[] = [];
  for (const tag of tags) {
    if (!filter(tag.key)) continue;
    if (!isReservedTagKey(tag.key)) {
      labels.push({ name: tag.key, value: tag.value, priority });
      continue;
    }
    const id = `${resource} ${tag.key}`;
    if (report.reported.has(id)) continue;
    report.reported.add(id);
    report.dropped[DroppedLabelReason.ReservedName] += 1;
    report.warnings.push({
      message: 'Tag left out: its label name is reserved for Prometheus',
      data: { resource, tag: tag.key, reason: DroppedLabelReason.ReservedName },
    });
    addNote(report, resource, reservedTagNote(resource, tag.key));
  }
  return labels;
};

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
  report: Report,
): readonly Label[] =>
  addLabels(
    [],
    [
      ...extras,
      ...tagLabels(task.arn, task.tags, filters.task, LabelPriority.TaskTag, report),
      ...tagLabels(service.arn, service.tags, filters.service, LabelPriority.ServiceTag, report),
      ...(enrichment === undefined
        ? []
        : [
            ...tagLabels(
              enrichment.service.arn,
              enrichment.service.tags,
              filters.cloudMapService,
              LabelPriority.CloudMapServiceTag,
              report,
            ),
            ...tagLabels(
              enrichment.namespace.arn,
              enrichment.namespace.tags,
              filters.cloudMapNamespace,
              LabelPriority.CloudMapNamespaceTag,
              report,
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
  withSource: boolean,
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
    ...(withSource ? accountRegionLabels(cluster.arn) : []),
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
  /** The snapshot's task definitions by ARN (empty unless `DockerLabels` asked for them). */
  readonly taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  /** The docker label names of `DockerLabels`; `undefined` when it is `none`. */
  readonly dockerLabelNames: DockerLabelNames | undefined;
  readonly filters: TagFilters;
  readonly extras: readonly Label[];
  readonly report: Report;
  /** The same reserved-name and value-bound rules for Cloud Map-only targets, into the same report. */
  readonly hardening: Hardening;
};

/** Where a task (or a Cloud Map-only instance) sits, for warnings. */
type Place = Readonly<Record<string, string>>;

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/** The labels whose value fits the bound; the others are reported and counted. */
const boundedLabels = (
  labels: readonly Label[],
  place: Place,
  report: Report,
  resource: string | undefined = place.task,
): readonly Label[] =>
  labels.filter((label) => {
    const bytes = utf8Bytes(label.value);
    if (bytes <= MAX_LABEL_VALUE_BYTES) return true;
    report.dropped[DroppedLabelReason.OversizedValue] += 1;
    report.warnings.push({
      message: 'Label left out: its value is over 16 KiB',
      // At least; relabelling stops expanding a value once it is over the bound.
      data: { ...place, label: label.name, bytes, reason: DroppedLabelReason.OversizedValue },
    });
    if (resource !== undefined) addNote(report, resource, oversizedValueNote(label.name, bytes));
    return false;
  });

/** `_A` → `a`, `-Ecs` → `ecs`: the group key as a `scrape_target_name` (docs/decisions.md). */
export const groupKeyName = (key: string): string => {
  const lower = key.toLowerCase();
  return lower.replace(/^[_-]+|[_-]+$/g, '') || lower;
};

/** The labels Prometheus stores for a target (it drops every `__*` label after relabelling). */
const storedIdentity = (group: TargetGroup): string =>
  JSON.stringify(Object.entries(group.labels).filter(([name]) => !name.startsWith(RESERVED_LABEL_PREFIX)));

/**
 * The scrape groups of a task, renamed where their target groups' stored labels would be identical
 * so each gets distinct series: each unnamed suffixed group in such a collision is named after its
 * key. The unsuffixed group keeps no name, so the usual "main port plus a named exporter" fleet
 * keeps its series (docs/decisions.md). Compared at one address: every address of the task gets
 * the same labels but `instance`.
 */
const distinctNames = (
  address: string,
  groups: readonly ScrapeGroup[],
  labels: readonly Label[],
): readonly ScrapeGroup[] => {
  if (groups.length < 2) return groups;
  const built = groups.map((group) => makeTargetGroup(address, group, labels));
  const counts = new Map<string, number>();
  for (const identity of built.map(storedIdentity)) counts.set(identity, (counts.get(identity) ?? 0) + 1);
  return groups.map((group, index) => {
    if (group.name !== '' || group.key === '' || counts.get(storedIdentity(built[index]!))! < 2) return group;
    return { ...group, name: groupKeyName(group.key) };
  });
};

/** The group with its validated settings; each invalid one is counted, and warned about once per tag and value. */
const withSettings = (
  group: ScrapeGroup,
  raw: RawSettings | undefined,
  place: Place,
  report: Report,
): ScrapeGroup => {
  if (raw === undefined) return group;
  const { settings, problems } = validateScrapeSettings(raw);
  for (const problem of problems) {
    report.dropped[DroppedLabelReason.InvalidScrapeSetting] += 1;
    const id = `setting ${problem.source} ${problem.value}`;
    if (report.reported.has(id)) continue;
    report.reported.add(id);
    report.warnings.push({
      message: 'Scrape setting left out: its value is invalid',
      data: { ...place, ...problem, reason: DroppedLabelReason.InvalidScrapeSetting },
    });
  }
  return { ...group, settings };
};

type TaskOutcome = {
  readonly groups: readonly TargetGroup[];
  readonly skip?: SkipReason;
  /** Container ports of a bridge task's scrape groups without a host port binding (counted per group). */
  readonly unmapped?: readonly UnmappedGroup[];
  /** Each target group of `groups`: its port tag and `host:port` (explain view). */
  readonly targets?: readonly { readonly tag: string; readonly address: string }[];
  /** The groups left out for their port (explain view). */
  readonly badPorts?: readonly BadPort[];
};

const taskTargets = (
  cluster: Cluster,
  service: EcsService,
  task: Task,
  enrichment: Enrichment | undefined,
  context: Context,
): TaskOutcome => {
  if (!isRunning(task)) return { groups: [], skip: SkipReason.NotRunning };
  // The collector resolved ENI, container interfaces or the EC2 host; without any, skip (never ":port").
  const found = taskAddresses(task);
  if (typeof found === 'string') return { groups: [], skip: found };
  const addresses = selectAddresses(found, context.config.ipAddressFamily);
  if (addresses.length === 0) return { groups: [], skip: SkipReason.NoAddress };
  const { report } = context;
  const merged = sourceLabels(task, service, enrichment, context.extras, context.filters, report);
  const prefix = context.config.metricsPathPortTagPrefix;
  const place: Place = { cluster: cluster.name, service: service.name, task: task.arn };
  const extracted = extractScrapeGroups(merged, prefix);
  const { settings, labels } = extractScrapeSettings(extracted.labels, prefix);
  const taskDefinition = context.taskDefinitions.get(task.taskDefinitionArn);
  const docker = dockerLabelGroups(taskDefinition, context.dockerLabelNames);
  const groups = [
    ...extracted.groups.map((group) =>
      withSettings(group, settings.get(group.key.toLowerCase()), place, report),
    ),
    ...docker.groups.map(({ group, settings: raw }) => withSettings(group, raw, place, report)),
  ];
  // Tag and docker-label groups alike: warned about, counted and shown in the explain view.
  const allBadPorts = [...extracted.badPorts, ...docker.badPorts];
  for (const bad of allBadPorts) {
    report.warnings.push({
      message: 'Scrape group left out: its port is not a decimal 1..65535',
      data: { ...place, tag: bad.tag, value: bad.value, reason: SkipReason.BadPort },
    });
  }
  const skip =
    allBadPorts.length > 0 ? SkipReason.BadPort : groups.length === 0 ? SkipReason.NoPort : undefined;
  if (groups.length === 0) return { groups: [], skip, badPorts: allBadPorts };
  // Cloud Map registers the IPv4 (AWS_INSTANCE_IPV4), so the instance id is matched by it.
  const matchAddress = found.ipv4 ?? addresses[0] ?? '';
  const withSystem = addLabels(labels, [
    ...systemLabels(cluster, service, task, matchAddress, enrichment, labelsSources(context.config)),
    ...(context.config.metaLabels === MetaLabels.Full
      ? prometheusMetaLabels({
          cluster,
          service,
          task,
          address: matchAddress,
          taskDefinition,
          cloudMap: enrichment,
        })
      : []),
  ]);
  const final = boundedLabels(
    removeTemporaryLabels(applyRelabelConfigurations(withSystem, context.config.relabelConfigurations)),
    place,
    report,
  );
  const out: TargetGroup[] = [];
  const targets: { tag: string; address: string }[] = [];
  const unmapped: UnmappedGroup[] = [];
  for (const group of distinctNames(matchAddress, groups, final)) {
    const tag = group.source ?? `${prefix}PORT${group.key}`;
    const endpoints = groupEndpoints(task, addresses, group.port);
    if (endpoints === undefined) unmapped.push({ tag, containerPort: group.port });
    for (const e of endpoints ?? []) {
      out.push({ ...makeTargetGroup(e.instance, { ...group, port: e.port }, final), targets: [e.target] });
      targets.push({ tag, address: e.target });
    }
  }
  return { groups: out, skip, unmapped, targets, badPorts: allBadPorts };
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
 * The Cloud Map service (and its namespace) enriching an ECS service's targets: only `selected`
 * services are candidates, those of all namespaces in snapshot order (first match wins,
 * `matchCloudMapService`). The event path asks the same question to know whose instances to
 * re-read (docs/decisions.md "One refresh per fleet (issue 13)").
 */
export const cloudMapEnrichment = (
  snapshot: InventorySnapshot,
  config: DiscoveryConfig,
): ((cluster: Cluster, service: EcsService) => Enrichment | undefined) => {
  const namespaceOf = new Map<CloudMapService, Namespace>();
  for (const namespace of snapshot.namespaces) {
    for (const service of namespace.services) if (service.selected) namespaceOf.set(service, namespace);
  }
  const candidates = [...namespaceOf.keys()];
  // With several sources a cluster is enriched only from its own account and Region: the same
  // cluster and service names in two accounts must not borrow each other's Cloud Map services.
  const several = labelsSources(config);
  const sameSource = (a: string, b: string) => {
    const [x, y] = [arnSource(a), arnSource(b)];
    return x?.accountId === y?.accountId && x?.region === y?.region;
  };
  const candidatesOf = (cluster: Cluster) =>
    several ? candidates.filter((c) => sameSource(c.arn, cluster.arn)) : candidates;
  return (cluster, service) => {
    const matched = matchCloudMapService(service, cluster.name, candidatesOf(cluster));
    return matched === undefined ? undefined : { service: matched, namespace: namespaceOf.get(matched)! };
  };
};

/**
 * Every running task of every service of every cluster, in snapshot order, becomes one target
 * group per valid scrape group. Cloud Map services enrich only when `selected`; candidates are those
 * of all namespaces in snapshot order (first match wins, `matchCloudMapService`).
 */
export const buildTargets = (snapshot: InventorySnapshot, config: DiscoveryConfig): BuildResult => {
  const report: Report = {
    warnings: [],
    dropped: {
      [DroppedLabelReason.ReservedName]: 0,
      [DroppedLabelReason.OversizedValue]: 0,
      [DroppedLabelReason.InvalidScrapeSetting]: 0,
    },
    reported: new Set(),
    notes: new Map(),
  };
  const context: Context = {
    config,
    dockerLabelNames: dockerLabelNames(config),
    taskDefinitions: new Map(
      (snapshot.taskDefinitions ?? []).map((definition) => [definition.arn, definition]),
    ),
    filters: {
      task: compileGlobs(config.ecsTaskTags),
      service: compileGlobs(config.ecsServiceTags),
      cloudMapService: compileGlobs(config.cloudMapServiceTags),
      cloudMapNamespace: compileGlobs(config.cloudMapNamespaceTags),
    },
    extras: extraLabels(config),
    report,
    hardening: {
      tagLabels: (resource, tags, filter, priority) => tagLabels(resource, tags, filter, priority, report),
      bounded: (labels, place, resource) => boundedLabels(labels, place, report, resource),
      warn: (warning) => report.warnings.push(warning),
    },
  };
  const explain = createExplainRecorder(snapshot, config);
  const unselected = snapshot.namespaces.flatMap((namespace) =>
    namespace.services.filter((s) => !s.selected),
  );
  const enrichmentOf = cloudMapEnrichment(snapshot, config);
  const skipped: Record<SkipReason, number> = {
    [SkipReason.NotRunning]: 0,
    [SkipReason.NoAddress]: 0,
    [SkipReason.NoPort]: 0,
    [SkipReason.BadPort]: 0,
    [SkipReason.UnmappedPort]: 0,
    [SkipReason.ExternalInstance]: 0,
    [SkipReason.HostAddressDisabled]: 0,
  };
  const groups: TargetGroup[] = [];
  const collect = (task: Task, outcome: TaskOutcome): TaskDecision => {
    if (outcome.skip !== undefined) skipped[outcome.skip] += 1;
    skipped[SkipReason.UnmappedPort] += outcome.unmapped?.length ?? 0;
    groups.push(...outcome.groups);
    return {
      task,
      skip: outcome.skip,
      targets: outcome.targets ?? [],
      badPorts: outcome.badPorts ?? [],
      unmapped: outcome.unmapped ?? [],
    };
  };
  for (const cluster of snapshot.clusters) {
    explain.clusterStart();
    for (const service of cluster.services) {
      const enrichment = enrichmentOf(cluster, service);
      const matched = enrichment?.service;
      const decisions = service.tasks.map((task) =>
        collect(task, taskTargets(cluster, service, task, enrichment, context)),
      );
      // Only when nothing selected matched: would an unselected Cloud Map service have enriched it?
      const unselectedMatch =
        matched === undefined && unselected.length > 0
          ? matchCloudMapService(service, cluster.name, unselected)
          : undefined;
      const serviceNotes = [
        ...takeNotes(report, service.arn),
        ...(enrichment === undefined
          ? []
          : [...takeNotes(report, enrichment.service.arn), ...takeNotes(report, enrichment.namespace.arn)]),
        ...(unselectedMatch === undefined ? [] : [cloudMapNotSelectedNote(unselectedMatch, config)]),
      ];
      explain.service(cluster, service, decisions, serviceNotes, (arn) => takeNotes(report, arn));
    }
    const standalone = (cluster.standaloneTasks ?? []).map((task) =>
      collect(task, taskTargets(cluster, noService(cluster), task, undefined, context)),
    );
    explain.standalone(cluster, standalone, (arn) => takeNotes(report, arn));
    explain.clusterDone(cluster);
  }
  if (config.cloudMapInstanceTargets) {
    const instances = cloudMapInstanceTargets(snapshot, config, context.extras, context.hardening);
    groups.push(...instances.groups);
    explain.cloudMapInstances(instances.decisions, (resource) => takeNotes(report, resource));
  }
  const { warnings, dropped } = report;
  return { groups, skipped, droppedLabels: dropped, warnings, explain: explain.finish() };
};
