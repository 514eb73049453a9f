/**
 * The options of issue 15 (docs/decisions.md "Portable labels (issue 15)"): `MetaLabels`,
 * `DockerLabels` and the docker-label name overrides, and the shared Prometheus duration grammar.
 */
import { describe, expect, it } from 'vitest';
import { durationMs, isPrometheusDuration } from '../../lambda/config/durations.ts';
import { ConfigError } from '../../lambda/config/errors.ts';
import { loadConfig } from '../../lambda/config/load.ts';

const env = (options: Readonly<Record<string, string>>): Record<string, string> => ({
  DiscoveryOptions__EcsClusters: 'c',
  ...Object.fromEntries(Object.entries(options).map(([name, value]) => [`DiscoveryOptions__${name}`, value])),
});

const problemsOf = (options: Readonly<Record<string, string>>): string[] => {
  try {
    loadConfig(env(options));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  return [];
};

type Key = 'metaLabels' | 'dockerLabels' | 'dockerLabelPort' | 'dockerLabelJob';

describe('MetaLabels and DockerLabels', () => {
  it.each<{ options: Record<string, string>; key: Key; expected: string | undefined }>([
    { options: { MetaLabels: 'full' }, key: 'metaLabels', expected: 'full' },
    { options: { MetaLabels: 'COMPACT' }, key: 'metaLabels', expected: 'compact' },
    { options: { MetaLabels: ' ' }, key: 'metaLabels', expected: 'full' },
    { options: { DockerLabels: 'teralytics' }, key: 'dockerLabels', expected: 'teralytics' },
    { options: { DockerLabels: 'ecs-observer' }, key: 'dockerLabels', expected: 'ecs-observer' },
    { options: {}, key: 'dockerLabels', expected: 'none' },
    {
      options: { DockerLabelPort: 'com.example/port-1' },
      key: 'dockerLabelPort',
      expected: 'com.example/port-1',
    },
    { options: { DockerLabelJob: '' }, key: 'dockerLabelJob', expected: undefined },
  ])('$options sets $key to $expected', ({ options, key, expected }) => {
    // Act
    const config = loadConfig(env(options));

    // Assess
    expect(config[key]).toBe(expected);
  });

  it.each<{ options: Record<string, string>; expected: string[] }>([
    {
      options: { MetaLabels: 'all' },
      expected: ['DiscoveryOptions__MetaLabels="all" is invalid: expected one of full, compact'],
    },
    {
      options: { DockerLabels: 'prometheus' },
      expected: [
        'DiscoveryOptions__DockerLabels="prometheus" is invalid: expected one of none, teralytics, ecs-observer',
      ],
    },
    {
      options: { DockerLabelPath: 'METRICS PATH' },
      expected: [
        'DiscoveryOptions__DockerLabelPath="METRICS PATH" is invalid: expected a docker label name of letters, digits, "_", ".", "-" or "/" (e.g. PROMETHEUS_EXPORTER_PORT)',
      ],
    },
  ])('$options is a configuration error', ({ options, expected }) => {
    // Act
    const problems = problemsOf(options);

    // Assess
    expect(problems).toEqual(expected);
  });
});

describe('Prometheus durations', () => {
  it.each([
    { value: '0', expected: 0 },
    { value: '30s', expected: 30_000 },
    { value: '1m30s', expected: 90_000 },
    { value: '500ms', expected: 500 },
    { value: '1h', expected: 3_600_000 },
    { value: '1d', expected: 86_400_000 },
    { value: '1w', expected: 604_800_000 },
    { value: '1y', expected: 31_536_000_000 },
    { value: '', expected: undefined },
    { value: '30', expected: undefined },
    { value: '30s1m', expected: undefined },
    { value: ' 30s', expected: undefined },
    { value: '1.5s', expected: undefined },
    { value: '-1s', expected: undefined },
  ])('$value is $expected ms', ({ value, expected }) => {
    // Act
    const ms = durationMs(value);

    // Assess
    expect(ms).toBe(expected);
    expect(isPrometheusDuration(value)).toBe(expected !== undefined);
  });
});
