/**
 * The two text primitives every list option is made of (docs/decisions.md "Lists", "Key=value entries"):
 * `;`-separated lists with a `%;` escape, and `key=value` entries with a `%=` escape.
 */
import type { KeyValue } from './types.ts';

// Private-use code points cannot be typed into an environment variable by accident, so they are
// safe stand-ins for the escaped separators while splitting.
const SEMICOLON_PLACEHOLDER = '\uE000';
const EQUALS_PLACEHOLDER = '\uE001';

/**
 * Splits a `;` list: `%;` is a literal `;`, blank entries are dropped, entries are trimmed.
 * `"a; b ;;c;"` → `['a', 'b', 'c']`; `"x%;y;z"` → `['x;y', 'z']`; `undefined` → `[]`.
 */
export const parseList = (raw: string | undefined): string[] =>
  (raw ?? '')
    .replaceAll('%;', SEMICOLON_PLACEHOLDER)
    .split(';')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => entry.replaceAll(SEMICOLON_PLACEHOLDER, ';').trim());

/**
 * Parses one `key=value` entry: `%=` is a literal `=`; key and value are trimmed; the key ends at the
 * first unescaped `=` and the value is the whole rest, `=` included (`a=b=c` → value `b=c`); no `=`
 * at all → value `null`.
 *
 * Two departures from the original, both fixes (docs/decisions.md, "One option contract"): the
 * original kept only the text up to a second `=` and dropped the rest silently (`a=b=c` → `b`), and
 * it left its internal placeholder text where a key had `%=`; here that becomes `=`.
 */
export const parseKeyValue = (entry: string): KeyValue => {
  const escaped = entry.replaceAll('%=', EQUALS_PLACEHOLDER);
  const restore = (piece: string) => piece.replaceAll(EQUALS_PLACEHOLDER, '=').trim();
  const at = escaped.indexOf('=');
  if (at < 0) return { key: restore(escaped), value: null };
  return { key: restore(escaped.slice(0, at)), value: restore(escaped.slice(at + 1)) };
};

/** A `;` list of `key=value` entries: `"a=1;b"` → `[{ key: 'a', value: '1' }, { key: 'b', value: null }]`. */
export const parseKeyValueList = (raw: string | undefined): KeyValue[] => parseList(raw).map(parseKeyValue);

/** Keeps the first occurrence of every string, in order (exact, case-sensitive comparison). */
export const unique = (values: readonly string[]): string[] => [...new Set(values)];
