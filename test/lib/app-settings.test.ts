import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import {
  DEFAULT_STACK_NAME,
  InvalidContextError,
  readAppSettings,
  unknownSettingKeys,
} from '../../lib/app-settings.ts';
import { discoveryEnvironment } from '../../lib/discovery-options.ts';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('readAppSettings', () => {
  it('hands -c strings to the function environment verbatim, for its own parser', () => {
    // Prepare
    const context = contextOf({
      ecsClusters: 'prod; staging ;;',
      cloudMapNamespaces: 'app.local',
      ecsServiceSelectorTags: 'PROMETHEUS=true;team=*',
      extraPrometheusLabels: 'formula=a=b;escaped=c%=d;list=x%;y',
      relabelConfigurations: 'job={{cluster}}-{{service}};_tmp=x',
      ecsTaskTags: '',
      cacheTtlSeconds: '0',
      cacheTopLevelResources: 'false',
      ec2HostAddresses: 'false',
      accessMode: 'http-api-token',
      architecture: 'x86_64',
      timeoutSeconds: '20',
      logRetentionDays: '14',
      memorySize: '1024',
    });

    // Act
    const settings = readAppSettings(context);
    const config = loadConfig(discoveryEnvironment({}, settings.discovery.optionText));

    // Assess
    expect(settings.stackName).toBe(DEFAULT_STACK_NAME);
    expect(settings.discovery.optionText).toEqual({
      ecsClusters: 'prod; staging ;;',
      cloudMapNamespaces: 'app.local',
      ecsServiceSelectorTags: 'PROMETHEUS=true;team=*',
      extraPrometheusLabels: 'formula=a=b;escaped=c%=d;list=x%;y',
      relabelConfigurations: 'job={{cluster}}-{{service}};_tmp=x',
      ecsTaskTags: '',
      cacheTtlSeconds: '0',
      cacheTopLevelResources: 'false',
      ec2HostAddresses: 'false',
    });
    expect(config.ecsClusters).toEqual(['prod', 'staging']);
    // The one `=` rule: the value is everything after the first unescaped `=`.
    expect(config.extraPrometheusLabels).toEqual([
      { key: 'formula', value: 'a=b' },
      { key: 'escaped', value: 'c=d' },
      { key: 'list', value: 'x;y' },
    ]);
    expect(config.ec2HostAddresses).toBe(false);
    expect(settings.discovery.accessMode).toBe('http-api-token');
    expect(settings.discovery.architecture).toBe(Architecture.X86_64);
    expect(settings.discovery.timeout?.toSeconds()).toBe(20);
    expect(settings.discovery.logRetention).toBe(14);
    expect(settings.discovery.memorySize).toBe(1024);
  });

  it('writes cdk.json JSON values (arrays, objects, numbers, booleans) in the handler format', () => {
    // Prepare
    const context = contextOf({
      stackName: 'Sd-Prod',
      ecsClusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging'],
      cloudMapServiceSelectorTags: { scrape: 'yes', formula: 'a=b' },
      ecsTaskTags: ['odd;key'],
      awsMaxConcurrency: 4,
      cacheTopLevelResources: false,
      allowUnauthenticated: true,
      responseStreaming: false,
    });

    // Act
    const settings = readAppSettings(context);

    // Assess
    expect(settings.stackName).toBe('Sd-Prod');
    expect(settings.discovery.optionText).toEqual({
      ecsClusters: 'prod;arn:aws:ecs:eu-west-1:123456789012:cluster/staging',
      cloudMapServiceSelectorTags: 'scrape=yes;formula=a%=b',
      ecsTaskTags: 'odd%;key',
      awsMaxConcurrency: '4',
      cacheTopLevelResources: 'false',
    });
    expect(settings.discovery.allowUnauthenticated).toBe(true);
    expect(settings.discovery.responseStreaming).toBe(false);
  });

  it('rejects every invalid setting at once, discovery options in the function own words', () => {
    // Prepare
    const context = contextOf({
      stackName: '9lives',
      ecsClusters: 42,
      cloudMapNamespaces: { not: 7 },
      metricsPathPortTagPrefix: 'M_',
      extraPrometheusLabels: '=x',
      cacheTtlSeconds: 'soon',
      cacheTopLevelResources: 'yes',
      accessMode: 'public',
      architecture: 'arm',
      logRetentionDays: 2,
      awsMaxConcurrency: 65,
    });

    // Act
    const read = () => readAppSettings(context);

    // Assess
    expect(read).toThrow(
      [
        'Invalid CDK context (10 problems):',
        '- context \'cloudMapNamespaces\': {"not":7} is not valid; expected a string, a number, true or false, a JSON array of strings or a JSON object of string values',
        '- context \'extraPrometheusLabels\': DiscoveryOptions__ExtraPrometheusLabels="=x" is invalid: entry "=x" has an empty name; expected name=value with a non-empty name',
        '- context \'cacheTtlSeconds\': DiscoveryOptions__CacheTtlSeconds="soon" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
        '- context \'cacheTopLevelResources\': DiscoveryOptions__CacheTopLevelResources="yes" is invalid: expected true or false',
        '- context \'metricsPathPortTagPrefix\': DiscoveryOptions__MetricsPathPortTagPrefix="M_" is invalid: expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
        '- context \'awsMaxConcurrency\': DiscoveryOptions__AwsMaxConcurrency="65" is invalid: expected an integer from 1 to 64',
        "- context 'logRetentionDays': 2 is not valid; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999",
        '- context \'architecture\': "arm" is not valid; expected one of arm64, x86_64',
        '- context \'accessMode\': "public" is not valid; expected one of function-url-token, function-url-iam, http-api-token, private-api',
        '- context \'stackName\': "9lives" is not valid; expected a letter, then letters, digits or "-"',
      ].join('\n'),
    );
  });

  it('says what to pass when neither clusters nor namespaces are given, on one line', () => {
    // Act
    const read = () => readAppSettings(contextOf({}));

    // Assess
    expect(read).toThrow(
      new InvalidContextError([
        "context 'ecsClusters' and 'cloudMapNamespaces' are both unset; pass -c 'ecsClusters=<names>', -c 'cloudMapNamespaces=<names>' or both (the intersection)",
      ]),
    );
    expect(read).toThrow(
      /^Invalid CDK context: context 'ecsClusters' and 'cloudMapNamespaces' are both unset;[^\n]+$/,
    );
  });

  it('keeps the mode to what was given: namespaces alone stay namespaces mode', () => {
    // Act
    const settings = readAppSettings(contextOf({ cloudMapNamespaces: 'app.local' }));
    const config = loadConfig(discoveryEnvironment({}, settings.discovery.optionText));

    // Assess
    expect(config.mode).toBe('namespaces');
    expect(config.ecsClusters).toEqual([]);
  });
});

describe('unknownSettingKeys', () => {
  it('flags camelCase keys that are not settings and ignores CDK keys', () => {
    // Act
    const unknown = unknownSettingKeys([
      'ecsCluster',
      'ecsClusters',
      '@aws-cdk/core:newStyleStackSynthesis',
      'aws:cdk:enable-path-metadata',
      'accessmode',
    ]);

    // Assess
    expect(unknown).toEqual(['ecsCluster', 'accessmode']);
  });
});
