/**
 * The per-task label list with the original's precedence rule (docs/decisions.md "Label precedence"): at most one label
 * per case-insensitive name; a new label replaces an existing one unless the existing one has a
 * strictly better (lower) priority. Replaced labels move to the end, which matters for the
 * "first in list order wins" rule of sanitised-name collisions at render.
 */

/** Lower wins. Equal priority: the later label wins (a later tag of the same name). */
export const LabelPriority = {
  Relabel: 0,
  System: 1,
  Meta: 2,
  TaskTag: 10,
  ServiceTag: 20,
  CloudMapServiceTag: 30,
  CloudMapNamespaceTag: 40,
  ExtraLabel: 50,
} as const;
export type LabelPriority = (typeof LabelPriority)[keyof typeof LabelPriority];

/** A label before rendering: raw (unsanitised) name, verbatim value (may be empty). */
export type Label = {
  readonly name: string;
  readonly value: string;
  readonly priority: LabelPriority;
};

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Adds `label` with the precedence rule; returns a new list. */
export const addLabel = (labels: readonly Label[], label: Label): readonly Label[] => {
  const existing = labels.find((candidate) => sameName(candidate.name, label.name));
  if (existing === undefined) return [...labels, label];
  if (existing.priority < label.priority) return labels;
  return [...labels.filter((candidate) => candidate !== existing), label];
};

/** Adds every label in order. */
export const addLabels = (labels: readonly Label[], added: readonly Label[]): readonly Label[] =>
  added.reduce(addLabel, labels);

/** The label of that name ignoring case, if any. */
export const findLabel = (labels: readonly Label[], name: string): Label | undefined =>
  labels.find((candidate) => sameName(candidate.name, name));
