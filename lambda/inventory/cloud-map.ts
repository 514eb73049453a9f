/**
 * Cloud Map resolution: namespace references (names, ids, ARNs) resolved against the account's
 * namespaces, then each namespace's services with their tags, type and instances. A new Cloud Map
 * fact for targets (e.g. instance health) is read here.
 */
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
import { type CloudMapService, CloudMapServiceType, type Namespace, type Tag } from '../model/inventory.ts';
import { byString, type CollectDeps, cached, unique } from './collect-deps.ts';
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

const readCloudMapService = async (
  deps: CollectDeps,
  record: CloudMapServiceRecord,
): Promise<CloudMapService> => {
  const [tags, instances] = await Promise.all([
    readTags(deps, record.arn),
    record.instanceCount > 0 ? readInstances(deps.ctx, deps.clients.cloudMap, record) : Promise.resolve([]),
  ]);
  return {
    id: record.id,
    arn: record.arn,
    name: record.name,
    namespaceId: record.namespaceId,
    type: classify(record, tags),
    tags,
    selected: matchesSelectors(tags, deps.config.cloudMapServiceSelectorTags),
    instances: [...instances].sort((a, b) => byString(a.id, b.id)),
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
  return { id: ns.id, arn: ns.arn, name: ns.name, tags, services: ordered };
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
 * Reads namespaces and everything in them. `registryArns` are Cloud Map services that ECS services
 * name in `serviceRegistries`; a namespace holding one that is not yet read is found with GetService.
 * `configured`: the references come from `CloudMapNamespaces` (a missing one is warned about).
 */
export const readNamespaces = async (
  deps: CollectDeps,
  refs: readonly string[],
  configured: boolean,
  registryArns: readonly string[] = [],
): Promise<Namespace[]> => {
  const { ctx, clients } = deps;
  const needsLookup = refs.length > 0 || registryArns.length > 0;
  const all = needsLookup
    ? await cached(deps, 'namespaces', () => listNamespaces(ctx, clients.cloudMap))
    : [];
  const namespaces = resolveNamespaces(deps, all, refs, configured);
  const services = new Map<string, CloudMapServiceRecord[]>();
  const listNamespace = async (ns: NamespaceRecord) => {
    services.set(ns.id, await listServices(ctx, clients.cloudMap, ns));
  };
  await Promise.all(namespaces.map(listNamespace));

  const known = new Set([...services.values()].flat().map((s) => s.arn));
  const missing = unique(registryArns.filter((arn) => !known.has(arn)));
  const extraIds = await Promise.all(missing.map((arn) => readServiceNamespaceId(deps, arn)));
  const extra = resolveNamespaces(
    deps,
    all,
    unique(extraIds.filter((id): id is string => id !== undefined && !services.has(id))),
    false,
  );
  await Promise.all(extra.map(listNamespace));

  const ordered = [...namespaces, ...extra.sort((a, b) => byString(a.id, b.id))];
  return Promise.all(ordered.map((ns) => readNamespace(deps, ns, services.get(ns.id) ?? [])));
};
