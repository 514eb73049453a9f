/**
 * The result of one discovery and why tasks were skipped: the seam between the discovery core and
 * its doors (Lambda handler, local server, CLI). Plain data in `model/`, so the target builder
 * (which counts skips) and the HTTP layer (which serves results) both import it downward.
 */

import type { Explain } from './explain.ts';

/** Why a running task produced no target; counted per refresh and logged at debug level. */
export const SkipReason = {
  /** `lastStatus` is neither RUNNING (with desiredStatus RUNNING) nor PENDING. */
  NotRunning: 'not_running',
  /** No awsvpc ENI address and no container network interface address. */
  NoAddress: 'no_address',
  /** No valid `<prefix>PORT*` tag on the task, its service, Cloud Map or extra labels. */
  NoPort: 'no_port',
  /**
   * A `<prefix>PORT*` value that is not a decimal 1..65535: that scrape group is left out with a
   * warning. Counted once per task with such a group (also when its other groups are served).
   */
  BadPort: 'bad_port',
  /** A bridge task's scrape group names a container port without a host port binding (counted per group). */
  UnmappedPort: 'unmapped_port',
  /** A bridge/host task on ECS Anywhere (`EXTERNAL`): no address can be known. */
  ExternalInstance: 'external_instance',
  /** A bridge/host task while `Ec2HostAddresses=false` (EC2 is not read). */
  HostAddressDisabled: 'host_address_disabled',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/**
 * Why a Cloud Map instance of a configured namespace (`CloudMapInstanceTargets`) produced no target
 * of its own (docs/decisions.md "Explain view (issue 15)"). Not counted in `skipped` (those count
 * tasks); recorded in the explain view only, with the same names.
 */
export const CloudMapInstanceSkipReason = {
  /** The instance carries `ECS_CLUSTER_NAME`: ECS registered a task, which is the target (or not) itself. */
  EcsOwned: 'ecs_owned',
  /** Its Cloud Map service did not pass `CloudMapServiceSelectorTags`. */
  CloudMapNotSelected: 'cloud_map_not_selected',
  /** `CloudMapHealthyOnly` and Cloud Map reports it (or it was registered) `UNHEALTHY`. */
  Unhealthy: 'unhealthy',
  /** No `AWS_INSTANCE_IPV4`/`AWS_INSTANCE_IPV6` of the family `IpAddressFamily` asks for. */
  NoInstanceAddress: 'no_instance_address',
  /** No valid `<prefix>PORT*` tag on its Cloud Map service or namespace and no valid `AWS_INSTANCE_PORT`. */
  NoInstancePort: 'no_instance_port',
} as const;
export type CloudMapInstanceSkipReason =
  (typeof CloudMapInstanceSkipReason)[keyof typeof CloudMapInstanceSkipReason];

/** Why a label was left out of a target (docs/decisions.md, "Hostile input (issue 10)"). */
export const DroppedLabelReason = {
  /** An AWS tag whose sanitised name starts with `__` or is `job`: it would steer Prometheus. */
  ReservedName: 'reserved_name',
  /** A label value over 16 KiB (UTF-8) after relabelling. */
  OversizedValue: 'oversized_value',
  /**
   * A `<prefix>SCHEME*` / `INTERVAL*` / `TIMEOUT*` / `JOB*` tag or docker label with an invalid value:
   * that setting of that target is left out (docs/decisions.md "Portable labels (issue 15)").
   */
  InvalidScrapeSetting: 'invalid_scrape_setting',
} as const;
export type DroppedLabelReason = (typeof DroppedLabelReason)[keyof typeof DroppedLabelReason];

/** One complete discovery: never produced from partial AWS data. */
export type DiscoveryResult = {
  /** The http_sd JSON array, byte-identical for an unchanged fleet. */
  readonly body: string;
  /** Number of target groups in `body`. */
  readonly targetCount: number;
  /** Running tasks that produced no target, by reason. */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** Labels left out, by reason: reserved tags once per resource and tag, oversized values per target. */
  readonly droppedLabels: Readonly<Record<DroppedLabelReason, number>>;
  /** AWS calls made by this refresh, keyed `service:Operation` (e.g. `ecs:ListTasks`). */
  readonly awsCalls: Readonly<Record<string, number>>;
  /** The same calls by outcome (`success`, `throttled`, `not_found`, `error`), each counted once. */
  readonly awsCallOutcomes: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Wall time of the refresh in milliseconds. */
  readonly durationMs: number;
  /** Epoch milliseconds at which the refresh completed. */
  readonly completedAt: number;
  /** Why each cluster, service, task and scrape group is or is not a target. Absent in older snapshots. */
  readonly explain?: Explain;
};

/** Runs one discovery against AWS. Rejects (never resolves partially) when any AWS read fails. */
export type Discover = () => Promise<DiscoveryResult>;
