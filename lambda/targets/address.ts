/**
 * Where a task's scrape group is scraped (docs/decisions.md "Every task, every network (issue
 * 14)"): which address(es) by `IpAddressFamily`, and which port. Pure.
 * - awsvpc: the task's own ENI addresses, the tag's port.
 * - bridge/host: the EC2 host's addresses; the tag names the container port, mapped to the host
 *   port through `networkBindings` (host mode: the same port when no binding is reported).
 */
import { IpAddressFamily } from '../config/types.ts';
import { SkipReason } from '../model/discovery.ts';
import { HostUnknown, type Task } from '../model/inventory.ts';

/** One target of a group: `instance` is the bare address, `target` the `host:port` Prometheus dials. */
export type Endpoint = { readonly instance: string; readonly target: string; readonly port: number };

/** The addresses of a task by family, or why it has none. */
export type TaskAddresses = { readonly ipv4?: string; readonly ipv6?: string } | SkipReason;

const HOST_UNKNOWN_REASON = {
  [HostUnknown.External]: SkipReason.ExternalInstance,
  [HostUnknown.Disabled]: SkipReason.HostAddressDisabled,
  [HostUnknown.Missing]: SkipReason.NoAddress,
} as const satisfies Record<HostUnknown, SkipReason>;

const usesHost = (task: Task): boolean => task.host !== undefined;

/** The addresses to scrape a task at (before choosing families). */
export const taskAddresses = (task: Task): TaskAddresses => {
  if (task.host !== undefined) {
    if (task.host.unknown !== undefined) return HOST_UNKNOWN_REASON[task.host.unknown];
    return { ipv4: task.host.ipv4?.trim() || undefined, ipv6: task.host.ipv6?.trim() || undefined };
  }
  return { ipv4: task.ipv4?.trim() || undefined, ipv6: task.ipv6?.trim() || undefined };
};

/** The addresses a family selects, IPv4 first; empty when the task has none of that family. */
export const selectAddresses = (
  addresses: { readonly ipv4?: string | undefined; readonly ipv6?: string | undefined },
  family: IpAddressFamily,
): string[] => {
  const { ipv4, ipv6 } = addresses;
  const present = (list: (string | undefined)[]) => list.filter((a): a is string => a !== undefined);
  if (family === IpAddressFamily.Ipv6) return present([ipv6]);
  if (family === IpAddressFamily.Dual) return present([ipv4, ipv6]);
  // ipv4: an IPv6-only task still gets its one target.
  return present([ipv4 ?? ipv6]);
};

/** The port a target dials for a tag's port, or `undefined` when a bridge binding is missing. */
export const scrapePort = (task: Task, port: number): number | undefined => {
  if (!usesHost(task)) return port;
  const binding = task.portBindings?.find((b) => b.containerPort === port);
  if (binding !== undefined) return binding.hostPort;
  return task.networkMode === 'host' ? port : undefined;
};

/** `10.0.0.1:9100` or `[2001:db8::1]:9100`. */
export const formatTarget = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/** The endpoints of one scrape group at `addresses`; `undefined` when its port cannot be mapped. */
export const groupEndpoints = (
  task: Task,
  addresses: readonly string[],
  port: number,
): Endpoint[] | undefined => {
  const mapped = scrapePort(task, port);
  if (mapped === undefined) return undefined;
  return addresses.map((address) => ({
    instance: address,
    target: formatTarget(address, mapped),
    port: mapped,
  }));
};
