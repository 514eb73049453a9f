/**
 * EC2 reads: the instances that run tasks on container instances (addresses, and for
 * `MetaLabels=full` type, public IP, subnet and tags) and the public IPs of awsvpc task ENIs.
 * Plain data out (no SDK types past this module).
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandOutput,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { Ec2Instance, Tag } from '../model/inventory.ts';
import type { CallContext, Sender } from './call-context.ts';
import {
  chunk,
  DESCRIBE_INSTANCES_BATCH,
  DESCRIBE_NETWORK_INTERFACES_FILTER_VALUES,
  DESCRIBE_NETWORK_INTERFACES_PAGE,
} from './limits.ts';
import { pageAll } from './paging.ts';

/** The addresses of one EC2 instance; either may be absent (no IPv6, terminated instance). */
export type InstanceAddresses = { readonly ipv4?: string; readonly ipv6?: string };

/** One described instance: its addresses (the host of bridge/host tasks) and its label facts. */
export type InstanceRecord = { readonly addresses: InstanceAddresses; readonly facts: Ec2Instance };

const byKey = (a: Tag, b: Tag): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const toInstanceRecord = (instance: Instance & { InstanceId: string }): InstanceRecord => {
  const ipv4 = instance.PrivateIpAddress;
  const ipv6 =
    instance.Ipv6Address ??
    instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.Ipv6Addresses?.[0]?.Ipv6Address;
  const optional = {
    type: instance.InstanceType,
    privateIp: instance.PrivateIpAddress,
    publicIp: instance.PublicIpAddress,
    subnetId: instance.SubnetId,
  };
  return {
    addresses: { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) },
    facts: {
      id: instance.InstanceId,
      ...Object.fromEntries(
        Object.entries(optional).filter(([, value]) => value !== undefined && value !== ''),
      ),
      // EC2 promises no tag order: by key, so an unchanged instance gives an unchanged body.
      tags: (instance.Tags ?? [])
        .flatMap((t) => (t.Key === undefined ? [] : [{ key: t.Key, value: t.Value ?? '' }]))
        .sort(byKey),
    },
  };
};

/**
 * The instances `instanceIds`, by id, in batches of 1,000 named ids. An id EC2 does not return
 * (not owned, gone) is absent from the map; the call fails as a whole for an id EC2 does not know,
 * which a refresh surfaces as an AWS error (docs/decisions.md "Every task, every network (issue 14)").
 */
export const describeInstances = async (
  ctx: CallContext,
  ec2: Sender,
  instanceIds: readonly string[],
): Promise<Map<string, InstanceRecord>> => {
  const batches = await Promise.all(
    chunk(instanceIds, DESCRIBE_INSTANCES_BATCH).map((batch) =>
      pageAll(async (NextToken) => {
        const page = await ctx.call<DescribeInstancesCommandOutput>(
          'ec2:DescribeInstances',
          ec2,
          new DescribeInstancesCommand({ InstanceIds: batch, NextToken }),
        );
        return {
          items: (page.Reservations ?? []).flatMap((r) => r.Instances ?? []),
          next: page.NextToken,
        };
      }),
    ),
  );
  const instances = new Map<string, InstanceRecord>();
  for (const instance of batches.flat()) {
    const id = instance.InstanceId;
    if (id !== undefined) instances.set(id, toInstanceRecord({ ...instance, InstanceId: id }));
  }
  return instances;
};

/**
 * The public IPv4 (`association.publicIp`) of each ENI of `networkInterfaceIds` that EC2 returns,
 * `''` for one without; an ENI that is gone (its task stopped) is absent. Asked by filter, 200 ids
 * per call, pages of 1,000 (docs/decisions.md "EC2 labels (issue 15)").
 */
export const describeNetworkInterfacePublicIps = async (
  ctx: CallContext,
  ec2: Sender,
  networkInterfaceIds: readonly string[],
): Promise<Map<string, string>> => {
  const batches = await Promise.all(
    chunk(networkInterfaceIds, DESCRIBE_NETWORK_INTERFACES_FILTER_VALUES).map((batch) =>
      pageAll(async (NextToken) => {
        const page = await ctx.call<DescribeNetworkInterfacesCommandOutput>(
          'ec2:DescribeNetworkInterfaces',
          ec2,
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: 'network-interface-id', Values: batch }],
            MaxResults: DESCRIBE_NETWORK_INTERFACES_PAGE,
            NextToken,
          }),
        );
        return { items: page.NetworkInterfaces ?? [], next: page.NextToken };
      }),
    ),
  );
  const publicIps = new Map<string, string>();
  for (const eni of batches.flat()) {
    if (eni.NetworkInterfaceId !== undefined)
      publicIps.set(eni.NetworkInterfaceId, eni.Association?.PublicIp ?? '');
  }
  return publicIps;
};
