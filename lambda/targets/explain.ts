/**
 * Assembles the explain record (docs/decisions.md "Explain view (issue 15)") from what the target
 * builder already decided: per task its skip reason and scrape groups, per resource the notes the
 * builder raised (reserved tags, oversized values), the services the collector left out, and per
 * Cloud Map instance (`CloudMapInstanceTargets`) what `cloud-map-targets.ts` decided. Pure.
 */
import type { DiscoveryConfig, KeyValue } from '../config/types.ts';
import {
  arnResourceName,
  ECS_CLUSTER_NAME_ATTRIBUTE,
  ECS_SERVICE_NAME_ATTRIBUTE,
  INSTANCE_IPV4_ATTRIBUTE,
} from '../model/cloud-map-match.ts';
import { CloudMapInstanceSkipReason, SkipReason } from '../model/discovery.ts';
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
import {
  INIT_HEALTH_ATTRIBUTE,
  INSTANCE_IPV6_ATTRIBUTE,
  INSTANCE_PORT_ATTRIBUTE,
  type InstanceDecision,
  instanceResource,
} from './cloud-map-targets.ts';

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

/** The instance's attributes among `names` that it has (absent ones are left out), in `names` order. */
const attributesOf = (decision: InstanceDecision, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    names.flatMap((name) => {
      const value = decision.instance.attributes[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );

/**
 * The note of each reason an instance is no target, with the values that decided it. A record over
 * every `CloudMapInstanceSkipReason`, so a new reason cannot go without its note.
 */
const INSTANCE_NOTES: {
  readonly [R in CloudMapInstanceSkipReason]: (
    decision: InstanceDecision,
    config: DiscoveryConfig,
  ) => ExplainNote;
} = {
  [CloudMapInstanceSkipReason.EcsOwned]: (decision) =>
    note(
      ExplainReason.EcsOwned,
      attributesOf(decision, [ECS_CLUSTER_NAME_ATTRIBUTE, ECS_SERVICE_NAME_ATTRIBUTE]),
    ),
  [CloudMapInstanceSkipReason.CloudMapNotSelected]: (decision, config) =>
    cloudMapNotSelectedNote(decision.service, config),
  [CloudMapInstanceSkipReason.Unhealthy]: ({ instance }) =>
    note(ExplainReason.Unhealthy, {
      ...(instance.healthStatus === undefined
        ? { [INIT_HEALTH_ATTRIBUTE]: instance.attributes[INIT_HEALTH_ATTRIBUTE] ?? '' }
        : { healthStatus: instance.healthStatus }),
      option: 'CloudMapHealthyOnly=true',
    }),
  [CloudMapInstanceSkipReason.NoInstanceAddress]: (decision, config) =>
    note(ExplainReason.NoInstanceAddress, {
      ...attributesOf(decision, [INSTANCE_IPV4_ATTRIBUTE, INSTANCE_IPV6_ATTRIBUTE]),
      option: `IpAddressFamily=${config.ipAddressFamily}`,
    }),
  [CloudMapInstanceSkipReason.NoInstancePort]: (decision, config) =>
    note(ExplainReason.NoInstancePort, {
      lookedFor: `${config.metricsPathPortTagPrefix}PORT*;${INSTANCE_PORT_ATTRIBUTE}`,
      ...attributesOf(decision, [INSTANCE_PORT_ATTRIBUTE]),
    }),
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

  const instanceEntries: ExplainEntry[] = [];

  /** One Cloud Map instance entry and its scrape group entries, the namespace named first. */
  const pushInstance = (decision: InstanceDecision, own: readonly ExplainNote[]): void => {
    const base = {
      namespace: decision.namespace.name,
      cluster: '',
      service: decision.service.name,
      task: decision.instance.id,
    };
    const isTarget = decision.targets.length > 0;
    const badPortNote =
      !isTarget && decision.badPorts.length > 0
        ? [note(ExplainReason.BadPort, { tag: decision.badPorts.map((b) => b.tag).join(';') })]
        : [];
    const skipNote = decision.skip === undefined ? [] : [INSTANCE_NOTES[decision.skip](decision, config)];
    instanceEntries.push({
      kind: ExplainKind.CloudMapInstance,
      ...base,
      group: '',
      address: '',
      target: isTarget,
      notes: [...skipNote, ...badPortNote, ...own],
    });
    for (const target of decision.targets) {
      instanceEntries.push({
        kind: ExplainKind.ScrapeGroup,
        ...base,
        group: target.tag,
        address: target.address,
        target: true,
        notes: [],
      });
    }
    for (const bad of decision.badPorts) {
      instanceEntries.push({
        kind: ExplainKind.ScrapeGroup,
        ...base,
        group: bad.tag,
        address: '',
        target: false,
        notes: [note(ExplainReason.BadPort, { tag: bad.tag, value: bad.value })],
      });
    }
  };

  return {
    /**
     * The Cloud Map instances considered (`CloudMapInstanceTargets`), listed after every ECS entry.
     * The notes of a Cloud Map service and its namespace (reserved tags) go on the first instance
     * entry after they were raised, once, like the warning.
     */
    cloudMapInstances: (
      decisions: readonly InstanceDecision[],
      notesOf: (resource: string) => readonly ExplainNote[],
    ): void => {
      for (const decision of decisions) {
        pushInstance(decision, [
          ...notesOf(decision.service.arn),
          ...notesOf(decision.namespace.arn),
          ...notesOf(instanceResource(decision.service, decision.instance)),
        ]);
      }
    },
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
      return boundExplain([...entries, ...instanceEntries]);
    },
  };
};

export type ExplainRecorder = ReturnType<typeof createExplainRecorder>;

/** A Cloud Map instance ECS registered: its task's own entries already say why (or why not). */
const isEcsOwnedOnly = (item: ExplainEntry): boolean =>
  item.kind === ExplainKind.CloudMapInstance &&
  item.notes.length === 1 &&
  item.notes[0]?.reason === ExplainReason.EcsOwned;

const rank = (item: ExplainEntry): number => {
  if (isEcsOwnedOnly(item)) return 3;
  if (!item.target || item.notes.length > 0) return 0;
  return item.kind === ExplainKind.Cluster || item.kind === ExplainKind.Service ? 1 : 2;
};

/** Zero entries left out of every kind, built from `ExplainKind` so a new kind is counted too. */
const noneOmitted = (): Record<ExplainKind, number> =>
  // Object.fromEntries types keys as string; the keys are exactly the values of ExplainKind.
  Object.fromEntries(Object.values(ExplainKind).map((kind) => [kind, 0])) as Record<ExplainKind, number>;

/**
 * At most `limit` entries, in their order: entries that are not targets or carry notes first, then
 * clusters and services, then plain target tasks, instances and groups, then Cloud Map instances
 * only noted as ECS-registered; what is left out is counted by kind.
 */
export const boundExplain = (entries: readonly ExplainEntry[], limit = MAX_EXPLAIN_ENTRIES): Explain => {
  const omitted = noneOmitted();
  if (entries.length <= limit) return { entries, omitted };
  const ranks = entries.map(rank);
  const kept = new Set<number>();
  for (const wanted of [0, 1, 2, 3]) {
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
