/**
 * Cloud Map resolution: namespace references (names, ids, ARNs) resolved against the account's
 * namespaces, then each namespace's services with their tags, type and instances. A new Cloud Map
 * fact for targets (e.g. instance health) is read here.
 */
import type { CallContext, Sender } from '../aws/call-context.ts';
import {
  type CloudMapServiceRecord,
  getServiceNamespaceId,
  listNamespaces,
  listServices,
  listTags,
  type NamespaceRecord,
  readInstances,
} from '../aws/cloudmap.ts';
import { matchesSelectors } from '../config/selectors.ts';
import { arnResourceName } from '../model/cloud-map-match.ts';
import {
  type CloudMapInstance,
  type CloudMapService,
  CloudMapServiceType,
  type Namespace,
  type Tag,
} from '../model/inventory.ts';
import { byString, type CollectDeps, cached, started, unique } from './collect-deps.ts';
import { IMMUTABLE_TTL_MS } from './ttl-cache.ts';

const namespaceIdOf = (ref: string): string => (ref.startsWith('arn:') ? arnResourceName(ref) : ref);

/** Resolves namespace references (names, ids or ARNs) against the account's namespaces. */
const resolveNamespaces = (
  deps: CollectDeps,
  all: readonly NamespaceRecord[],
  refs: readonly string[],
  configured: boolean,
): NamespaceRecord[] => {
  const found: NamespaceRecord[] = [];
  for (const ref of refs) {
    const id = namespaceIdOf(ref);
    const matches = all.filter((n) => n.id === id || n.name === ref);
    if (matches.length === 0 && configured) {
      deps.ctx.warn('Configured Cloud Map namespace not found', { namespace: ref });
    }
    found.push(...matches);
  }
  const seen = new Set<string>();
  return found.filter((n) => !seen.has(n.id) && seen.add(n.id));
};

/** SD registrations ECS writes are tagged by description; Service Connect ones by description or tag. */
const classify = (record: CloudMapServiceRecord, tags: readonly Tag[]): CloudMapServiceType => {
  const description = record.description.toLowerCase();
  const managedByEcs = ['arn:', ':ecs:', ':service'].every((part) => description.includes(part));
  const taggedManaged = tags.some((t) => t.key === 'AmazonECSManaged' && t.value === 'true');
  return managedByEcs || taggedManaged
    ? CloudMapServiceType.ServiceConnect
    : CloudMapServiceType.ServiceDiscovery;
};

const readTags = (deps: CollectDeps, arn: string) =>
  cached(deps, `tags:${arn}`, () => listTags(deps.ctx, deps.clients.cloudMap, arn), true);

/** A service's instances as the inventory holds them: DiscoverInstances or ListInstances, by id. */
const readSortedInstances = async (
  ctx: CallContext,
  cloudMap: Sender,
  record: Pick<CloudMapServiceRecord, 'id' | 'name' | 'namespaceHttpName'>,
): Promise<CloudMapInstance[]> =>
  [...(await readInstances(ctx, cloudMap, record))].sort((a, b) => byString(a.id, b.id));

/**
 * The instances of a Cloud Map service the inventory holds, re-read by an event batch with the
 * reconcile's reader (docs/decisions.md "One refresh per fleet (issue 13)"). A namespace without
 * `httpName` (AWS gave none, or an older snapshot) is read with ListInstances.
 */
export const rereadInstances = (
  ctx: CallContext,
  cloudMap: Sender,
  service: Pick<CloudMapService, 'id' | 'name'>,
  namespace: Pick<Namespace, 'httpName'>,
): Promise<CloudMapInstance[]> =>
  readSortedInstances(ctx, cloudMap, {
    id: service.id,
    name: service.name,
    namespaceHttpName: namespace.httpName,
  });

const readCloudMapService = async (
  deps: CollectDeps,
  record: CloudMapServiceRecord,
): Promise<CloudMapService> => {
  const [tags, instances] = await Promise.all([
    readTags(deps, record.arn),
    record.instanceCount > 0
      ? readSortedInstances(deps.ctx, deps.clients.cloudMap, record)
      : Promise.resolve([]),
  ]);
  return {
    id: record.id,
    arn: record.arn,
    name: record.name,
    namespaceId: record.namespaceId,
    type: classify(record, tags),
    tags,
    selected: matchesSelectors(tags, deps.config.cloudMapServiceSelectorTags),
    instances,
  };
};

const readNamespace = async (
  deps: CollectDeps,
  ns: NamespaceRecord,
  records: readonly CloudMapServiceRecord[],
): Promise<Namespace> => {
  const [tags, services] = await Promise.all([
    readTags(deps, ns.arn),
    Promise.all(records.map((r) => readCloudMapService(deps, r))),
  ]);
  const ordered = services.sort((a, b) => byString(a.name, b.name) || byString(a.id, b.id));
  return {
    id: ns.id,
    arn: ns.arn,
    name: ns.name,
    ...(ns.httpName === undefined ? {} : { httpName: ns.httpName }),
    tags,
    services: ordered,
  };
};

/**
 * The namespace of a Cloud Map service never changes, so it is read once per process (whatever
 * `CacheTopLevelResources` says) and only forgotten with the rest of the cache after a failure.
 */
const readServiceNamespaceId = async (deps: CollectDeps, serviceArn: string): Promise<string | undefined> => {
  const key = `service-namespace:${serviceArn}`;
  const hit = deps.cache.get<string>(key);
  if (hit !== undefined) return hit;
  const id = await getServiceNamespaceId(deps.ctx, deps.clients.cloudMap, arnResourceName(serviceArn));
  if (id !== undefined) deps.cache.set(key, id, IMMUTABLE_TTL_MS);
  return id;
};

/**
 * The Cloud Map reads of one refresh, started as soon as the namespaces are known (docs/decisions.md
 * "Pipelined refresh (issue 12)"). `prefetch` may be called any number of times, in any order, as
 * references arrive: it starts the one ListNamespaces read of the refresh and each newly referenced
 * namespace's ListServices, tags and instances, each once. `finish` takes every reference in
 * configuration order, finds the namespaces of unknown registries with GetService (only then, so no
 * call is made that a later reference would have made unnecessary), and assembles the namespaces in
 * that order, whatever order the reads completed in.
 * `configured`: the references come from `CloudMapNamespaces` (a missing one is warned about).
 */
export type NamespaceReads = {
  readonly prefetch: (refs: readonly string[], registryArns: readonly string[]) => void;
  /** The namespaces `refs` name, as soon as ListNamespaces answers (before their contents are read). */
  readonly records: (refs: readonly string[]) => Promise<NamespaceRecord[]>;
  readonly finish: (refs: readonly string[], registryArns: readonly string[]) => Promise<Namespace[]>;
};

export const startNamespaceReads = (deps: CollectDeps, configured: boolean): NamespaceReads => {
  const { ctx, clients } = deps;
  let all: Promise<NamespaceRecord[]> | undefined;
  const listAll = () => {
    all ??= started(cached(deps, 'namespaces', () => listNamespaces(ctx, clients.cloudMap)));
    return all;
  };
  type Reads = { readonly listed: Promise<CloudMapServiceRecord[]>; readonly read: Promise<Namespace> };
  const reads = new Map<string, Reads>();
  const read = (ns: NamespaceRecord): Reads => {
    const known = reads.get(ns.id);
    if (known) return known;
    const listed = started(listServices(ctx, clients.cloudMap, ns));
    const entry = { listed, read: started(listed.then((records) => readNamespace(deps, ns, records))) };
    reads.set(ns.id, entry);
    return entry;
  };
  const resolving: Promise<void>[] = [];
  const prefetch = (refs: readonly string[], registryArns: readonly string[]) => {
    if (refs.length === 0 && registryArns.length === 0) return;
    // Warnings are left to `finish`, which resolves every reference once, in order.
    const resolve = listAll().then((records) => {
      for (const ns of resolveNamespaces(deps, records, refs, false)) read(ns);
    });
    resolving.push(started(resolve));
  };

  const finish = async (refs: readonly string[], registryArns: readonly string[]) => {
    prefetch(refs, registryArns);
    await Promise.all(resolving);
    const records = all ? await all : [];
    const namespaces = resolveNamespaces(deps, records, refs, configured);
    const listed = await Promise.all([...reads.values()].map((r) => r.listed));
    const known = new Set(listed.flat().map((s) => s.arn));
    const missing = unique(registryArns.filter((arn) => !known.has(arn)));
    const extraIds = await Promise.all(missing.map((arn) => readServiceNamespaceId(deps, arn)));
    const extra = resolveNamespaces(
      deps,
      records,
      unique(extraIds.filter((id): id is string => id !== undefined && !reads.has(id))),
      false,
    );
    for (const ns of extra) read(ns);
    const ordered = [...namespaces, ...extra.sort((a, b) => byString(a.id, b.id))];
    return Promise.all(ordered.map((ns) => read(ns).read));
  };
  const records = async (refs: readonly string[]) =>
    refs.length === 0 ? [] : resolveNamespaces(deps, await listAll(), refs, false);
  return { prefetch, records, finish };
};

/**
 * Reads namespaces and everything in them. `registryArns` are Cloud Map services that ECS services
 * name in `serviceRegistries`; a namespace holding one that is not yet read is found with GetService.
 * `configured`: the references come from `CloudMapNamespaces` (a missing one is warned about).
 */
export const readNamespaces = (
  deps: CollectDeps,
  refs: readonly string[],
  configured: boolean,
  registryArns: readonly string[] = [],
): Promise<Namespace[]> => startNamespaceReads(deps, configured).finish(refs, registryArns);
