/**
 * Label-name sanitisation to what Prometheus 2.x accepts, `[a-zA-Z_][a-zA-Z0-9_]*` (docs/decisions.md "Rendering";
 * the original kept Unicode letters, which makes Prometheus reject the whole refresh).
 */

const INVALID_CHARACTER = /[^A-Za-z0-9_]/u;
const DIGIT = /^[0-9]/;

/**
 * Every character (code point) outside `[A-Za-z0-9_]` becomes `_`; a leading digit gets a `_`
 * prefix. `aws:cloudformation:stack-name` → `aws_cloudformation_stack_name`, `9lives` → `_9lives`,
 * `é` → `_`. Returns `''` for `''`: callers drop such names.
 */
export const sanitiseLabelName = (name: string): string => {
  let sanitised = '';
  for (const character of name) {
    sanitised += INVALID_CHARACTER.test(character) ? '_' : character;
  }
  return DIGIT.test(sanitised) ? `_${sanitised}` : sanitised;
};
