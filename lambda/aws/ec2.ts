/**
 * EC2 reads: the private addresses of the instances that run bridge/host tasks. Plain data out
 * (no SDK types past this module).
 */
import { DescribeInstancesCommand, type DescribeInstancesCommandOutput } from '@aws-sdk/client-ec2';
import type { CallContext, Sender } from './call-context.ts';
import { chunk, DESCRIBE_INSTANCES_BATCH } from './limits.ts';
import { pageAll } from './paging.ts';

/** The addresses of one EC2 instance; either may be absent (no IPv6, terminated instance). */
export type InstanceAddresses = { readonly ipv4?: string; readonly ipv6?: string };

/**
 * Addresses of `instanceIds`, by id, in batches of 1,000 named ids. An id EC2 does not return
 * (not owned, gone) is absent from the map; the call fails as a whole for an id EC2 does not know,
 * which a refresh surfaces as an AWS error (docs/decisions.md "Every task, every network (issue 14)").
 */
export const describeInstanceAddresses = async (
  ctx: CallContext,
  ec2: Sender,
  instanceIds: readonly string[],
): Promise<Map<string, InstanceAddresses>> => {
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
  const addresses = new Map<string, InstanceAddresses>();
  for (const instance of batches.flat()) {
    if (instance.InstanceId === undefined) continue;
    const ipv4 = instance.PrivateIpAddress;
    const ipv6 =
      instance.Ipv6Address ??
      instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0)?.Ipv6Addresses?.[0]
        ?.Ipv6Address;
    addresses.set(instance.InstanceId, { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) });
  }
  return addresses;
};
