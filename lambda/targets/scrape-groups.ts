/**
 * Scrape groups from the `<prefix>PORT*`, `<prefix>PATH*` and `<prefix>NAME*` labels
 * (docs/decisions.md "Scrape groups").
 */

import type { Label } from './label-set.ts';
import { DEFAULT_METRICS_PATH } from './labels.ts';
import type { ScrapeSettings } from './scrape-settings.ts';

/** One scrape configuration of a task: one target group per group. */
export type ScrapeGroup = {
  /** Text after `<prefix>PORT`/`PATH`/`NAME`: `''` for the unsuffixed group, `_ECS` for `METRICS_PORT_ECS`. */
  readonly key: string;
  readonly port: number;
  /** @default '/metrics' (also when the path tag is blank) */
  readonly path: string;
  /** `''` when there is no (non-blank) name tag. */
  readonly name: string;
  /** Validated `__scheme__` / `__scrape_interval__` / `__scrape_timeout__` / `job` of the group. */
  readonly settings?: ScrapeSettings;
  /** What gave the port when it is not `<prefix>PORT<key>`: `<container>/<docker label>`. */
  readonly source?: string;
};

const Kind = { Port: 'PORT', Path: 'PATH', Name: 'NAME' } as const;
type Kind = (typeof Kind)[keyof typeof Kind];
const KINDS: readonly Kind[] = [Kind.Port, Kind.Path, Kind.Name];

const MAX_PORT = 65_535;
// Decimal digits only, no leading zero: `0`, `+80`, `0x50`, ` 80`, `8080.0` and `080` are all
// rejected (docs/decisions.md, "Hostile input (issue 10)"; the original also took signs and spaces).
const PORT_PATTERN = /^[1-9][0-9]{0,4}$/;

/** The port of a `<prefix>PORT*` value, or `undefined` when it is not a decimal 1..65535. */
export const parsePort = (value: string): number | undefined => {
  if (!PORT_PATTERN.test(value)) return undefined;
  const port = Number(value);
  return port <= MAX_PORT ? port : undefined;
};

const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Member = { readonly key: string; readonly kind: Kind; readonly label: Label };

const classify = (label: Label, prefix: string): Member | undefined => {
  for (const kind of KINDS) {
    const start = `${prefix}${kind}`;
    // Case-insensitive (`METRICS_port_X` is group `_X`'s port), like the label set's one label per
    // case-insensitive name; the prefix is ASCII, so comparing the lower-cased head is exact.
    if (label.name.slice(0, start.length).toLowerCase() === start.toLowerCase())
      return { key: label.name.slice(start.length), kind, label };
  }
  return undefined;
};

/** A `<prefix>PORT*` tag whose non-blank value is not a port: its group is left out. */
export type BadPort = { readonly tag: string; readonly value: string };

/**
 * Splits the merged labels of a task into its scrape groups and the remaining labels. Every
 * port/path/name label is removed, even when its group is dropped for a missing or invalid port.
 * Group keys compare case-insensitively (`METRICS_PORT_x` and `METRICS_PATH_X` are one group); two
 * tags differing only in case never both arrive here, the label set kept the later one (AWS order).
 * Groups are ordered by lower-cased key, ordinal: the unsuffixed group (key `''`) first, then `_1`,
 * `_a`, `_ecs`, … — deterministic, and the unsuffixed (main) endpoint comes first as users write it.
 * A blank port value counts as no port tag; a non-blank invalid one is reported in `badPorts`.
 */
export const extractScrapeGroups = (
  labels: readonly Label[],
  prefix: string,
): {
  readonly groups: readonly ScrapeGroup[];
  readonly labels: readonly Label[];
  readonly badPorts: readonly BadPort[];
} => {
  const members = new Map<string, { key: string; kinds: Map<Kind, Label> }>();
  const rest: Label[] = [];
  for (const label of labels) {
    const member = classify(label, prefix);
    if (member === undefined) {
      rest.push(label);
      continue;
    }
    const id = member.key.toLowerCase();
    const group = members.get(id) ?? { key: member.key, kinds: new Map<Kind, Label>() };
    // The label set holds one label per case-insensitive name, so each kind occurs once per key.
    group.kinds.set(member.kind, member.label);
    // The port tag's spelling names the group (it is the one that must exist).
    if (member.kind === Kind.Port) group.key = member.key;
    members.set(id, group);
  }
  const groups: ScrapeGroup[] = [];
  const badPorts: BadPort[] = [];
  for (const id of [...members.keys()].sort(ordinal)) {
    const { key, kinds } = members.get(id)!;
    const portLabel = kinds.get(Kind.Port);
    if (portLabel === undefined || portLabel.value.trim() === '') continue;
    const port = parsePort(portLabel.value);
    if (port === undefined) {
      badPorts.push({ tag: portLabel.name, value: portLabel.value });
      continue;
    }
    const path = kinds.get(Kind.Path)?.value ?? '';
    const name = kinds.get(Kind.Name)?.value ?? '';
    groups.push({
      key,
      port,
      path: path.trim() === '' ? DEFAULT_METRICS_PATH : path,
      name: name.trim() === '' ? '' : name,
    });
  }
  return { groups, labels: rest, badPorts };
};
