/**
 * Cloud Map operations of the double (target prefix `Route53AutoNaming_v20170314.`, PascalCase
 * members). Every list pages at 100 by default and at most.
 */
import { cloudMapError, invalidCloudMapInput } from './errors.ts';
import type { FleetCloudMapService, FleetNamespace, Tag } from './fleet.ts';
import { CloudMapServiceKind, hashId, NamespaceKind } from './fleet.ts';
import type { FleetIndex } from './fleet-index.ts';
import type { Input } from './input.ts';
import { requiredString } from './input.ts';
import { page } from './paging.ts';

const LIST_LIMITS = { defaultSize: 100, maxSize: 100 } as const;
const PAGE_NAMES = { maxResults: 'MaxResults', nextToken: 'NextToken' } as const;

const invalid = invalidCloudMapInput;

const pageArgs = (input: Input) => ({
  maxResults: input.MaxResults,
  nextToken: input.NextToken,
  invalid,
  names: PAGE_NAMES,
});
const nextTokenOf = (token: string | undefined) => (token === undefined ? {} : { NextToken: token });

type Filter = { readonly name: string; readonly values: readonly string[]; readonly condition: string };

/** `Filters` of a list request, validated against the names and conditions the API accepts. */
const filtersOf = (input: Input, allowed: Readonly<Record<string, readonly string[]>>): Filter[] => {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('Filters must be a list.');
  return raw.map((item: unknown) => {
    const f = (item ?? {}) as Record<string, unknown>;
    const name = typeof f.Name === 'string' ? f.Name : '';
    const condition = typeof f.Condition === 'string' ? f.Condition : 'EQ';
    const values = Array.isArray(f.Values) ? f.Values.filter((v): v is string => typeof v === 'string') : [];
    const conditions = allowed[name];
    if (!conditions) throw invalid(`Filter name ${name} is not supported.`);
    if (!conditions.includes(condition))
      throw invalid(`Condition ${condition} is not supported for filter ${name}.`);
    if (values.length === 0 || (condition === 'EQ' && values.length !== 1)) {
      throw invalid(`Filter ${name} with condition ${condition} has the wrong number of values.`);
    }
    return { name, values, condition };
  });
};

const matches = (filter: Filter, actual: string): boolean =>
  filter.condition === 'BEGINS_WITH'
    ? actual.startsWith(filter.values[0]!)
    : filter.condition === 'IN'
      ? filter.values.includes(actual)
      : actual === filter.values[0];

/**
 * A namespace's `HttpName`: its name, except that a name reused by a later namespace (a DNS and an
 * HTTP namespace may share one) gets a generated suffix there, as Cloud Map adds a hash.
 */
const httpNameOf = (namespaces: readonly FleetNamespace[], ns: FleetNamespace): string =>
  namespaces.find((other) => other.name === ns.name) === ns ? ns.name : `${ns.name}-${hashId(ns.id, 8)}`;

const namespaceJson = (ns: FleetNamespace, accountId: string, httpName: string) => ({
  Id: ns.id,
  Arn: ns.arn,
  ResourceOwner: accountId,
  Name: ns.name,
  Type: ns.type,
  ServiceCount: ns.services.length,
  Properties: {
    ...(ns.type === NamespaceKind.Http
      ? {}
      : { DnsProperties: { HostedZoneId: `Z${hashId(ns.id, 20).toUpperCase()}`, SOA: { TTL: 15 } } }),
    HttpProperties: { HttpName: httpName },
  },
  CreateDate: ns.createdAt,
});

const serviceSummaryJson = (srv: FleetCloudMapService, accountId: string) => ({
  Id: srv.id,
  Arn: srv.arn,
  ResourceOwner: accountId,
  Name: srv.name,
  Type: srv.type,
  ...(srv.description === undefined ? {} : { Description: srv.description }),
  InstanceCount: srv.instances.length,
  ...(srv.type === CloudMapServiceKind.Http
    ? {}
    : { DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 15 }] } }),
  HealthCheckCustomConfig: { FailureThreshold: 1 },
  CreateDate: srv.createdAt,
  CreatedByAccount: accountId,
});

const tagsJson = (tags: readonly Tag[]) => tags.map((t) => ({ Key: t.key, Value: t.value }));

const NAMESPACE_FILTERS = {
  NAME: ['EQ', 'BEGINS_WITH'],
  TYPE: ['EQ', 'IN'],
  HTTP_NAME: ['EQ', 'BEGINS_WITH'],
} as const;

const listNamespaces = (index: FleetIndex, input: Input) => {
  const filters = filtersOf(input, NAMESPACE_FILTERS);
  const found = index.fleet.namespaces.filter((ns) =>
    filters.every((f) => matches(f, f.name === 'TYPE' ? ns.type : ns.name)),
  );
  const scope = JSON.stringify(filters);
  const result = page(found, { operation: 'ListNamespaces', scope, ...pageArgs(input) }, LIST_LIMITS);
  return {
    Namespaces: result.items.map((ns) =>
      namespaceJson(ns, index.fleet.accountId, httpNameOf(index.fleet.namespaces, ns)),
    ),
    ...nextTokenOf(result.nextToken),
  };
};

const getNamespace = (index: FleetIndex, input: Input) => {
  const id = requiredString(input, 'Id', invalid);
  const ns = index.namespaces.get(id);
  if (!ns) throw cloudMapError('NamespaceNotFound', `Namespace not found: ${id}`);
  return {
    Namespace: {
      ...namespaceJson(ns, index.fleet.accountId, httpNameOf(index.fleet.namespaces, ns)),
      CreatorRequestId: `create-${ns.id}`,
    },
  };
};

const listServices = (index: FleetIndex, input: Input) => {
  const filters = filtersOf(input, { NAMESPACE_ID: ['EQ'] });
  // Real Cloud Map answers an unknown namespace id with an empty list, not an error.
  const namespaces =
    filters.length === 0
      ? index.fleet.namespaces
      : filters.flatMap((f) => index.namespaces.get(f.values[0]!) ?? []);
  const found = namespaces.flatMap((ns) => ns.services);
  const scope = JSON.stringify(filters);
  const result = page(found, { operation: 'ListServices', scope, ...pageArgs(input) }, LIST_LIMITS);
  return {
    Services: result.items.map((srv) => serviceSummaryJson(srv, index.fleet.accountId)),
    ...nextTokenOf(result.nextToken),
  };
};

const serviceOf = (index: FleetIndex, id: string) => {
  const entry = index.cloudMapServices.get(id);
  if (!entry) throw cloudMapError('ServiceNotFound', `Service not found: ${id}`);
  return entry.service;
};

const getService = (index: FleetIndex, input: Input) => {
  const srv = serviceOf(index, requiredString(input, 'Id', invalid));
  const { InstanceCount: _ignored, ...summary } = serviceSummaryJson(srv, index.fleet.accountId);
  return { Service: { ...summary, NamespaceId: srv.namespaceId, CreatorRequestId: `create-${srv.id}` } };
};

const listInstances = (index: FleetIndex, input: Input) => {
  const srv = serviceOf(index, requiredString(input, 'ServiceId', invalid));
  const result = page(
    srv.instances,
    { operation: 'ListInstances', scope: srv.id, ...pageArgs(input) },
    LIST_LIMITS,
  );
  return {
    ResourceOwner: index.fleet.accountId,
    Instances: result.items.map((i) => ({
      Id: i.id,
      Attributes: { ...i.attributes },
      CreatedByAccount: index.fleet.accountId,
    })),
    ...nextTokenOf(result.nextToken),
  };
};

const DISCOVER_LIMITS = { defaultSize: 100, maxSize: 1000 } as const;
const HEALTH_FILTERS = ['HEALTHY', 'UNHEALTHY', 'ALL', 'HEALTHY_OR_ELSE_ALL'] as const;

/** Every service has a custom health check: an instance is healthy unless registered UNHEALTHY. */
const healthOf = (attributes: Readonly<Record<string, string>>): string =>
  attributes.AWS_INIT_HEALTH_STATUS === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY';

/**
 * The data-plane read: a namespace by its `HttpName`, a service by its name, no paging (one answer of
 * at most `MaxResults`, 100 by default, 1,000 at most). Without `HealthStatus` only healthy instances
 * are returned (stricter than needed, so a reader that forgets `ALL` is caught).
 */
const discoverInstances = (index: FleetIndex, input: Input) => {
  const namespaceName = requiredString(input, 'NamespaceName', invalid);
  const serviceName = requiredString(input, 'ServiceName', invalid);
  const max = input.MaxResults ?? DISCOVER_LIMITS.defaultSize;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > DISCOVER_LIMITS.maxSize) {
    throw invalid(`MaxResults must be an integer from 1 to ${DISCOVER_LIMITS.maxSize}.`);
  }
  const filter = input.HealthStatus ?? 'HEALTHY';
  if (!HEALTH_FILTERS.includes(filter as (typeof HEALTH_FILTERS)[number])) {
    throw invalid(`HealthStatus ${String(filter)} is not valid.`);
  }
  const namespaces = index.fleet.namespaces;
  const ns = namespaces.find((n) => httpNameOf(namespaces, n) === namespaceName);
  if (!ns) throw cloudMapError('NamespaceNotFound', `Namespace not found: ${namespaceName}`);
  const srv = ns.services.find((s) => s.name === serviceName);
  if (!srv) throw cloudMapError('ServiceNotFound', `Service not found: ${serviceName}`);
  const healthy = srv.instances.filter((i) => healthOf(i.attributes) === 'HEALTHY');
  const chosen =
    filter === 'ALL'
      ? srv.instances
      : filter === 'HEALTHY'
        ? healthy
        : filter === 'UNHEALTHY'
          ? srv.instances.filter((i) => healthOf(i.attributes) !== 'HEALTHY')
          : healthy.length > 0
            ? healthy
            : srv.instances;
  return {
    Instances: chosen.slice(0, max).map((i) => ({
      InstanceId: i.id,
      NamespaceName: namespaceName,
      ServiceName: srv.name,
      HealthStatus: healthOf(i.attributes),
      Attributes: { ...i.attributes },
    })),
    // Deterministic per instance set (real Cloud Map increases it on every (de)registration).
    InstancesRevision: Number.parseInt(hashId(srv.instances.map((i) => i.id).join(','), 8), 16),
  };
};

const listTagsForResource = (index: FleetIndex, input: Input) => {
  const arn = requiredString(input, 'ResourceARN', invalid);
  if (!arn.startsWith('arn:aws:servicediscovery:')) throw invalid(`${arn} is not a valid ARN.`);
  const tags = index.cloudMapTags.get(arn);
  if (!tags) throw cloudMapError('ResourceNotFoundException', `Resource not found: ${arn}`);
  return { Tags: tagsJson(tags) };
};

/** Cloud Map handlers by operation name. */
export const cloudMapOperations = {
  ListNamespaces: listNamespaces,
  GetNamespace: getNamespace,
  ListServices: listServices,
  GetService: getService,
  ListInstances: listInstances,
  DiscoverInstances: discoverInstances,
  ListTagsForResource: listTagsForResource,
} as const satisfies Record<string, (index: FleetIndex, input: Input) => unknown>;

/** The namespace a Cloud Map request names (for fault matching): a NAMESPACE_ID filter or an Id. */
export const requestNamespaceId = (input: Input): string | undefined => {
  const filters = Array.isArray(input.Filters) ? (input.Filters as Record<string, unknown>[]) : [];
  const byFilter = filters.find((f) => f?.Name === 'NAMESPACE_ID');
  const value = Array.isArray(byFilter?.Values) ? byFilter.Values[0] : input.Id;
  return typeof value === 'string' ? value.slice(value.lastIndexOf('/') + 1) : undefined;
};
