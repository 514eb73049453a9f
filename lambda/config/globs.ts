/**
 * Tag-key globs (`EcsTaskTags`, `EcsServiceTags`, `CloudMapServiceTags`, `CloudMapNamespaceTags`):
 * anchored over the whole key, case-sensitive, `*` = any run of characters (including none),
 * `?` = exactly one character, every other character literal.
 *
 * Tag keys are written by application teams, globs by the operator: no combination of the two may
 * stall a refresh (docs/decisions.md, "Hostile input (issue 10)"). So no regular expression (a
 * backtracking engine is exponential on `*k*k*k*k*k*k*x`), but the classic two-pointer wildcard
 * matcher that only ever backtracks to the last `*`: at most O(|key| × |glob|) steps, and
 * O(|key| + |glob|) for globs without an inner `*`. Characters are UTF-16 code units, compared
 * exactly; `?` is one code point (a surrogate pair counts as one character).
 */

/** The key's characters as code points, so `?` consumes a whole astral character. */
const codePoints = (text: string): readonly string[] => Array.from(text);

/**
 * Whether `key` matches `glob` (both already split into code points).
 *
 * Greedy left to right; on a mismatch, the most recent `*` absorbs one more key character and the
 * glob restarts right after it. Earlier stars never need revisiting: whatever they absorbed, the
 * later star can absorb instead, so this is exact.
 */
export const matchGlob = (glob: readonly string[], key: readonly string[]): boolean => {
  let g = 0;
  let k = 0;
  let star = -1; // glob index of the last `*` seen
  let resume = 0; // key index that `*` will absorb up to on the next backtrack
  while (k < key.length) {
    const token = glob[g];
    if (token === '*') {
      star = g;
      resume = k;
      g += 1;
    } else if (token !== undefined && (token === '?' || token === key[k])) {
      g += 1;
      k += 1;
    } else if (star >= 0) {
      resume += 1;
      k = resume;
      g = star + 1;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g += 1;
  return g === glob.length;
};

/**
 * Compiles globs into one predicate that is true when a tag key matches any of them.
 * No globs → matches nothing.
 *
 * @example compileGlobs(['team', 'METRICS_*'])('METRICS_PORT') // true
 */
export const compileGlobs = (globs: readonly string[]): ((key: string) => boolean) => {
  if (globs.length === 0) return () => false;
  const compiled = globs.map(codePoints);
  return (key) => {
    const characters = codePoints(key);
    return compiled.some((glob) => matchGlob(glob, characters));
  };
};
