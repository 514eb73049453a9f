/**
 * Tag-key globs (`EcsTaskTags`, `EcsServiceTags`, `CloudMapServiceTags`, `CloudMapNamespaceTags`),
 * docs/decisions.md "Tag-key globs": anchored over the whole key, case-sensitive, `*` = any run of
 * characters (including none), `?` = exactly one character, every other character literal.
 */

// Every character with a meaning in a JavaScript regular expression outside a character class.
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

const globSource = (glob: string): string =>
  glob
    .split('*')
    .map((run) =>
      run
        .split('?')
        .map((literal) => literal.replace(REGEXP_SYNTAX, '\\$&'))
        .join('.'),
    )
    .join('.*');

/**
 * Compiles globs into one predicate that is true when a tag key matches any of them.
 * No globs → matches nothing.
 *
 * @example compileGlobs(['team', 'METRICS_*'])('METRICS_PORT') // true
 */
export const compileGlobs = (globs: readonly string[]): ((key: string) => boolean) => {
  if (globs.length === 0) return () => false;
  // `s`: `*` and `?` also cover a line break, so "any character" really is any character.
  const pattern = new RegExp(`^(?:${globs.map(globSource).join('|')})$`, 's');
  return (key) => pattern.test(key);
};
