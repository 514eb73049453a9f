import { describe, expect, it } from 'vitest';
import { parseKeyValue, parseKeyValueList, parseList, unique } from '../../lambda/config/lists.ts';

describe('parseList', () => {
  it.each([
    { case: 'blank entries are dropped and entries trimmed', raw: 'a; b ;;c;', expected: ['a', 'b', 'c'] },
    { case: 'a trailing semicolon is harmless', raw: 'prod;', expected: ['prod'] },
    { case: 'whitespace-only entries are dropped', raw: ' ; \t;x', expected: ['x'] },
    { case: '%; is a literal semicolon', raw: 'x%;y;z', expected: ['x;y', 'z'] },
    { case: 'an entry that is only %; is kept as ";"', raw: '%;;a', expected: [';', 'a'] },
    {
      case: 'spaces next to an escaped semicolon inside an entry stay',
      raw: ' a %; b ;c',
      expected: ['a ; b', 'c'],
    },
    { case: 'a lone semicolon is an empty list', raw: ';', expected: [] },
    { case: 'an empty string is an empty list', raw: '', expected: [] },
    { case: 'undefined is an empty list', raw: undefined, expected: [] },
    { case: 'duplicates are kept (de-duplication is per option)', raw: 'a;a', expected: ['a', 'a'] },
  ])('$case: $raw', ({ raw, expected }) => {
    // Act
    const entries = parseList(raw);

    // Assess
    expect(entries).toEqual(expected);
  });
});

describe('parseKeyValue', () => {
  it.each([
    { case: 'key and value are trimmed', entry: ' team = a ', expected: { key: 'team', value: 'a' } },
    {
      case: 'the value is the whole rest, a second = included (deliberate fix)',
      entry: 'a=b=c',
      expected: { key: 'a', value: 'b=c' },
    },
    {
      case: 'a formula keeps every =',
      entry: 'formula=a=b',
      expected: { key: 'formula', value: 'a=b' },
    },
    {
      case: 'no = gives a null value',
      entry: 'PROMETHEUS_TARGET',
      expected: { key: 'PROMETHEUS_TARGET', value: null },
    },
    { case: 'a trailing = gives an empty value', entry: 'a=', expected: { key: 'a', value: '' } },
    { case: 'a leading = gives an empty key', entry: '=x', expected: { key: '', value: 'x' } },
    {
      case: '%= is a literal = in the value',
      entry: 'eval_expression=a%=%=b',
      expected: { key: 'eval_expression', value: 'a==b' },
    },
    { case: 'escaped and plain = mix in a value', entry: 'a=b%=c=d', expected: { key: 'a', value: 'b=c=d' } },
    {
      case: '%= in the key becomes = as well (deliberate fix)',
      entry: 'a%=b=c',
      expected: { key: 'a=b', value: 'c' },
    },
    { case: 'a * value is kept literally', entry: 'team=*', expected: { key: 'team', value: '*' } },
  ])('$case: $entry', ({ entry, expected }) => {
    // Act
    const parsed = parseKeyValue(entry);

    // Assess
    expect(parsed).toEqual(expected);
  });
});

describe('parseKeyValueList', () => {
  it('parses the documented example with both escapes', () => {
    // Act
    const entries = parseKeyValueList('eval_expression=a%=%=b;components=a%;b%;;');

    // Assess
    expect(entries).toEqual([
      { key: 'eval_expression', value: 'a==b' },
      { key: 'components', value: 'a;b;' },
    ]);
  });

  it('keeps entries in order, including those without =', () => {
    // Act
    const entries = parseKeyValueList('a=1; b ;c=3;');

    // Assess
    expect(entries).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: null },
      { key: 'c', value: '3' },
    ]);
  });
});

describe('unique', () => {
  it('keeps the first occurrence in order, comparing exactly', () => {
    // Act
    const values = unique(['b', 'a', 'b', 'A', 'a']);

    // Assess
    expect(values).toEqual(['b', 'a', 'A']);
  });
});
