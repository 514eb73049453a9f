/**
 * A short human table of target groups for the CLI `--table` flag and the demo: the first thing an
 * operator reads when a target is missing.
 */
import { FixedLabel, MetaLabel, SystemLabel } from './labels.ts';
import type { TargetGroup } from './target-group.ts';

const HEADER = ['TARGET', 'CLUSTER', 'SERVICE', 'TASK', 'NAME', 'PATH'] as const;
const GAP = '  ';

// `__meta_*` first: relabelling may have rewritten or blanked the stored `_sys_*` copy.
const property = (group: TargetGroup, key: keyof typeof MetaLabel): string =>
  group.labels[MetaLabel[key]] ?? group.labels[SystemLabel[key]] ?? '';

const shortTaskId = (taskArn: string): string => taskArn.slice(taskArn.lastIndexOf('/') + 1);

const row = (group: TargetGroup): readonly string[] => [
  group.targets[0],
  property(group, 'EcsCluster'),
  property(group, 'EcsService'),
  shortTaskId(property(group, 'EcsTask')),
  group.labels[FixedLabel.ScrapeTargetName] ?? '',
  group.labels[FixedLabel.MetricsPath] ?? '',
];

/**
 * One line per target group under a header, columns left-aligned and separated by two spaces,
 * trailing spaces trimmed, newline-terminated. No groups ⇒ the header alone.
 */
export const formatTable = (groups: readonly TargetGroup[]): string => formatColumns(HEADER, groups.map(row));

/** `rows` under `header`, columns left-aligned and separated by two spaces, trailing spaces trimmed. */
export const formatColumns = (header: readonly string[], body: readonly (readonly string[])[]): string => {
  const rows = [header, ...body];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => (cells[column] ?? '').length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join(GAP)
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
};
