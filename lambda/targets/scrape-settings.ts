/**
 * Per-group scrape settings from `<prefix>SCHEME*`, `<prefix>INTERVAL*`, `<prefix>TIMEOUT*` and
 * `<prefix>JOB*` tags (and the matching docker labels), validated before they become `__scheme__`,
 * `__scrape_interval__`, `__scrape_timeout__` and `job`: the one sanctioned way a tag reaches those
 * names (docs/decisions.md "Portable labels (issue 15)"). An invalid value skips that setting, never
 * the target. A raw tag named like one of them is still dropped by the reserved-name rule.
 */
import { durationMs } from '../config/durations.ts';
import type { Label } from './label-set.ts';
import { ScrapeSettingLabel } from './labels.ts';

/** Validated settings of one scrape group; an absent one is Prometheus' scrape-config value. */
export type ScrapeSettings = {
  readonly scheme?: string;
  readonly interval?: string;
  readonly timeout?: string;
  readonly job?: string;
};

export const SettingKind = {
  Scheme: 'SCHEME',
  Interval: 'INTERVAL',
  Timeout: 'TIMEOUT',
  Job: 'JOB',
} as const;
export type SettingKind = (typeof SettingKind)[keyof typeof SettingKind];
const KINDS: readonly SettingKind[] = Object.values(SettingKind);

/** One setting as written: the tag (or docker label) name and its value. */
export type RawSetting = { readonly source: string; readonly value: string };
export type RawSettings = Partial<Record<SettingKind, RawSetting>>;

/** A setting left out: which tag or label, its value and what was expected. */
export type SettingProblem = {
  readonly source: string;
  readonly value: string;
  readonly expected: string;
};

/**
 * Removes every `<prefix>SCHEME*` / `INTERVAL*` / `TIMEOUT*` / `JOB*` label (prefix and kind
 * case-insensitive, like the port tags) and returns them by lower-cased group key.
 */
export const extractScrapeSettings = (
  labels: readonly Label[],
  prefix: string,
): { readonly settings: ReadonlyMap<string, RawSettings>; readonly labels: readonly Label[] } => {
  const settings = new Map<string, RawSettings>();
  const rest: Label[] = [];
  for (const label of labels) {
    const kind = KINDS.find((candidate) => {
      const start = `${prefix}${candidate}`;
      return label.name.slice(0, start.length).toLowerCase() === start.toLowerCase();
    });
    if (kind === undefined) {
      rest.push(label);
      continue;
    }
    const key = label.name.slice(prefix.length + kind.length).toLowerCase();
    settings.set(key, { ...settings.get(key), [kind]: { source: label.name, value: label.value } });
  }
  return { settings, labels: rest };
};

const SCHEMES = new Set(['http', 'https']);

// Prometheus rejects a target whose interval or timeout is 0, or whose timeout exceeds its interval.
const positiveDuration = (value: string): number | undefined => {
  const ms = durationMs(value);
  return ms === undefined || ms === 0 ? undefined : ms;
};

/**
 * Checks raw settings: scheme `http` or `https`; interval and timeout Prometheus durations above 0,
 * the timeout at most the interval when both are set (else the timeout is left out); job any
 * non-blank value. Blank values count as unset (as a blank path does).
 */
export const validateScrapeSettings = (
  raw: RawSettings | undefined,
): { readonly settings: ScrapeSettings; readonly problems: readonly SettingProblem[] } => {
  const problems: SettingProblem[] = [];
  const settings: { scheme?: string; interval?: string; timeout?: string; job?: string } = {};
  const present = (kind: SettingKind): RawSetting | undefined => {
    const setting = raw?.[kind];
    return setting === undefined || setting.value.trim() === '' ? undefined : setting;
  };
  const reject = (setting: RawSetting, expected: string) => problems.push({ ...setting, expected });

  const scheme = present(SettingKind.Scheme);
  if (scheme !== undefined) {
    if (SCHEMES.has(scheme.value)) settings.scheme = scheme.value;
    else reject(scheme, 'http or https');
  }
  const interval = present(SettingKind.Interval);
  const intervalMs = interval === undefined ? undefined : positiveDuration(interval.value);
  if (interval !== undefined) {
    if (intervalMs !== undefined) settings.interval = interval.value;
    else reject(interval, 'a Prometheus duration above 0 such as 30s or 1m30s');
  }
  const timeout = present(SettingKind.Timeout);
  if (timeout !== undefined) {
    const timeoutMs = positiveDuration(timeout.value);
    if (timeoutMs === undefined) reject(timeout, 'a Prometheus duration above 0 such as 10s or 500ms');
    else if (intervalMs !== undefined && timeoutMs > intervalMs)
      reject(timeout, `a duration at most the scrape interval ${settings.interval}`);
    else settings.timeout = timeout.value;
  }
  const job = present(SettingKind.Job);
  if (job !== undefined) settings.job = job.value;
  return { settings, problems };
};

/** The labels of validated settings, in a fixed order. */
export const scrapeSettingLabels = (settings: ScrapeSettings | undefined): [string, string][] => {
  if (settings === undefined) return [];
  const entries: [string, string | undefined][] = [
    [ScrapeSettingLabel.Scheme, settings.scheme],
    [ScrapeSettingLabel.Interval, settings.interval],
    [ScrapeSettingLabel.Timeout, settings.timeout],
    [ScrapeSettingLabel.Job, settings.job],
  ];
  return entries.flatMap(([name, value]) => (value === undefined ? [] : [[name, value] as [string, string]]));
};
