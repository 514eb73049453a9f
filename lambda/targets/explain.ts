/**
 * Assembles the explain record (docs/decisions.md "Explain view (issue 15)") from what the target
 * builder already decided: per task its skip reason and scrape groups, per resource the notes the
 * builder raised (reserved tags, oversized values), and the services the collector left out. Pure.
 */
import type { DiscoveryConfig, KeyValue } from '../config/types.ts';
import { arnResourceName } from '../model/cloud-map-match.ts';
import { SkipReason } from '../model/discovery.ts';
import {
  type Explain,
  type ExplainEntry,
  ExplainKind,
  type ExplainNote,
  ExplainReason,
  MAX_EXPLAIN_ENTRIES,
  MAX_EXPLAIN_VALUE_CHARS,
} from '../model/explain.ts';
import {
  type CloudMapService,
  type Cluster,
  type EcsService,
  ExcludedBy,
  type ExcludedService,
  type InventorySnapshot,
  type Task,
} from '../model/inventory.ts';

/** A bridge task's scrape group whose container port has no host port binding. */
export type UnmappedGroup = { readonly tag: string; readonly containerPort: number };

/** What the builder decided for one task. */
export type TaskDecision = {
  readonly task: Task;
  readonly skip: SkipReason | undefined;
  /** Scrape groups that became targets: port tag and `ip:port`. */
  readonly targets: readonly { readonly tag: string; readonly address: string }[];
  /** Scrape groups left out for their port value. */
  readonly badPorts: readonly { readonly tag: string; readonly value: string }[];
  /** Scrape groups left out because a bridge binding for their container port is missing. @default none */
  readonly unmapped?: readonly UnmappedGroup[];
};

/** A long value (a tag value, an ARN) cut so that one entry stays small. */
export const clip = (value: string): string =>
  value.length <= MAX_EXPLAIN_VALUE_CHARS ? value : `${value.slice(0, MAX_EXPLAIN_VALUE_CHARS - 1)}…`;

const note = (reason: ExplainReason, values: Record<string, string> = {}): ExplainNote => ({
  reason,
  values: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, clip(value)])),
});

export const reservedTagNote = (resource: string, tag: string): ExplainNote =>
  note(ExplainReason.ReservedTag, { resource, tag });

export const oversizedValueNote = (label: string, bytes: number): ExplainNote =>
  note(ExplainReason.OversizedValue, { label, bytes: String(bytes) });

/** `a=1;b=*`: selectors as the operator wrote them. */
const selectorText = (selectors: readonly KeyValue[]): string =>
  selectors.map((s) => `${s.key}=${s.value ?? ''}`).join(';');

/** A Cloud Map service that would have enriched the service had it passed its selector. */
export const cloudMapNotSelectedNote = (service: CloudMapService, config: DiscoveryConfig): ExplainNote =>
  note(ExplainReason.CloudMapNotSelected, {
    cloudMapService: service.name,
    wanted: selectorText(config.cloudMapServiceSelectorTags),
  });

type Base = Pick<ExplainEntry, 'cluster' | 'service' | 'task' | 'group'>;

const entry = (
  kind: ExplainEntry['kind'],
  base: Base,
  target: boolean,
  notes: readonly ExplainNote[],
  address = '',
): ExplainEntry => ({ kind, ...base, address, target, notes });

const taskNotes = (decision: TaskDecision, config: DiscoveryConfig): ExplainNote[] => {
  const { task, skip } = decision;
  if (skip === SkipReason.NotRunning) {
    return [
      note(ExplainReason.NotRunning, { lastStatus: task.lastStatus, desiredStatus: task.desiredStatus }),
    ];
  }
  if (skip === SkipReason.NoAddress) return [note(ExplainReason.NoAddress)];
  if (skip === SkipReason.ExternalInstance) {
    return [note(ExplainReason.ExternalInstance, { networkMode: task.networkMode ?? '' })];
  }
  if (skip === SkipReason.HostAddressDisabled) {
    return [
      note(ExplainReason.HostAddressDisabled, {
        networkMode: task.networkMode ?? '',
        option: `Ec2HostAddresses=${config.ec2HostAddresses}`,
      }),
    ];
  }
  if (skip === SkipReason.NoPort) {
    return [note(ExplainReason.NoPort, { lookedFor: `${config.metricsPathPortTagPrefix}PORT*` })];
  }
  return [];
};

/** `80->32768;443->32769`: the bindings a bridge task reported, in AWS order. */
const bindingsText = (task: Task): string =>
  (task.portBindings ?? []).map((b) => `${b.containerPort}->${b.hostPort}`).join(';');

const unmappedNote = (task: Task, group: UnmappedGroup): ExplainNote =>
  note(ExplainReason.UnmappedPort, {
    tag: group.tag,
    containerPort: String(group.containerPort),
    bindings: bindingsText(task),
  });

/** Collects the entries of one build in fleet order; `finish` bounds them. */
export const createExplainRecorder = (snapshot: InventorySnapshot, config: DiscoveryConfig) => {
  const entries: ExplainEntry[] = [];
  const excludedByCluster = new Map<string, ExcludedService[]>();
  for (const excluded of snapshot.excludedServices ?? []) {
    excludedByCluster.set(excluded.clusterArn, [
      ...(excludedByCluster.get(excluded.clusterArn) ?? []),
      excluded,
    ]);
  }
  let clusterAt = 0;
  let clusterHasTarget = false;

  const excludedEntry = (clusterName: string, excluded: ExcludedService): ExplainEntry =>
    entry(ExplainKind.Service, { cluster: clusterName, service: excluded.name, task: '', group: '' }, false, [
      excluded.excludedBy === ExcludedBy.ServiceSelector
        ? note(ExplainReason.ServiceSelector, {
            wanted: selectorText(config.ecsServiceSelectorTags),
            had: excluded.selectorTags.map((t) => `${t.key}=${t.value}`).join(';'),
          })
        : note(ExplainReason.NotRegistered, {
            namespaces: config.cloudMapNamespaces.join(';'),
            registrations: String(excluded.registrations),
          }),
    ]);

  const openCluster = (): void => {
    clusterAt = entries.length;
    clusterHasTarget = false;
  };

  const closeCluster = (arn: string, name: string, selectedServices: number): void => {
    const excluded = excludedByCluster.get(arn) ?? [];
    excludedByCluster.delete(arn);
    entries.push(...excluded.map((service) => excludedEntry(name, service)));
    const notes = selectedServices === 0 ? [note(ExplainReason.NoServices)] : [];
    entries.splice(
      clusterAt,
      0,
      entry(
        ExplainKind.Cluster,
        { cluster: name, service: '', task: '', group: '' },
        clusterHasTarget,
        notes,
      ),
    );
  };

  /** Task and scrape group entries of `decisions`; whether any became a target. */
  const pushTasks = (
    base: Base,
    decisions: readonly TaskDecision[],
    notesOf: (resource: string) => readonly ExplainNote[],
  ): boolean => {
    let anyTarget = false;
    for (const decision of decisions) {
      const taskBase = { ...base, task: arnResourceName(decision.task.arn) };
      const isTarget = decision.targets.length > 0;
      anyTarget ||= isTarget;
      const own = notesOf(decision.task.arn);
      const unmapped = decision.unmapped ?? [];
      const badPortNote =
        !isTarget && decision.badPorts.length > 0
          ? [note(ExplainReason.BadPort, { tag: decision.badPorts.map((b) => b.tag).join(';') })]
          : [];
      const unmappedTaskNote =
        !isTarget && unmapped.length > 0
          ? [
              note(ExplainReason.UnmappedPort, {
                tag: unmapped.map((u) => u.tag).join(';'),
                bindings: bindingsText(decision.task),
              }),
            ]
          : [];
      entries.push(
        entry(ExplainKind.Task, taskBase, isTarget, [
          ...taskNotes(decision, config),
          ...badPortNote,
          ...unmappedTaskNote,
          ...own,
        ]),
      );
      for (const target of decision.targets) {
        entries.push(
          entry(ExplainKind.ScrapeGroup, { ...taskBase, group: target.tag }, true, [], target.address),
        );
      }
      for (const bad of decision.badPorts) {
        entries.push(
          entry(ExplainKind.ScrapeGroup, { ...taskBase, group: bad.tag }, false, [
            note(ExplainReason.BadPort, { tag: bad.tag, value: bad.value }),
          ]),
        );
      }
      for (const group of unmapped) {
        entries.push(
          entry(ExplainKind.ScrapeGroup, { ...taskBase, group: group.tag }, false, [
            unmappedNote(decision.task, group),
          ]),
        );
      }
    }
    return anyTarget;
  };

  return {
    /** Call before the first service of a cluster. */
    clusterStart: (): void => openCluster(),
    /** One ECS service with what was decided for each of its tasks, and its own notes. */
    service: (
      cluster: Cluster,
      service: EcsService,
      decisions: readonly TaskDecision[],
      notes: readonly ExplainNote[],
      notesOf: (resource: string) => readonly ExplainNote[],
    ): void => {
      const base = { cluster: cluster.name, service: service.name, task: '', group: '' };
      const at = entries.length;
      const serviceHasTarget = pushTasks(base, decisions, notesOf);
      clusterHasTarget ||= serviceHasTarget;
      const serviceNotes = [...(decisions.length === 0 ? [note(ExplainReason.NoTasks)] : []), ...notes];
      entries.splice(at, 0, entry(ExplainKind.Service, base, serviceHasTarget, serviceNotes));
    },
    /** The cluster's stand-alone tasks (no service: `service` is `''`), after its services. */
    standalone: (
      cluster: Cluster,
      decisions: readonly TaskDecision[],
      notesOf: (resource: string) => readonly ExplainNote[],
    ): void => {
      const base = { cluster: cluster.name, service: '', task: '', group: '' };
      clusterHasTarget = pushTasks(base, decisions, notesOf) || clusterHasTarget;
    },
    /** Call after the last service (and stand-alone task) of `cluster`. */
    clusterDone: (cluster: Cluster): void =>
      closeCluster(
        cluster.arn,
        cluster.name,
        cluster.services.length + (cluster.standaloneTasks?.length ?? 0),
      ),
    /** Excluded services of clusters the snapshot holds no entry for, then the bounded record. */
    finish: (): Explain => {
      for (const [arn] of [...excludedByCluster].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        openCluster();
        closeCluster(arn, arnResourceName(arn), 0);
      }
      return boundExplain(entries);
    },
  };
};

export type ExplainRecorder = ReturnType<typeof createExplainRecorder>;

const rank = (item: ExplainEntry): number => {
  if (!item.target || item.notes.length > 0) return 0;
  return item.kind === ExplainKind.Cluster || item.kind === ExplainKind.Service ? 1 : 2;
};

/**
 * At most `limit` entries, in their order: entries that are not targets or carry notes first, then
 * clusters and services, then plain target tasks and groups; what is left out is counted by kind.
 */
export const boundExplain = (entries: readonly ExplainEntry[], limit = MAX_EXPLAIN_ENTRIES): Explain => {
  const omitted = {
    [ExplainKind.Cluster]: 0,
    [ExplainKind.Service]: 0,
    [ExplainKind.Task]: 0,
    [ExplainKind.ScrapeGroup]: 0,
  };
  if (entries.length <= limit) return { entries, omitted };
  const ranks = entries.map(rank);
  const kept = new Set<number>();
  for (const wanted of [0, 1, 2]) {
    for (let index = 0; index < entries.length && kept.size < limit; index += 1) {
      if (ranks[index] === wanted) kept.add(index);
    }
  }
  const bounded: ExplainEntry[] = [];
  entries.forEach((item, index) => {
    if (kept.has(index)) bounded.push(item);
    else omitted[item.kind] += 1;
  });
  return { entries: bounded, omitted };
};
