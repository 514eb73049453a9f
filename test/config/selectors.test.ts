import { describe, expect, it } from 'vitest';
import { matchesSelectors } from '../../lambda/config/selectors.ts';
import type { KeyValue } from '../../lambda/config/types.ts';

const tag = (key: string, value: string) => ({ key, value });
const selector = (key: string, value: string | null): KeyValue => ({ key, value });

const TAGS = [tag('PROMETHEUS_TARGET', 'true'), tag('team', 'a'), tag('env', 'prod-eu')];

describe('matchesSelectors', () => {
  it.each([
    { case: 'no selectors select everything', selectors: [], expected: true },
    {
      case: 'one equal selector matches',
      selectors: [selector('PROMETHEUS_TARGET', 'true')],
      expected: true,
    },
    {
      case: 'a different value does not match',
      selectors: [selector('PROMETHEUS_TARGET', 'false')],
      expected: false,
    },
    {
      case: 'all selectors must match',
      selectors: [selector('PROMETHEUS_TARGET', 'true'), selector('team', 'b')],
      expected: false,
    },
    {
      case: 'two satisfied selectors match',
      selectors: [selector('PROMETHEUS_TARGET', 'true'), selector('team', 'a')],
      expected: true,
    },
    { case: 'a * value matches any value of that key', selectors: [selector('team', '*')], expected: true },
    { case: 'a * value still needs the key', selectors: [selector('owner', '*')], expected: false },
    { case: 'a partial wildcard is literal', selectors: [selector('env', 'prod*')], expected: false },
    { case: 'keys compare case-sensitively', selectors: [selector('Team', 'a')], expected: false },
    { case: 'values compare case-sensitively', selectors: [selector('team', 'A')], expected: false },
    {
      case: 'a selector without = (null value) matches nothing',
      selectors: [selector('team', null)],
      expected: false,
    },
    {
      case: 'two selectors with the same key never both match (original quirk)',
      selectors: [selector('team', 'a'), selector('team', '*')],
      expected: false,
    },
    {
      case: 'even an exact duplicate selector never matches (original quirk)',
      selectors: [selector('team', 'a'), selector('team', 'a')],
      expected: false,
    },
  ])('$case', ({ selectors, expected }) => {
    // Act
    const selected = matchesSelectors(TAGS, selectors);

    // Assess
    expect(selected).toBe(expected);
  });

  it('selects a resource without tags only when there are no selectors', () => {
    // Act
    const withNone = matchesSelectors([], []);
    const withOne = matchesSelectors([], [selector('team', '*')]);

    // Assess
    expect([withNone, withOne]).toEqual([true, false]);
  });
});
