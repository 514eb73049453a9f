/**
 * The glob matcher against a reference on random globs and keys over a small alphabet (so stars,
 * question marks and literals collide often), and the pathological globs that stalled the old
 * regular-expression matcher (docs/decisions.md, "Hostile input (issue 10)").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlobs } from '../../lambda/config/globs.ts';

/** The definition, by memoised recursion over (glob index, key index): obviously right, O(n·m). */
const reference = (glob: readonly string[], key: readonly string[]): boolean => {
  const memo = new Map<number, boolean>();
  const at = (g: number, k: number): boolean => {
    const id = g * (key.length + 1) + k;
    const known = memo.get(id);
    if (known !== undefined) return known;
    let result: boolean;
    if (g === glob.length) result = k === key.length;
    else if (glob[g] === '*') result = at(g + 1, k) || (k < key.length && at(g, k + 1));
    else result = k < key.length && (glob[g] === '?' || glob[g] === key[k]) && at(g + 1, k + 1);
    memo.set(id, result);
    return result;
  };
  return at(0, 0);
};

const globText = fc
  .array(fc.constantFrom('*', '?', 'k', 'x', '.', 'K', '😀'), { maxLength: 12 })
  .map((c) => c.join(''));
const keyText = fc
  .array(fc.constantFrom('k', 'x', '.', 'K', '*', '?', '😀'), { maxLength: 16 })
  .map((c) => c.join(''));

describe('compileGlobs: properties', () => {
  it('agrees with the reference matcher on random globs and keys', () => {
    fc.assert(
      fc.property(globText, keyText, (glob, key) => {
        expect(compileGlobs([glob])(key)).toBe(reference(Array.from(glob), Array.from(key)));
      }),
      { numRuns: 5000 },
    );
  });

  it('matches a key against several globs exactly when one of them matches', () => {
    fc.assert(
      fc.property(fc.array(globText, { maxLength: 4 }), keyText, (globs, key) => {
        const expected = globs.some((glob) => reference(Array.from(glob), Array.from(key)));
        expect(compileGlobs(globs)(key)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compileGlobs: pathological globs', () => {
  it.each([
    // Each of these made the old RegExp matcher backtrack for tens of seconds (issue 10).
    { glob: '*k*k*k*k*k*k*x', key: 'k'.repeat(120), expected: false },
    { glob: '*k*k*k*k*k*k*k*k*k*k*k*k*x', key: 'k'.repeat(250), expected: false },
    { glob: '*k*k*k*k*k*k*k', key: 'k'.repeat(120), expected: true },
    { glob: `${'*?'.repeat(20)}x`, key: 'k'.repeat(200), expected: false },
  ])('$glob against a $key.length-character key gives $expected', ({ glob, key, expected }) => {
    // Act
    const matched = compileGlobs([glob])(key);

    // Assess
    expect(matched).toBe(expected);
  });
});
