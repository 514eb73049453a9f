/**
 * Cloud Map reads: one small function per API, paging to the end at the largest page size.
 * Each returns plain data (no SDK types past this module).
 */
import {
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
import { CLOUD_MAP_LIST_PAGE } from './limits.ts';
import { pageAll } from './paging.ts';

export type NamespaceRecord = { readonly id: string; readonly arn: string; readonly name: string };

export type CloudMapServiceRecord = {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly namespaceId: string;
  readonly description: string;
  /** `InstanceCount` from ListServices; 0 means no ListInstances is needed. */
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
      items: (page.Namespaces ?? []).map((n) => ({ id: n.Id ?? '', arn: n.Arn ?? '', name: n.Name ?? '' })),
      next: page.NextToken,
    };
  });

export const listServices = (
  ctx: CallContext,
  cloudMap: Sender,
  namespaceId: string,
): Promise<CloudMapServiceRecord[]> =>
  pageAll(async (NextToken) => {
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
        description: s.Description ?? '',
        // An absent count is unknown, not zero: read the instances then.
        instanceCount: s.InstanceCount ?? Number.POSITIVE_INFINITY,
      })),
      next: page.NextToken,
    };
  });

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
