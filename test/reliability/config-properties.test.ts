/**
 * Property tests over configuration strings: whatever the environment holds, `loadConfig` either
 * returns a config or throws a `ConfigError` whose every problem names its `DiscoveryOptions__*` variable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/config/errors.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { ENV_PREFIX, OPTIONS } from '../../lambda/config/options.ts';

const VARIABLES = Object.values(OPTIONS).map((spec) => `${ENV_PREFIX}${spec.name}`);

/** Pieces that stress the list, key=value, number and glob parsers. */
const PIECES = [
  ';',
  '=',
  '*',
  '?',
  '\\',
  '\\;',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '',
  ',',
  '%',
  '$X',
  '$(x)',
  'é',
  '🚀',
];

const awkwardString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 5 })), { maxLength: 20 })
    .map((parts) => parts.join('')),
  fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'a;'.repeat(length)),
  fc.constantFrom('-1', '0', '1e3', '0x10', 'NaN', 'Infinity', '99999999999999999999', ' 60 ', 'TRUE', 'yes'),
);

/** A variable name, sometimes spelled in another case (lookup is case-insensitive). */
const variableName = fc
  .tuple(fc.constantFrom(...VARIABLES), fc.constantFrom('exact', 'lower', 'upper'))
  .map(([name, spelling]) =>
    spelling === 'lower' ? name.toLowerCase() : spelling === 'upper' ? name.toUpperCase() : name,
  );

const environment = fc.dictionary(variableName, awkwardString, { maxKeys: 8 });

const outcome = (env: Record<string, string>): 'ok' | ConfigError => {
  try {
    loadConfig(env);
    return 'ok';
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
};

describe('loadConfig over arbitrary strings', () => {
  it('throws nothing but a ConfigError whose every problem names a known variable', () => {
    fc.assert(
      fc.property(environment, (env) => {
        // Act
        const result = outcome(env);
        // Assess
        if (result === 'ok') return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(VARIABLES).toContain(problem.variable);
          expect(problem.message).toContain(problem.variable);
          expect(result.message).toContain(problem.message);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names the variable of each invalid scalar value', () => {
    const scalars = [
      `${ENV_PREFIX}CacheTtlSeconds`,
      `${ENV_PREFIX}StaleIfErrorSeconds`,
      `${ENV_PREFIX}AwsMaxConcurrency`,
      `${ENV_PREFIX}CacheTopLevelResources`,
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...scalars),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => /[^\d\s]/.test(s)),
        (variable, value) => {
          // Prepare
          const env = { [`${ENV_PREFIX}EcsClusters`]: 'prod', [variable]: `x${value}` };
          // Act
          const result = outcome(env);
          // Assess
          expect(result).toBeInstanceOf(ConfigError);
          const problems = (result as ConfigError).problems;
          expect(problems.map((p) => p.variable)).toEqual([variable]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never echoes the bearer token in a ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 12, maxLength: 80 }), (suffix) => {
        // Prepare: both token sources set is invalid, and nothing names a cluster.
        const token = `tok-${suffix}`;
        const env = { [`${ENV_PREFIX}BearerToken`]: token, [`${ENV_PREFIX}BearerTokenSecret`]: 'sd-token' };
        // Act
        const result = outcome(env);
        // Assess
        expect(result).toBeInstanceOf(ConfigError);
        expect((result as ConfigError).message).not.toContain(token);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps a very long value out of the message beyond a cut', () => {
    // Prepare
    const value = 'x'.repeat(100_000);
    // Act
    const result = outcome({ [`${ENV_PREFIX}EcsClusters`]: 'prod', [`${ENV_PREFIX}CacheTtlSeconds`]: value });
    // Assess
    expect(result).toBeInstanceOf(ConfigError);
    expect((result as ConfigError).message.length).toBeLessThan(1_000);
  });
});
