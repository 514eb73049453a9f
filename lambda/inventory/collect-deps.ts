/**
 * What every collector step receives (call context, clients, config, the process-wide cache), the
 * top-level cache read-through, and the orderings that keep a snapshot deterministic. A new
 * dependency of the collector (e.g. clients for more accounts) is added to `CollectDeps` here.
 */
import type { CallContext } from '../aws/call-context.ts';
import type { AwsClients } from '../aws/clients.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import type { ExcludedService } from '../model/inventory.ts';
import { TOP_LEVEL_TTL_MS, type TtlCache } from './ttl-cache.ts';

export type CollectDeps = {
  readonly ctx: CallContext;
  readonly clients: AwsClients;
  readonly config: DiscoveryConfig;
  /** Process-wide cache of top-level resources; used only when `config.cacheTopLevelResources`. */
  readonly cache: TtlCache;
  /** Receives the services left out by selectors or registration (for the explain view). @default none */
  readonly excluded?: ExcludedService[];
};

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/**
 * Marks a read that is started now and awaited later (docs/decisions.md "Pipelined refresh
 * (issue 12)"), so that its failure is not reported as an unhandled rejection meanwhile; whoever
 * awaits the returned promise still gets the error.
 */
export const started = <T>(read: Promise<T>): Promise<T> => {
  read.catch(() => {});
  return read;
};

/**
 * Reads through the top-level cache when enabled. An empty cluster or namespace list is stored but
 * never served (docs/decisions.md "AWS reads and caching": a missing resource may appear any
 * moment); empty tag lists are served.
 */
export const cached = async <T>(
  deps: CollectDeps,
  key: string,
  read: () => Promise<T>,
  serveEmpty = false,
): Promise<T> => {
  if (!deps.config.cacheTopLevelResources) return read();
  const hit = deps.cache.get<T>(key);
  if (hit !== undefined && (serveEmpty || !(Array.isArray(hit) && hit.length === 0))) return hit;
  const value = await read();
  deps.cache.set(key, value, TOP_LEVEL_TTL_MS);
  return value;
};
