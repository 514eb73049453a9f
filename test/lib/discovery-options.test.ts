import { describe, expect, it } from 'vitest';
import {
  type DiscoveryOptionsProps,
  discoveryEnvironment,
  escapeKeyValue,
  escapeListEntry,
  validateDiscoveryOptions,
} from '../../lib/discovery-options.ts';

describe('escaping for the handler parser', () => {
  it.each([
    ['prod', 'prod'],
    ['a;b', 'a%;b'],
    ['a=b', 'a=b'],
    [';;', '%;%;'],
  ])('writes list entry %j as %j', (entry, expected) => {
    // Act
    const escaped = escapeListEntry(entry);

    // Assess
    expect(escaped).toBe(expected);
  });

  it.each([
    ['team', 'core', 'team=core'],
    ['eval_expression', 'a==b', 'eval_expression=a%=%=b'],
    ['components', 'a;b;', 'components=a%;b%;'],
    ['x', 'p=q;r', 'x=p%=q%;r'],
    ['empty', '', 'empty='],
  ])('writes key %j with value %j as %j', (key, value, expected) => {
    // Act
    const escaped = escapeKeyValue(key, value);

    // Assess
    expect(escaped).toBe(expected);
  });
});

describe('discoveryEnvironment', () => {
  it('sets no variable for props left undefined, so the handler defaults apply', () => {
    // Act
    const environment = discoveryEnvironment({ ecsClusters: ['prod'] });

    // Assess
    expect(environment).toEqual({ DiscoveryOptions__EcsClusters: 'prod' });
  });

  it('maps every option to its DiscoveryOptions__ variable, escaped and joined', () => {
    // Prepare
    const props: DiscoveryOptionsProps = {
      ecsClusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging'],
      cloudMapNamespaces: ['app.local', 'ns-abc'],
      ecsServiceSelectorTags: { PROMETHEUS: 'true', team: '*' },
      cloudMapServiceSelectorTags: { scrape: 'yes' },
      ecsTaskTags: ['app.kubernetes.io/*', 'odd;key'],
      ecsServiceTags: ['*'],
      cloudMapServiceTags: [],
      cloudMapNamespaceTags: ['env?'],
      extraPrometheusLabels: { region: 'eu;west', formula: 'a=b' },
      relabelConfigurations: [
        { target: 'job', template: '{{cluster}}-{{service}}' },
        { target: '_tmp', template: 'x' },
      ],
      cacheTtlSeconds: 0,
      cacheTopLevelResources: false,
      staleIfErrorSeconds: 900,
      awsMaxConcurrency: 16,
      metricsPathPortTagPrefix: 'PROM_',
    };

    // Act
    const environment = discoveryEnvironment(props);

    // Assess
    expect(environment).toEqual({
      DiscoveryOptions__EcsClusters: 'prod;arn:aws:ecs:eu-west-1:123456789012:cluster/staging',
      DiscoveryOptions__CloudMapNamespaces: 'app.local;ns-abc',
      DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS=true;team=*',
      DiscoveryOptions__CloudMapServiceSelectorTags: 'scrape=yes',
      DiscoveryOptions__EcsTaskTags: 'app.kubernetes.io/*;odd%;key',
      DiscoveryOptions__EcsServiceTags: '*',
      DiscoveryOptions__CloudMapServiceTags: '',
      DiscoveryOptions__CloudMapNamespaceTags: 'env?',
      DiscoveryOptions__ExtraPrometheusLabels: 'region=eu%;west;formula=a%=b',
      DiscoveryOptions__RelabelConfigurations: 'job={{cluster}}-{{service}};_tmp=x',
      DiscoveryOptions__CacheTtlSeconds: '0',
      DiscoveryOptions__CacheTopLevelResources: 'false',
      DiscoveryOptions__StaleIfErrorSeconds: '900',
      DiscoveryOptions__AwsMaxConcurrency: '16',
      DiscoveryOptions__MetricsPathPortTagPrefix: 'PROM_',
    });
  });
});

describe('validateDiscoveryOptions', () => {
  it('accepts clusters given by name and by ARN', () => {
    // Act
    const problems = validateDiscoveryOptions({
      ecsClusters: ['prod', 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/x_y-1'],
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('reports every problem at once, each naming its prop', () => {
    // Prepare
    const props: DiscoveryOptionsProps = {
      ecsClusters: ['bad name', 'arn:aws:ecs:eu-west-1:123:cluster/short-account'],
      cloudMapNamespaces: [' '],
      ecsTaskTags: [''],
      ecsServiceSelectorTags: { '': 'x' },
      extraPrometheusLabels: { 'a=b': 'c' },
      relabelConfigurations: [{ target: ' ', template: '{{x}}' }],
      cacheTtlSeconds: 70000,
      staleIfErrorSeconds: 1.5,
      awsMaxConcurrency: 0,
      metricsPathPortTagPrefix: 'M_',
    };

    // Act
    const problems = validateDiscoveryOptions(props);

    // Assess
    expect(problems).toEqual([
      'ecsClusters: "bad name" is not a cluster name (letters, digits, "-", "_") or cluster ARN',
      'ecsClusters: "arn:aws:ecs:eu-west-1:123:cluster/short-account" is not a cluster name (letters, digits, "-", "_") or cluster ARN',
      'cloudMapNamespaces: an entry is empty; remove it or give a value',
      'ecsTaskTags: an entry is empty; remove it or give a value',
      'ecsServiceSelectorTags: a key is empty; expected a non-empty name',
      'extraPrometheusLabels: key "a=b" contains "="; keys cannot carry "="',
      'relabelConfigurations: a key is empty; expected a non-empty name',
      'cacheTtlSeconds: 70000 is not an integer from 0 to 65535',
      'staleIfErrorSeconds: 1.5 is not a whole number of seconds',
      'awsMaxConcurrency: 0 is not an integer from 1 to 64',
      'metricsPathPortTagPrefix: "M_" must be a letter, then letters, digits, "_" or "-", ending with "_" (e.g. METRICS_)',
    ]);
  });

  it('requires a cluster or a namespace', () => {
    // Act
    const problems = validateDiscoveryOptions({ ecsClusters: [], cloudMapNamespaces: [] });

    // Assess
    expect(problems).toEqual([
      'ecsClusters, cloudMapNamespaces: at least one cluster or namespace is required',
    ]);
  });
});
