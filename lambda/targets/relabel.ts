/**
 * `RelabelConfigurations` (docs/decisions.md "Relabelling"): `target=pattern` entries
 * applied in order to a task's labels, after system and metadata labels exist.
 */
import type { KeyValue } from '../config/types.ts';
import { addLabel, findLabel, type Label, LabelPriority } from './label-set.ts';
import { TEMPORARY_LABEL_PREFIX } from './labels.ts';

// `{{name}}`, name = one or more ASCII word characters (no `u` flag: `\w` stays ASCII).
const TOKEN = /\{\{(\w+)\}\}/g;

const applyOne = (labels: readonly Label[], config: KeyValue): readonly Label[] => {
  const target = config.key.trim();
  const pattern = config.value;
  if (target === '' || pattern === null || pattern.trim() === '') return labels;
  const tokens = [...pattern.matchAll(TOKEN)].map((match) => match[1]!);
  // A token naming no label skips the whole config (the label is neither created nor changed).
  // System labels always exist, possibly empty, so they never skip.
  if (tokens.some((token) => findLabel(labels, token) === undefined)) return labels;
  // Tokens match case-insensitively and are replaced however they were written (the original only
  // substituted lower-case spellings). A replacer function keeps `$` in values literal.
  const value = pattern.replace(TOKEN, (_token, name: string) => findLabel(labels, name)!.value);
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
