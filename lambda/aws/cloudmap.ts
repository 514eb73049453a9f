/**
 * Cloud Map reads: one small function per API, paging to the end at the largest page size.
 * Each returns plain data (no SDK types past this module).
 */
import {
  DiscoverInstancesCommand,
  type DiscoverInstancesCommandOutput,
  GetServiceCommand,
  type GetServiceCommandOutput,
  ListInstancesCommand,
  type ListInstancesCommandOutput,
  ListNamespacesCommand,
  type ListNamespacesCommandOutput,
  ListServicesCommand,
  type ListServicesCommandOutput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  ResourceNotFoundException,
} from '@aws-sdk/client-servicediscovery';
import type { CloudMapInstance, Tag } from '../model/inventory.ts';
import type { CallContext, Sender } from './call-context.ts';
import { CLOUD_MAP_LIST_PAGE, DISCOVER_INSTANCES_MAX } from './limits.ts';
import { pageAll } from './paging.ts';

export type NamespaceRecord = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  /**
   * `Properties.HttpProperties.HttpName`, the name DiscoverInstances takes (DNS namespaces have one
   * too). Usually equal to `name`; a reused name gets a generated suffix. Absent if AWS gave none.
   */
  readonly httpName: string | undefined;
};

export type CloudMapServiceRecord = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly namespaceId: string;
  /** The namespace's `HttpName` (see `NamespaceRecord`), for DiscoverInstances. */
  readonly namespaceHttpName: string | undefined;
  readonly description: string;
  /** `InstanceCount` from ListServices; 0 means no instance read is needed. */
  readonly instanceCount: number;
};

/**
 * Every namespace of the account and region. One paged call resolves any mix of configured names and
 * ids (a name may match several namespaces, e.g. a DNS and an HTTP one: all are used, as the original).
 */
export const listNamespaces = (ctx: CallContext, cloudMap: Sender): Promise<NamespaceRecord[]> =>
  pageAll(async (NextToken) => {
    const page = await ctx.call<ListNamespacesCommandOutput>(
      'servicediscovery:ListNamespaces',
      cloudMap,
      new ListNamespacesCommand({ MaxResults: CLOUD_MAP_LIST_PAGE, NextToken }),
    );
    return {
      items: (page.Namespaces ?? []).map((n) => ({
        id: n.Id ?? '',
        arn: n.Arn ?? '',
        name: n.Name ?? '',
        httpName: n.Properties?.HttpProperties?.HttpName || undefined,
      })),
      next: page.NextToken,
    };
  });

/** The Cloud Map services of one namespace (`id`; `httpName` is carried for the instance reads). */
export const listServices = (
  ctx: CallContext,
  cloudMap: Sender,
  namespace: Pick<NamespaceRecord, 'id' | 'httpName'>,
): Promise<CloudMapServiceRecord[]> => {
  const namespaceId = namespace.id;
  return pageAll(async (NextToken) => {
    const page = await ctx.call<ListServicesCommandOutput>(
      'servicediscovery:ListServices',
      cloudMap,
      new ListServicesCommand({
        Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
        MaxResults: CLOUD_MAP_LIST_PAGE,
        NextToken,
      }),
    );
    return {
      items: (page.Services ?? []).map((s) => ({
        id: s.Id ?? '',
        arn: s.Arn ?? '',
        name: s.Name ?? '',
        namespaceId,
        namespaceHttpName: namespace.httpName,
        description: s.Description ?? '',
        // An absent count is unknown, not zero: read the instances then.
        instanceCount: s.InstanceCount ?? Number.POSITIVE_INFINITY,
      })),
      next: page.NextToken,
    };
  });
};

/** The namespace id of one Cloud Map service (for a service known only by an ECS `registryArn`). */
export const getServiceNamespaceId = async (
  ctx: CallContext,
  cloudMap: Sender,
  serviceId: string,
): Promise<string | undefined> => {
  const out = await ctx.call<GetServiceCommandOutput>(
    'servicediscovery:GetService',
    cloudMap,
    new GetServiceCommand({ Id: serviceId }),
  );
  return out.Service?.NamespaceId;
};

export const listInstances = (
  ctx: CallContext,
  cloudMap: Sender,
  serviceId: string,
): Promise<CloudMapInstance[]> =>
  pageAll(async (NextToken) => {
    const page = await ctx.call<ListInstancesCommandOutput>(
      'servicediscovery:ListInstances',
      cloudMap,
      new ListInstancesCommand({ ServiceId: serviceId, MaxResults: CLOUD_MAP_LIST_PAGE, NextToken }),
    );
    return {
      items: (page.Instances ?? []).map((i) => ({ id: i.Id ?? '', attributes: { ...(i.Attributes ?? {}) } })),
      next: page.NextToken,
    };
  });

/**
 * Every instance of a service with its attributes in one data-plane call: `HealthStatus=ALL` (the
 * health filter must not hide instances ListInstances would list), `MaxResults` 1,000, which is also
 * the most instances a service can hold, so one answer is the whole list. `undefined` when the
 * answer is full: it has no next token, so a full page cannot prove it is complete.
 */
export const discoverInstances = async (
  ctx: CallContext,
  cloudMap: Sender,
  namespaceHttpName: string,
  serviceName: string,
): Promise<CloudMapInstance[] | undefined> => {
  const out = await ctx.call<DiscoverInstancesCommandOutput>(
    'servicediscovery:DiscoverInstances',
    cloudMap,
    new DiscoverInstancesCommand({
      NamespaceName: namespaceHttpName,
      ServiceName: serviceName,
      HealthStatus: 'ALL',
      MaxResults: DISCOVER_INSTANCES_MAX,
    }),
  );
  const instances = out.Instances ?? [];
  if (instances.length >= DISCOVER_INSTANCES_MAX) return undefined;
  // HealthStatus (HEALTHY / UNHEALTHY / UNKNOWN) is what CloudMapHealthyOnly judges by; ListInstances has none.
  return instances.map((i) => ({
    id: i.InstanceId ?? '',
    attributes: { ...(i.Attributes ?? {}) },
    ...(i.HealthStatus === undefined ? {} : { healthStatus: i.HealthStatus }),
  }));
};

/**
 * The instances of a Cloud Map service: DiscoverInstances (one call, 1,000 per second of budget)
 * wherever it can answer; the paged control-plane ListInstances only where it cannot: a namespace
 * without an `HttpName` (DiscoverInstances addresses a namespace by it) or a full answer of 1,000.
 */
export const readInstances = async (
  ctx: CallContext,
  cloudMap: Sender,
  service: Pick<CloudMapServiceRecord, 'id' | 'name' | 'namespaceHttpName'>,
): Promise<CloudMapInstance[]> => {
  const discovered =
    service.namespaceHttpName === undefined
      ? undefined
      : await discoverInstances(ctx, cloudMap, service.namespaceHttpName, service.name);
  return discovered ?? listInstances(ctx, cloudMap, service.id);
};

/** Tags of a namespace or service; a resource deleted since it was listed has none (docs/decisions.md "AWS reads and caching"). */
export const listTags = async (ctx: CallContext, cloudMap: Sender, arn: string): Promise<Tag[]> => {
  try {
    const out = await ctx.call<ListTagsForResourceCommandOutput>(
      'servicediscovery:ListTagsForResource',
      cloudMap,
      new ListTagsForResourceCommand({ ResourceARN: arn }),
    );
    return (out.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
};
