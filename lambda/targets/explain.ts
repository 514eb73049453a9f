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

/** What the builder decided for one task. */
export type TaskDecision = {
  readonly task: Task;
  readonly skip: SkipReason | undefined;
  /** Scrape groups that became targets: port tag and `ip:port`. */
  readonly targets: readonly { readonly tag: string; readonly address: string }[];
  /** Scrape groups left out for their port value. */
  readonly badPorts: readonly { readonly tag: string; readonly value: string }[];
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
  if (skip === SkipReason.NoPort) {
    return [note(ExplainReason.NoPort, { lookedFor: `${config.metricsPathPortTagPrefix}PORT*` })];
  }
  return [];
};

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
      let serviceHasTarget = false;
      for (const decision of decisions) {
        const taskBase = { ...base, task: arnResourceName(decision.task.arn) };
        const isTarget = decision.targets.length > 0;
        serviceHasTarget ||= isTarget;
        const own = notesOf(decision.task.arn);
        const badPortNote =
          !isTarget && decision.badPorts.length > 0
            ? [note(ExplainReason.BadPort, { tag: decision.badPorts.map((b) => b.tag).join(';') })]
            : [];
        entries.push(
          entry(ExplainKind.Task, taskBase, isTarget, [
            ...taskNotes(decision, config),
            ...badPortNote,
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
      }
      clusterHasTarget ||= serviceHasTarget;
      const serviceNotes = [...(decisions.length === 0 ? [note(ExplainReason.NoTasks)] : []), ...notes];
      entries.splice(at, 0, entry(ExplainKind.Service, base, serviceHasTarget, serviceNotes));
    },
    /** Call after the last service of `cluster`. */
    clusterDone: (cluster: Cluster): void => closeCluster(cluster.arn, cluster.name, cluster.services.length),
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
