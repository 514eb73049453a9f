/**
 * One http_sd target group and how a task's labels become its `labels` object (docs/decisions.md
 * "Rendering": Prometheus-valid names, fixed labels win, never a duplicate key).
 */

import type { Label } from './label-set.ts';
import { FixedLabel } from './labels.ts';
import { sanitiseLabelName } from './sanitise.ts';
import type { ScrapeGroup } from './scrape-groups.ts';
import { scrapeSettingLabels } from './scrape-settings.ts';

/** One element of the http_sd array: exactly one `<ip>:<port>` target (no grouping, as the original). */
export type TargetGroup = {
  readonly targets: readonly [string];
  /**
   * Key order: `__metrics_path__`, `instance`, `scrape_target_name` (when the group has a name), then
   * the other labels by lower-cased name (ordinal). Values are never blank.
   */
  readonly labels: Readonly<Record<string, string>>;
};

const byLowerCasedName = ([a]: readonly [string, string], [b]: readonly [string, string]): number => {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
};

/**
 * The labels of one group. Of the task's labels, blank values are dropped, names sanitised, names
 * empty after sanitising dropped, names equal to a fixed label dropped (the fixed label wins), and
 * on a sanitised-name collision the first in list order wins (as the original). Sorting is stable,
 * so names equal when lower-cased keep list order.
 *
 * A `scrape_target_name` tag or relabel result is kept when the group has no name of its own, as the
 * original did (it then sorts among the other labels).
 */
export const groupLabels = (
  address: string,
  group: ScrapeGroup,
  labels: readonly Label[],
): Readonly<Record<string, string>> => {
  const fixed: [string, string][] = [
    [FixedLabel.MetricsPath, group.path],
    [FixedLabel.Instance, address],
  ];
  if (group.name !== '') fixed.push([FixedLabel.ScrapeTargetName, group.name]);
  fixed.push(...scrapeSettingLabels(group.settings));
  const taken = new Set(fixed.map(([name]) => name));
  const rest: [string, string][] = [];
  for (const label of labels) {
    if (label.value.trim() === '') continue;
    const name = sanitiseLabelName(label.name);
    if (name === '' || taken.has(name)) continue;
    taken.add(name);
    rest.push([name, label.value]);
  }
  // Object.fromEntries defines own properties, so even a label named `__proto__` stays a plain key.
  // No key can look like an array index (sanitised names never start with a digit): insertion order holds.
  return Object.fromEntries([...fixed, ...rest.sort(byLowerCasedName)]);
};

/** The target group of one scrape group of a task. */
export const makeTargetGroup = (
  address: string,
  group: ScrapeGroup,
  labels: readonly Label[],
): TargetGroup => ({
  targets: [`${address}:${group.port}`],
  labels: groupLabels(address, group, labels),
});
