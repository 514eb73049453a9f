/**
 * `RelabelConfigurations` (docs/decisions.md "Relabelling"): `target=pattern` entries
 * applied in order to a task's labels, after system and metadata labels exist.
 */
import type { KeyValue } from '../config/types.ts';
import { addLabel, findLabel, type Label, LabelPriority } from './label-set.ts';
import { MAX_LABEL_VALUE_BYTES, TEMPORARY_LABEL_PREFIX } from './labels.ts';

// `{{name}}`, name = one or more ASCII word characters (no `u` flag: `\w` stays ASCII).
const TOKEN = /\{\{(\w+)\}\}/g;

// Longer than this many UTF-16 code units is certainly over the byte bound (a code unit is at least
// one UTF-8 byte), so expansion can stop there.
const EXPANSION_LIMIT = MAX_LABEL_VALUE_BYTES + 1;

/**
 * `pattern` with its tokens replaced, but never longer than `EXPANSION_LIMIT` code units: a chain
 * like `a={{a}}{{a}}` repeated 32 times would otherwise need 2^32 times the first value. A value cut
 * at the limit is over the bound, so the builder drops it with a warning (docs/decisions.md,
 * "Hostile input (issue 10)"). Tokens match case-insensitively and are replaced however they were
 * written (the original only substituted lower-case spellings); values are inserted literally.
 */
const expand = (pattern: string, labels: readonly Label[]): string => {
  let value = '';
  let from = 0;
  for (const match of pattern.matchAll(TOKEN)) {
    value += pattern.slice(from, match.index) + findLabel(labels, match[1]!)!.value;
    from = match.index + match[0].length;
    if (value.length > EXPANSION_LIMIT) return value.slice(0, EXPANSION_LIMIT);
  }
  value += pattern.slice(from);
  return value.length > EXPANSION_LIMIT ? value.slice(0, EXPANSION_LIMIT) : value;
};

const applyOne = (labels: readonly Label[], config: KeyValue): readonly Label[] => {
  const target = config.key.trim();
  const pattern = config.value;
  if (target === '' || pattern === null || pattern.trim() === '') return labels;
  const tokens = [...pattern.matchAll(TOKEN)].map((match) => match[1]!);
  // A token naming no label skips the whole config (the label is neither created nor changed).
  // System labels always exist, possibly empty, so they never skip.
  if (tokens.some((token) => findLabel(labels, token) === undefined)) return labels;
  const value = expand(pattern, labels);
  // Static patterns (no token) are allowed for any target, not only `_tmp*` (a fix), so the
  // documented `a=1;a={{a}}-2` gives `a=1-2`.
  return addLabel(labels, { name: target, value, priority: LabelPriority.Relabel });
};

/**
 * Applies every configuration in order. Results have the best priority, so they replace any label
 * of the same case-insensitive name (tags, `_sys_*`, `__meta_*`, earlier results); later
 * configurations can reference earlier results. An empty result blanks the label (dropped at render).
 */
export const applyRelabelConfigurations = (
  labels: readonly Label[],
  configs: readonly KeyValue[],
): readonly Label[] => configs.reduce(applyOne, labels);

/**
 * Drops every label whose name starts with `_tmp` (any case), however it was produced: static or
 * token relabel results and tags alike (a fix: the original kept token-built ones).
 */
export const removeTemporaryLabels = (labels: readonly Label[]): readonly Label[] =>
  labels.filter((label) => !label.name.toLowerCase().startsWith(TEMPORARY_LABEL_PREFIX));
