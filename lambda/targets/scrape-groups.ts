/**
 * Scrape groups from the `<prefix>PORT*`, `<prefix>PATH*` and `<prefix>NAME*` labels
 * (docs/decisions.md "Scrape groups").
 */

import type { Label } from './label-set.ts';
import { DEFAULT_METRICS_PATH } from './labels.ts';

/** One scrape configuration of a task: one target group per group. */
export type ScrapeGroup = {
  /** Text after `<prefix>PORT`/`PATH`/`NAME`: `''` for the unsuffixed group, `_ECS` for `METRICS_PORT_ECS`. */
  readonly key: string;
  readonly port: number;
  /** @default '/metrics' (also when the path tag is blank) */
  readonly path: string;
  /** `''` when there is no (non-blank) name tag. */
  readonly name: string;
};

const Kind = { Port: 'PORT', Path: 'PATH', Name: 'NAME' } as const;
type Kind = (typeof Kind)[keyof typeof Kind];
const KINDS: readonly Kind[] = [Kind.Port, Kind.Path, Kind.Name];

const MAX_PORT = 65_535;
// The original parsed an unsigned 16-bit integer: surrounding whitespace and a sign tolerated.
const PORT_PATTERN = /^[+-]?[0-9]+$/;

/** The port of a `<prefix>PORT*` value, or `undefined` when it is not an integer in 0..65535. */
export const parsePort = (value: string): number | undefined => {
  const trimmed = value.trim();
  if (!PORT_PATTERN.test(trimmed)) return undefined;
  const port = Number(trimmed);
  // `-0` is accepted as 0, like the original; `+ 0` turns it into a plain 0.
  return port >= 0 && port <= MAX_PORT ? port + 0 : undefined;
};

const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Member = { readonly key: string; readonly kind: Kind; readonly value: string };

const classify = (label: Label, prefix: string): Member | undefined => {
  for (const kind of KINDS) {
    const start = `${prefix}${kind}`;
    // Case-sensitive, like the original's anchored regular expression.
    if (label.name.startsWith(start))
      return { key: label.name.slice(start.length), kind, value: label.value };
  }
  return undefined;
};

/**
 * Splits the merged labels of a task into its scrape groups and the remaining labels. Every
 * port/path/name label is removed, even when its group is dropped for a missing or invalid port.
 * Groups are ordered by key, ordinal: the unsuffixed group (key `''`) first, then `_1`, `_A`, `_ECS`, …
 * — deterministic, and the unsuffixed (main) endpoint comes first as users write it first.
 */
export const extractScrapeGroups = (
  labels: readonly Label[],
  prefix: string,
): { readonly groups: readonly ScrapeGroup[]; readonly labels: readonly Label[] } => {
  const members = new Map<string, Map<Kind, string>>();
  const rest: Label[] = [];
  for (const label of labels) {
    const member = classify(label, prefix);
    if (member === undefined) {
      rest.push(label);
      continue;
    }
    const group = members.get(member.key) ?? new Map<Kind, string>();
    // The label set holds one label per case-insensitive name, so each kind occurs once per key.
    group.set(member.kind, member.value);
    members.set(member.key, group);
  }
  const groups: ScrapeGroup[] = [];
  for (const key of [...members.keys()].sort(ordinal)) {
    const group = members.get(key)!;
    const port = parsePort(group.get(Kind.Port) ?? '');
    if (port === undefined) continue;
    const path = group.get(Kind.Path) ?? '';
    const name = group.get(Kind.Name) ?? '';
    groups.push({
      key,
      port,
      path: path.trim() === '' ? DEFAULT_METRICS_PATH : path,
      name: name.trim() === '' ? '' : name,
    });
  }
  return { groups, labels: rest };
};
