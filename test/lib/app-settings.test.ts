import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME, readAppSettings, unknownSettingKeys } from '../../lib/app-settings.ts';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('readAppSettings', () => {
  it('reads -c style strings: ";" lists with %; escapes, key=value pairs with %= escapes', () => {
    // Prepare
    const context = contextOf({
      ecsClusters: 'prod; staging ;;',
      cloudMapNamespaces: 'app.local',
      ecsServiceSelectorTags: 'PROMETHEUS=true;team=*',
      extraPrometheusLabels: 'formula=a%=b;list=x%;y',
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

    // Assess
    expect(settings.stackName).toBe(DEFAULT_STACK_NAME);
    expect(settings.discovery.ecsClusters).toEqual(['prod', 'staging']);
    expect(settings.discovery.cloudMapNamespaces).toEqual(['app.local']);
    expect(settings.discovery.ecsServiceSelectorTags).toEqual({ PROMETHEUS: 'true', team: '*' });
    expect(settings.discovery.extraPrometheusLabels).toEqual({ formula: 'a=b', list: 'x;y' });
    expect(settings.discovery.relabelConfigurations).toEqual([
      { target: 'job', template: '{{cluster}}-{{service}}' },
      { target: '_tmp', template: 'x' },
    ]);
    expect(settings.discovery.ecsTaskTags).toEqual([]);
    expect(settings.discovery.cacheTtlSeconds).toBe(0);
    expect(settings.discovery.cacheTopLevelResources).toBe(false);
    expect(settings.discovery.ec2HostAddresses).toBe(false);
    expect(settings.discovery.accessMode).toBe('http-api-token');
    expect(settings.discovery.architecture).toBe(Architecture.X86_64);
    expect(settings.discovery.timeout?.toSeconds()).toBe(20);
    expect(settings.discovery.logRetention).toBe(14);
    expect(settings.discovery.memorySize).toBe(1024);
  });

  it('reads cdk.json style JSON values: arrays, objects, numbers and booleans', () => {
    // Prepare
    const context = contextOf({
      stackName: 'Sd-Prod',
      ecsClusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging'],
      cloudMapServiceSelectorTags: { scrape: 'yes' },
      awsMaxConcurrency: 4,
      allowUnauthenticated: true,
      responseStreaming: false,
    });

    // Act
    const settings = readAppSettings(context);

    // Assess
    expect(settings.stackName).toBe('Sd-Prod');
    expect(settings.discovery.ecsClusters).toEqual([
      'prod',
      'arn:aws:ecs:eu-west-1:123456789012:cluster/staging',
    ]);
    expect(settings.discovery.cloudMapServiceSelectorTags).toEqual({ scrape: 'yes' });
    expect(settings.discovery.awsMaxConcurrency).toBe(4);
    expect(settings.discovery.allowUnauthenticated).toBe(true);
    expect(settings.discovery.responseStreaming).toBe(false);
  });

  it('rejects every invalid setting at once, naming each context key', () => {
    // Prepare
    const context = contextOf({
      stackName: '9lives',
      ecsClusters: 42,
      ecsServiceSelectorTags: 'team',
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
        'Invalid CDK context:',
        "- context 'logRetentionDays': 2 is not valid; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999",
        '- context \'architecture\': "arm" is not valid; expected one of arm64, x86_64',
        '- context \'ecsClusters\': 42 is not valid; expected a ";"-separated string or a JSON array of strings',
        '- context \'ecsServiceSelectorTags\': "team" is not valid; expected key=value entries separated by ";" (no "=" in ["team"])',
        '- context \'cacheTtlSeconds\': "soon" is not valid; expected an integer from 0 to 65535',
        '- context \'cacheTopLevelResources\': "yes" is not valid; expected true or false',
        "- context 'awsMaxConcurrency': 65 is not valid; expected an integer from 1 to 64",
        '- context \'accessMode\': "public" is not valid; expected one of function-url-token, function-url-iam, http-api-token',
        '- context \'stackName\': "9lives" is not valid; expected a letter, then letters, digits or "-"',
      ].join('\n'),
    );
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
