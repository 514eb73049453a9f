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
 * Parses one `key=value` entry: `%=` is a literal `=`; key and value are trimmed; only the text
 * between the first and the second unescaped `=` is the value (`a=b=c` → value `b`, as the
 * original); no `=` at all → value `null`.
 *
 * Unlike the original, a `%=` in the key also becomes `=` (the original left its internal
 * placeholder text there, which no operator can have relied on).
 */
export const parseKeyValue = (entry: string): KeyValue => {
  const pieces = entry.replaceAll('%=', EQUALS_PLACEHOLDER).split('=');
  const restore = (piece: string) => piece.replaceAll(EQUALS_PLACEHOLDER, '=').trim();
  const [key = '', value] = pieces;
  return { key: restore(key), value: value === undefined ? null : restore(value) };
};

/** A `;` list of `key=value` entries: `"a=1;b"` → `[{ key: 'a', value: '1' }, { key: 'b', value: null }]`. */
export const parseKeyValueList = (raw: string | undefined): KeyValue[] => parseList(raw).map(parseKeyValue);

/** Keeps the first occurrence of every string, in order (exact, case-sensitive comparison). */
export const unique = (values: readonly string[]): string[] => [...new Set(values)];
