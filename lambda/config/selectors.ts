/**
 * Tag selectors (`EcsServiceSelectorTags`, `CloudMapServiceSelectorTags`), kept exactly for drop-in
 * compatibility (docs/decisions.md "Tag selectors": a whole-value `*` wildcard).
 */
import type { KeyValue } from './types.ts';

/** A resource tag as the selectors see it (structurally the inventory's `Tag`). */
export type SelectorTag = { readonly key: string; readonly value: string };

const hits = (tag: SelectorTag, selector: KeyValue): boolean =>
  tag.key === selector.key && (selector.value === '*' || tag.value === selector.value);

/**
 * Whether a resource with `tags` is selected. No selectors → every resource.
 *
 * A tag hits a selector when the keys are equal (case-sensitive, no glob) and the selector value
 * is exactly `*` or equal to the tag value (case-sensitive; `prod*` is literal). The resource is
 * selected when the number of its tags hitting at least one selector equals the number of
 * selectors. With distinct selector keys that is "every selector satisfied"; as in the original,
 * two selectors with the same key can never both be satisfied. A selector without `=` (value
 * `null`) would match nothing; configuration rejects it (docs/decisions.md, "Hostile input (issue 10)").
 */
export const matchesSelectors = (tags: readonly SelectorTag[], selectors: readonly KeyValue[]): boolean => {
  if (selectors.length === 0) return true;
  const hitCount = tags.filter((tag) => selectors.some((selector) => hits(tag, selector))).length;
  return hitCount === selectors.length;
};
