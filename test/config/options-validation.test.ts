/**
 * Options that could never work are configuration errors naming the variable (issue 10;
 * docs/decisions.md, "Hostile input (issue 10)"): selectors that cannot match, and the Prometheus
 * scrape labels `__scheme__`, `__scrape_interval__`, `__scrape_timeout__` in operator configuration.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/config/errors.ts';
import { loadConfig } from '../../lambda/config/load.ts';

const env = (options: Readonly<Record<string, string>>): Record<string, string> => ({
  DiscoveryOptions__EcsClusters: 'c',
  ...Object.fromEntries(Object.entries(options).map(([name, value]) => [`DiscoveryOptions__${name}`, value])),
});

const problemsOf = (environment: Record<string, string>): string[] => {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  return [];
};

describe('selectors that cannot match are configuration errors', () => {
  it.each<{ options: Record<string, string>; expected: string[] }>([
    {
      options: { EcsServiceSelectorTags: 'PROMETHEUS_TARGET' },
      expected: [
        'DiscoveryOptions__EcsServiceSelectorTags="PROMETHEUS_TARGET" is invalid: entry "PROMETHEUS_TARGET" has no "="; write PROMETHEUS_TARGET=true to require a value or PROMETHEUS_TARGET=* for any value',
      ],
    },
    {
      options: { CloudMapServiceSelectorTags: 'team=a;PROMETHEUS_TARGET' },
      expected: [
        'DiscoveryOptions__CloudMapServiceSelectorTags="team=a;PROMETHEUS_TARGET" is invalid: entry "PROMETHEUS_TARGET" has no "="; write PROMETHEUS_TARGET=true to require a value or PROMETHEUS_TARGET=* for any value',
      ],
    },
    {
      options: { EcsServiceSelectorTags: '=' },
      expected: [
        'DiscoveryOptions__EcsServiceSelectorTags="=" is invalid: entry "=" has an empty key; write PROMETHEUS_TARGET=true to require a value or PROMETHEUS_TARGET=* for any value',
      ],
    },
    {
      options: { CloudMapServiceSelectorTags: ' =true' },
      expected: [
        'DiscoveryOptions__CloudMapServiceSelectorTags=" =true" is invalid: entry "=true" has an empty key; write PROMETHEUS_TARGET=true to require a value or PROMETHEUS_TARGET=* for any value',
      ],
    },
    { options: { EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true;team=*;empty=' }, expected: [] },
    { options: { CloudMapServiceSelectorTags: '' }, expected: [] },
  ])('$options gives $expected', ({ options, expected }) => {
    // Act
    const problems = problemsOf(env(options));

    // Assess
    expect(problems).toEqual(expected);
  });
});

describe('Prometheus scrape labels in operator configuration are validated', () => {
  it.each([
    { variable: 'ExtraPrometheusLabels', value: '__scheme__=https', problem: undefined },
    { variable: 'ExtraPrometheusLabels', value: '__scheme__=http', problem: undefined },
    { variable: 'ExtraPrometheusLabels', value: '__scheme__=', problem: undefined }, // blank: ignored
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scheme__=HTTPS',
      problem: 'entry "__scheme__=HTTPS" is invalid; expected http or https',
    },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scheme__=ftp',
      problem: 'entry "__scheme__=ftp" is invalid; expected http or https',
    },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scheme-_=ftp', // the builder sanitises this name to __scheme__
      problem: 'entry "__scheme-_=ftp" is invalid; expected http or https',
    },
    { variable: 'ExtraPrometheusLabels', value: '__scrape_interval__=1m30s', problem: undefined },
    { variable: 'ExtraPrometheusLabels', value: '__scrape_interval__=1y2w3d4h5m6s7ms', problem: undefined },
    { variable: 'ExtraPrometheusLabels', value: '__scrape_interval__=0', problem: undefined },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scrape_interval__=30',
      problem:
        'entry "__scrape_interval__=30" is invalid; expected a Prometheus duration such as 30s or 1m30s',
    },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scrape_interval__=1s1m',
      problem:
        'entry "__scrape_interval__=1s1m" is invalid; expected a Prometheus duration such as 30s or 1m30s',
    },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scrape_interval__=1.5s',
      problem:
        'entry "__scrape_interval__=1.5s" is invalid; expected a Prometheus duration such as 30s or 1m30s',
    },
    { variable: 'ExtraPrometheusLabels', value: '__scrape_timeout__=500ms', problem: undefined },
    {
      variable: 'ExtraPrometheusLabels',
      value: '__scrape_timeout__=10 s',
      problem:
        'entry "__scrape_timeout__=10 s" is invalid; expected a Prometheus duration such as 10s or 500ms',
    },
    { variable: 'RelabelConfigurations', value: '__scheme__=https', problem: undefined },
    {
      variable: 'RelabelConfigurations',
      value: '__scheme__=gopher',
      problem: 'entry "__scheme__=gopher" is invalid; expected http or https',
    },
    {
      variable: 'RelabelConfigurations',
      value: '__scrape_interval__={{team}}s',
      problem:
        'entry "__scrape_interval__={{team}}s" sets __scrape_interval__ from a label value; expected a literal a Prometheus duration such as 30s or 1m30s',
    },
    // Other __ targets are the operator's business (docs/decisions.md): allowed, tokens included.
    { variable: 'RelabelConfigurations', value: '__param_module={{team}}', problem: undefined },
    { variable: 'RelabelConfigurations', value: 'job={{_sys_ecs_service}}', problem: undefined },
  ])('$variable=$value', ({ variable, value, problem }) => {
    // Act
    const problems = problemsOf(env({ [variable]: value }));

    // Assess
    expect(problems).toEqual(
      problem === undefined
        ? []
        : [`DiscoveryOptions__${variable}=${JSON.stringify(value)} is invalid: ${problem}`],
    );
  });
});

describe('many bad entries', () => {
  it('reports the first three and a count, not one reason per entry', () => {
    // Act
    const problems = problemsOf(env({ EcsServiceSelectorTags: 'a;b;c;d;e' }));

    // Assess
    const prefix = 'DiscoveryOptions__EcsServiceSelectorTags="a;b;c;d;e" is invalid: ';
    expect(problems).toEqual([
      `${prefix}entry "a" has no "="; write a=true to require a value or a=* for any value`,
      `${prefix}entry "b" has no "="; write b=true to require a value or b=* for any value`,
      `${prefix}entry "c" has no "="; write c=true to require a value or c=* for any value`,
      `${prefix}2 more invalid entries`,
    ]);
  });
});
