import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../lambda/config/errors.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import {
  checkDiscoveryEnvironment,
  type DiscoveryOptionsProps,
  discoveryEnvironment,
  escapeKeyValue,
  escapeListEntry,
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
    ['a=b', 'c', 'a%=b=c'],
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

describe('checkDiscoveryEnvironment', () => {
  it('hands typed props to the handler parser and gets them back unchanged', () => {
    // Prepare
    const environment = discoveryEnvironment({
      ecsClusters: ['prod', 'odd;name'],
      extraPrometheusLabels: { formula: 'a=b', 'key=with': 'x;y' },
      relabelConfigurations: [{ target: 'job', template: '{{_sys_ecs_cluster}}' }],
    });

    // Act
    const checked = checkDiscoveryEnvironment(environment);

    // Assess
    expect(checked.ok && checked.config.ecsClusters).toEqual(['prod', 'odd;name']);
    expect(checked.ok && checked.config.extraPrometheusLabels).toEqual([
      { key: 'formula', value: 'a=b' },
      { key: 'key=with', value: 'x;y' },
    ]);
    expect(checked.ok && checked.config.relabelConfigurations).toEqual([
      { key: 'job', value: '{{_sys_ecs_cluster}}' },
    ]);
  });

  it.each([
    ['the Lambda environment', { DiscoveryOptions__ExtraPrometheusLabels: 'formula=a=b;eq=x%=y' }],
    ['typed construct props', discoveryEnvironment({ extraPrometheusLabels: { formula: 'a=b', eq: 'x=y' } })],
  ])('reads a value with "=" in it whole through %s (one rule for both doors)', (_door, environment) => {
    // Act
    const checked = checkDiscoveryEnvironment({ DiscoveryOptions__EcsClusters: 'prod', ...environment });

    // Assess
    expect(checked.ok && checked.config.extraPrometheusLabels).toEqual([
      { key: 'formula', value: 'a=b' },
      { key: 'eq', value: 'x=y' },
    ]);
  });

  it.each([
    ['a bad port-tag prefix', 'MetricsPathPortTagPrefix', 'M_', 'metricsPathPortTagPrefix'],
    ['a TTL out of range', 'CacheTtlSeconds', '70000', 'cacheTtlSeconds'],
    ['a TTL that is no number', 'CacheTtlSeconds', 'soon', 'cacheTtlSeconds'],
    ['an empty label name', 'ExtraPrometheusLabels', 'env=prod;=x', 'extraPrometheusLabels'],
    ['an empty relabel target', 'RelabelConfigurations', ' ={{x}}', 'relabelConfigurations'],
    ['a concurrency of 0', 'AwsMaxConcurrency', '0', 'awsMaxConcurrency'],
  ])('rejects %s with the very message the function gives', (_case, name, value, key) => {
    // Prepare
    const environment = { DiscoveryOptions__EcsClusters: 'prod', [`DiscoveryOptions__${name}`]: value };
    const functionMessages = (() => {
      try {
        loadConfig(environment);
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((problem) => problem.message);
      }
    })();

    // Act
    const checked = checkDiscoveryEnvironment(environment);

    // Assess
    expect(functionMessages).toHaveLength(1);
    expect(checked).toEqual({ ok: false, problems: [{ key, message: functionMessages[0] }] });
  });

  it('requires a cluster or a namespace, as the function does', () => {
    // Act
    const checked = checkDiscoveryEnvironment(
      discoveryEnvironment({ ecsClusters: [], cloudMapNamespaces: [] }),
    );

    // Assess
    expect(checked).toEqual({
      ok: false,
      problems: [
        {
          key: 'ecsClusters',
          message:
            'DiscoveryOptions__EcsClusters="" and DiscoveryOptions__CloudMapNamespaces="" name nothing: expected at least one ECS cluster or Cloud Map namespace',
        },
      ],
    });
  });
});
