/**
 * The explain record of one refresh: for every cluster, service, task, scrape group and Cloud
 * Map-only instance (`CloudMapInstanceTargets`) considered, whether it became a target and, if not, why, with the values that decided it
 * (docs/decisions.md "Explain view (issue 15)"). Plain data in `model/`: the target builder writes
 * it, the refresher stores it in the snapshot, the HTTP layer and the CLI render it.
 */

import { CloudMapInstanceSkipReason, SkipReason } from './discovery.ts';

/** What one explain entry describes. */
export const ExplainKind = {
  Cluster: 'cluster',
  Service: 'service',
  Task: 'task',
  ScrapeGroup: 'scrape_group',
  /**
   * An instance of a configured namespace's Cloud Map service considered as a Cloud Map-only target
   * (`CloudMapInstanceTargets`); its scrape groups follow it as `scrape_group` entries.
   */
  CloudMapInstance: 'cloud_map_instance',
} as const;
export type ExplainKind = (typeof ExplainKind)[keyof typeof ExplainKind];

/** Why an entry is not a target, or what was left out of one. */
export const ExplainReason = {
  /** A cluster none of whose services is selected (or has a task). */
  NoServices: 'no_services',
  /** A service left out by `EcsServiceSelectorTags`: values `wanted` (the selectors) and `had`. */
  ServiceSelector: 'service_selector',
  /** A service not registered in a Cloud Map service of the configured namespaces (namespaces, both modes). */
  NotRegistered: 'not_registered',
  /** A selected service with no task listed (desiredStatus RUNNING) in this refresh. */
  NoTasks: 'no_tasks',
  /**
   * Every reason a task is skipped, with the same names and values as the skip counts, so a new skip
   * reason is an explain reason too. Values recorded: not_running `lastStatus`, `desiredStatus`;
   * no_port `lookedFor`; bad_port `tag`, `value`; unmapped_port `tag`, `containerPort`, `bindings`
   * (`container->host;…`); external_instance `networkMode`; host_address_disabled `networkMode`, `option`.
   */
  ...SkipReason,
  /**
   * Every reason a Cloud Map instance is no target of its own, likewise by construction. Values:
   * ecs_owned `ECS_CLUSTER_NAME` (and `ECS_SERVICE_NAME` when registered); unhealthy `healthStatus`
   * or `AWS_INIT_HEALTH_STATUS` (whichever decided), `option`; no_instance_address the address
   * attributes present and `option`; no_instance_port `lookedFor` and `AWS_INSTANCE_PORT` when
   * present. cloud_map_not_selected (`cloudMapService`, `wanted`) is also noted on an ECS service whose
   * Cloud Map service did not pass `CloudMapServiceSelectorTags`, so it does not enrich the targets.
   */
  ...CloudMapInstanceSkipReason,
  /** A tag left out because its label name is reserved for Prometheus: values `resource`, `tag`. */
  ReservedTag: 'reserved_tag',
  /** A label left out because its value is over 16 KiB: values `label`, `bytes`. */
  OversizedValue: 'oversized_value',
} as const;
export type ExplainReason = (typeof ExplainReason)[keyof typeof ExplainReason];

/** One reason with the values that decided it (strings, each at most `MAX_EXPLAIN_VALUE_CHARS`). */
export type ExplainNote = {
  readonly reason: ExplainReason;
  readonly values: Readonly<Record<string, string>>;
};

export type ExplainEntry = {
  readonly kind: ExplainKind;
  /**
   * The Cloud Map namespace (name) of a Cloud Map instance entry and its scrape groups; absent on
   * every other entry, so the entries of ECS resources keep their shape.
   */
  readonly namespace?: string;
  /** `''` on Cloud Map instance entries and their scrape groups. */
  readonly cluster: string;
  /** `''` on cluster entries; the Cloud Map service's name on Cloud Map instance entries. */
  readonly service: string;
  /** The task id (last ARN segment), or the Cloud Map instance id; `''` above task entries. */
  readonly task: string;
  /**
   * The scrape group's port tag (`METRICS_PORT`, `METRICS_PORT_ECS`; `AWS_INSTANCE_PORT` for a Cloud
   * Map instance scraped on that attribute); `''` on other entries.
   */
  readonly group: string;
  /** `ip:port` of a scrape group that became a target; `''` otherwise. */
  readonly address: string;
  /** Whether it became a target (a cluster, service or task: whether any of its groups did). */
  readonly target: boolean;
  /** Why it is not a target, or what was left out of it; empty for a plain target. */
  readonly notes: readonly ExplainNote[];
};

export type Explain = {
  /**
   * In fleet order: cluster, its services (excluded ones after the selected), their tasks, their
   * groups; then the Cloud Map instances (namespace, service, instance id), each with its groups.
   */
  readonly entries: readonly ExplainEntry[];
  /** Entries left out to bound the record, by kind (targets go first; see `MAX_EXPLAIN_ENTRIES`). */
  readonly omitted: Readonly<Record<ExplainKind, number>>;
};

/**
 * At most this many entries are kept; entries that are not targets or carry notes are kept first,
 * then clusters and services, then plain target tasks and groups (docs/decisions.md "Explain view
 * (issue 15)"). About 200 bytes each, so the record stays near 1 MB on any fleet.
 */
export const MAX_EXPLAIN_ENTRIES = 5000;

/** Values (tag values, ARNs) are cut to this many characters, with a trailing `…`. */
export const MAX_EXPLAIN_VALUE_CHARS = 200;

/** One line per reason, for the page and the CLI table. */
export const EXPLAIN_REASON_TEXT: Readonly<Record<ExplainReason, string>> = {
  [ExplainReason.NoServices]: 'no service of this cluster is selected',
  [ExplainReason.ServiceSelector]: 'left out by EcsServiceSelectorTags',
  [ExplainReason.NotRegistered]: 'not registered in the configured Cloud Map namespaces',
  [ExplainReason.NoTasks]: 'no running task listed',
  [ExplainReason.NotRunning]: 'task is not running',
  [ExplainReason.NoAddress]: 'task has no address',
  [ExplainReason.NoPort]: 'no port tag',
  [ExplainReason.BadPort]: 'port is not a decimal 1..65535',
  [ExplainReason.UnmappedPort]: 'container port has no host port binding',
  [ExplainReason.ExternalInstance]: 'task runs on ECS Anywhere: no host address',
  [ExplainReason.HostAddressDisabled]: 'host address not read (Ec2HostAddresses=false)',
  [ExplainReason.EcsOwned]: 'registered by ECS: a target only through its task',
  [ExplainReason.Unhealthy]: 'left out as UNHEALTHY (CloudMapHealthyOnly)',
  [ExplainReason.NoInstanceAddress]: 'instance has no address of the IpAddressFamily',
  [ExplainReason.NoInstancePort]: 'no port tag and no valid AWS_INSTANCE_PORT',
  [ExplainReason.ReservedTag]: 'tag left out: its label name is reserved for Prometheus',
  [ExplainReason.OversizedValue]: 'label left out: its value is over 16 KiB',
  [ExplainReason.CloudMapNotSelected]: 'Cloud Map service not selected by CloudMapServiceSelectorTags',
};

/** `key=value` pairs of a note, space-separated, in the note's key order. */
export const noteValuesText = (note: ExplainNote): string =>
  Object.entries(note.values)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
