/**
 * The http_sd response body (docs/decisions.md "Rendering"): a compact JSON array of `{ targets, labels }`.
 */
import type { TargetGroup } from './target-group.ts';

/**
 * Compact JSON; deterministic because the builder's order and every `labels` key order are
 * (two builds of the same snapshot give byte-identical bodies). No groups ⇒ `[]`.
 */
export const renderTargets = (groups: readonly TargetGroup[]): string =>
  JSON.stringify(groups.map((group) => ({ targets: group.targets, labels: group.labels })));
