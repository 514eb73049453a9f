/**
 * Task definitions of the snapshot's tasks, for docker-label conventions (`DockerLabels`). A
 * revision never changes once registered, so each ARN is read once per process and kept in the
 * process cache like every immutable fact (a day, to bound memory; docs/decisions.md "Portable
 * labels (issue 15)"); only when the option asks.
 * Full reconciles and event batches read through the same reader (docs/decisions.md "One refresh
 * per fleet (issue 13)").
 */
import { describeTaskDefinition } from '../aws/ecs.ts';
import { DockerLabelConvention } from '../config/types.ts';
import type { InventorySnapshot, TaskDefinition } from '../model/inventory.ts';
import { byString, type CollectDeps, unique } from './collect-deps.ts';
import { IMMUTABLE_TTL_MS } from './ttl-cache.ts';

/** Reads in flight by ARN, shared by the concurrent callers of one run so that each ARN is read once. */
export type TaskDefinitionReads = Map<string, Promise<TaskDefinition>>;

const readTaskDefinition = async (deps: CollectDeps, arn: string): Promise<TaskDefinition> => {
  const key = `task-definition:${arn}`;
  const hit = deps.cache.get<TaskDefinition>(key);
  if (hit !== undefined) return hit;
  const definition = await describeTaskDefinition(deps.ctx, deps.clients.ecs, arn);
  deps.cache.set(key, definition, IMMUTABLE_TTL_MS);
  return definition;
};

/**
 * The definitions of `arns` (blank ones and repeats dropped), sorted by ARN: cached ones cost no
 * call, the others one paced DescribeTaskDefinition each (one per ARN across the callers sharing
 * `reads`). None (and no call) when `DockerLabels` is `none`.
 */
export const readTaskDefinitions = async (
  deps: CollectDeps,
  arns: readonly string[],
  reads: TaskDefinitionReads = new Map(),
): Promise<TaskDefinition[]> => {
  if (deps.config.dockerLabels === DockerLabelConvention.None) return [];
  const wanted = unique(arns)
    .filter((arn) => arn !== '')
    .sort(byString);
  return Promise.all(
    wanted.map((arn) => {
      const known = reads.get(arn);
      if (known !== undefined) return known;
      const read = readTaskDefinition(deps, arn);
      reads.set(arn, read);
      return read;
    }),
  );
};

/** The snapshot with `taskDefinitions` (by ARN) when `DockerLabels` is not `none`; else unchanged. */
export const withTaskDefinitions = async (
  deps: CollectDeps,
  snapshot: InventorySnapshot,
): Promise<InventorySnapshot> => {
  if (deps.config.dockerLabels === DockerLabelConvention.None) return snapshot;
  const arns = snapshot.clusters.flatMap((c) => [
    ...c.services.flatMap((s) => s.tasks.map((t) => t.taskDefinitionArn)),
    ...(c.standaloneTasks ?? []).map((t) => t.taskDefinitionArn),
  ]);
  return { ...snapshot, taskDefinitions: await readTaskDefinitions(deps, arns) };
};
