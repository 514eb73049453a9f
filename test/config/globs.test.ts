import { describe, expect, it } from 'vitest';
import { compileGlobs } from '../../lambda/config/globs.ts';

describe('compileGlobs', () => {
  it.each([
    { case: '* matches any key', globs: ['*'], key: 'aws:ecs:serviceName', expected: true },
    { case: '* matches the empty key', globs: ['*'], key: '', expected: true },
    { case: 'a trailing * matches the bare prefix', globs: ['METRICS_*'], key: 'METRICS_', expected: true },
    {
      case: 'a trailing * matches a longer key',
      globs: ['METRICS_*'],
      key: 'METRICS_PORT_ECS',
      expected: true,
    },
    { case: 'a leading * matches a suffix', globs: ['*name'], key: 'app.kubernetes.io/name', expected: true },
    { case: 'an inner * matches any run', globs: ['a*z'], key: 'a-b-c-z', expected: true },
    { case: '? matches exactly one character', globs: ['team?'], key: 'teamA', expected: true },
    { case: '? does not match zero characters', globs: ['team?'], key: 'team', expected: false },
    { case: '? does not match two characters', globs: ['team?'], key: 'teamAB', expected: false },
    { case: 'a dot is literal', globs: ['app.name'], key: 'app.name', expected: true },
    { case: 'a dot does not match another character', globs: ['app.name'], key: 'appXname', expected: false },
    {
      case: 'regex metacharacters are literal',
      globs: ['a+(b)|[c]$^{1}\\'],
      key: 'a+(b)|[c]$^{1}\\',
      expected: true,
    },
    { case: 'a + is not a quantifier', globs: ['a+'], key: 'aa', expected: false },
    { case: 'matching is case-sensitive', globs: ['Team'], key: 'team', expected: false },
    { case: 'the glob is anchored at the start', globs: ['team'], key: 'my-team', expected: false },
    { case: 'the glob is anchored at the end', globs: ['team'], key: 'teams', expected: false },
    { case: 'any of several globs may match', globs: ['env', 'team'], key: 'team', expected: true },
    { case: 'no glob matches nothing', globs: [], key: 'team', expected: false },
    { case: 'an alternation stays inside its glob', globs: ['a', 'b'], key: 'ab', expected: false },
  ])('$case ($globs vs $key)', ({ globs, key, expected }) => {
    // Prepare
    const matches = compileGlobs(globs);

    // Act
    const matched = matches(key);

    // Assess
    expect(matched).toBe(expected);
  });
});
