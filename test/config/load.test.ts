import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../lambda/config/errors.ts';
import { compileGlobs } from '../../lambda/config/globs.ts';
import { loadConfig, redactConfig, unknownOptionVariables } from '../../lambda/config/load.ts';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';

/** Builds an environment from option names: `env({ EcsClusters: 'a' })`. */
const env = (options: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(options).map(([name, value]) => [`DiscoveryOptions__${name}`, value]));

/** The problems a failing load reports, as plain messages. */
const problemsOf = (environment: Record<string, string | undefined>): string[] => {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
};

describe('loadConfig defaults', () => {
  it('fills every option with the effective default of the original and ours', () => {
    // Act
    const config = loadConfig(env({ EcsClusters: 'prod' }));

    // Assess
    expect(config).toEqual({
      ecsClusters: ['prod'],
      ecsServiceSelectorTags: [],
      cloudMapNamespaces: [],
      cloudMapServiceSelectorTags: [],
      ecsTaskTags: ['*', 'METRICS_*'],
      ecsServiceTags: ['*', 'METRICS_*'],
      cloudMapServiceTags: ['*', 'METRICS_*'],
      cloudMapNamespaceTags: ['*', 'METRICS_*'],
      extraPrometheusLabels: [],
      cacheTtlSeconds: 60,
      cacheTopLevelResources: true,
      metricsPathPortTagPrefix: 'METRICS_',
      relabelConfigurations: [],
      staleIfErrorSeconds: 600,
      awsMaxConcurrency: 8,
      awsRateShare: 0.5,
      bearerToken: undefined,
      bearerTokenSecret: undefined,
      snapshotBucket: undefined,
      snapshotKey: 'prometheus-targets.json',
      ipAddressFamily: 'ipv4',
      ec2HostAddresses: true,
      ecsIncludeStandaloneTasks: false,
      cloudMapInstanceTargets: false,
      cloudMapHealthyOnly: false,
      assumeRoleArns: [],
      includeOwnAccount: true,
      assumeRoleExternalId: undefined,
      regions: [],
      mode: 'clusters',
      metaLabels: 'full',
      dockerLabels: 'none',
      dockerLabelPort: undefined,
      dockerLabelPath: undefined,
      dockerLabelScheme: undefined,
      dockerLabelJob: undefined,
    } satisfies DiscoveryConfig);
  });

  it('treats blank scalar options as unset', () => {
    // Prepare
    const blank = env({
      EcsClusters: 'prod',
      CacheTtlSeconds: '',
      CacheTopLevelResources: ' ',
      MetricsPathPortTagPrefix: '',
      StaleIfErrorSeconds: '\t',
      AwsMaxConcurrency: '',
    });

    // Act
    const config = loadConfig(blank);

    // Assess
    expect(config).toMatchObject({
      cacheTtlSeconds: 60,
      cacheTopLevelResources: true,
      metricsPathPortTagPrefix: 'METRICS_',
      staleIfErrorSeconds: 600,
      awsMaxConcurrency: 8,
      awsRateShare: 0.5,
      bearerToken: undefined,
      bearerTokenSecret: undefined,
    });
  });

  // A blank token source must not mean "no auth": a templating slip would open the endpoint.
  it.each([
    {
      options: { BearerToken: '   ' },
      message:
        'DiscoveryOptions__BearerToken=<redacted> is invalid: expected a token, not a blank value (unset the variable to run without authentication)',
    },
    {
      options: { BearerToken: '' },
      message:
        'DiscoveryOptions__BearerToken=<redacted> is invalid: expected a token, not a blank value (unset the variable to run without authentication)',
    },
    {
      options: { BearerTokenSecret: ' \t' },
      message:
        'DiscoveryOptions__BearerTokenSecret=" \\t" is invalid: expected a Secrets Manager secret name or ARN, or ssm:<parameter name>, not a blank value (unset the variable to run without authentication)',
    },
    {
      options: { BearerTokenSecret: '' },
      message:
        'DiscoveryOptions__BearerTokenSecret="" is invalid: expected a Secrets Manager secret name or ARN, or ssm:<parameter name>, not a blank value (unset the variable to run without authentication)',
    },
  ])('refuses a present but blank token source: $options', ({ options, message }) => {
    expect(problemsOf(env({ EcsClusters: 'prod', ...options }))).toEqual([message]);
  });

  it('reads process.env when no environment is passed', () => {
    // Prepare
    vi.stubEnv('DiscoveryOptions__EcsClusters', 'from-process-env');

    // Act
    const config = loadConfig();

    // Assess
    expect(config.ecsClusters).toEqual(['from-process-env']);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });
});

describe('loadConfig parsing', () => {
  it('parses every option from literal values', () => {
    // Prepare
    const all = env({
      EcsClusters: 'prod; arn:aws:ecs:eu-west-1:123456789012:cluster/staging ;prod;',
      EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true;team=*',
      CloudMapNamespaces: 'application.prod;ns-abc;application.prod',
      CloudMapServiceSelectorTags: 'scrape=*',
      EcsTaskTags: 'team; app.* ;',
      EcsServiceTags: '',
      CloudMapServiceTags: 'PROM_*;team',
      CloudMapNamespaceTags: 'env?',
      ExtraPrometheusLabels: 'env=dev;eval=a%=%=b;components=a%;b%;;',
      CacheTtlSeconds: ' 30 ',
      CacheTopLevelResources: 'FALSE',
      MetricsPathPortTagPrefix: 'PROM_',
      RelabelConfigurations: 'cs={{_sys_ecs_cluster}}-{{_sys_ecs_service}};x',
      StaleIfErrorSeconds: '0',
      AwsMaxConcurrency: '64',
      BearerTokenSecret: ' ssm:/prometheus/token ',
      MetaLabels: ' Compact ',
      DockerLabels: 'ECS-Observer',
      DockerLabelPort: 'com.example.port',
      DockerLabelPath: ' METRICS_PATH ',
      DockerLabelScheme: 'METRICS_SCHEME',
      DockerLabelJob: 'job',
    });

    // Act
    const config = loadConfig(all);

    // Assess
    expect(config).toEqual({
      ecsClusters: ['prod', 'arn:aws:ecs:eu-west-1:123456789012:cluster/staging'],
      ecsServiceSelectorTags: [
        { key: 'PROMETHEUS_TARGET', value: 'true' },
        { key: 'team', value: '*' },
      ],
      cloudMapNamespaces: ['application.prod', 'ns-abc'],
      cloudMapServiceSelectorTags: [{ key: 'scrape', value: '*' }],
      ecsTaskTags: ['team', 'app.*', 'PROM_*'],
      ecsServiceTags: ['PROM_*'],
      cloudMapServiceTags: ['PROM_*', 'team'],
      cloudMapNamespaceTags: ['env?', 'PROM_*'],
      extraPrometheusLabels: [
        { key: 'env', value: 'dev' },
        { key: 'eval', value: 'a==b' },
        { key: 'components', value: 'a;b;' },
      ],
      cacheTtlSeconds: 30,
      cacheTopLevelResources: false,
      metricsPathPortTagPrefix: 'PROM_',
      relabelConfigurations: [
        { key: 'cs', value: '{{_sys_ecs_cluster}}-{{_sys_ecs_service}}' },
        { key: 'x', value: null },
      ],
      staleIfErrorSeconds: 0,
      awsMaxConcurrency: 64,
      awsRateShare: 0.5,
      bearerToken: undefined,
      bearerTokenSecret: 'ssm:/prometheus/token',
      snapshotBucket: undefined,
      snapshotKey: 'prometheus-targets.json',
      ipAddressFamily: 'ipv4',
      ec2HostAddresses: true,
      ecsIncludeStandaloneTasks: false,
      cloudMapInstanceTargets: false,
      cloudMapHealthyOnly: false,
      assumeRoleArns: [],
      includeOwnAccount: true,
      assumeRoleExternalId: undefined,
      regions: [],
      mode: 'both',
      metaLabels: 'compact',
      dockerLabels: 'ecs-observer',
      dockerLabelPort: 'com.example.port',
      dockerLabelPath: 'METRICS_PATH',
      dockerLabelScheme: 'METRICS_SCHEME',
      dockerLabelJob: 'job',
    } satisfies DiscoveryConfig);
  });

  it.each([
    { case: 'clusters only', options: { EcsClusters: 'prod' }, expected: 'clusters' },
    { case: 'namespaces only', options: { CloudMapNamespaces: 'app.prod' }, expected: 'namespaces' },
    { case: 'both', options: { EcsClusters: 'prod', CloudMapNamespaces: 'app.prod' }, expected: 'both' },
    {
      case: 'a cluster list that parses to nothing does not count',
      options: { EcsClusters: ';', CloudMapNamespaces: 'app.prod' },
      expected: 'namespaces',
    },
    {
      case: 'a namespace list that parses to nothing does not count',
      options: { EcsClusters: 'prod', CloudMapNamespaces: ' ; ' },
      expected: 'clusters',
    },
  ])('derives the mode from the parsed lists: $case', ({ options, expected }) => {
    // Act
    const config = loadConfig(env(options));

    // Assess
    expect(config.mode).toBe(expected);
  });

  it.each([
    { case: 'unset: every tag plus metrics tags', value: undefined, expected: ['*', 'METRICS_*'] },
    { case: 'empty: only metrics tags', value: '', expected: ['METRICS_*'] },
    { case: 'as written, in order', value: 'team;app.*', expected: ['team', 'app.*', 'METRICS_*'] },
    { case: 'the metrics glob is not repeated', value: 'METRICS_*;team', expected: ['METRICS_*', 'team'] },
    { case: 'duplicates are removed', value: 'team;team', expected: ['team', 'METRICS_*'] },
  ])('builds the tag-key filter lists: $case', ({ value, expected }) => {
    // Prepare
    const options = { EcsClusters: 'c', EcsTaskTags: value };

    // Act
    const config = loadConfig(env(options));

    // Assess
    expect(config.ecsTaskTags).toEqual(expected);
  });

  it.each([
    { case: 'a metrics tag passes an empty filter', prefix: undefined, key: 'METRICS_PORT', expected: true },
    { case: 'another tag does not pass an empty filter', prefix: undefined, key: 'team', expected: false },
    { case: 'the implicit glob is case-sensitive', prefix: undefined, key: 'metrics_port', expected: false },
    { case: 'a custom prefix replaces METRICS_', prefix: 'PROM-X_', key: 'PROM-X_PORT', expected: true },
    {
      case: 'METRICS_ is not implied with a custom prefix',
      prefix: 'PROM-X_',
      key: 'METRICS_PORT',
      expected: false,
    },
  ])('always includes the metrics-prefix tags: $case', ({ prefix, key, expected }) => {
    // Prepare
    const options = { EcsClusters: 'c', EcsServiceTags: '', MetricsPathPortTagPrefix: prefix };
    const config = loadConfig(env(options));

    // Act
    const included = compileGlobs(config.ecsServiceTags)(key);

    // Assess
    expect(included).toBe(expected);
  });

  it.each([
    { option: 'CacheTtlSeconds', value: '0', expected: { cacheTtlSeconds: 0 } },
    { option: 'CacheTtlSeconds', value: '65535', expected: { cacheTtlSeconds: 65535 } },
    { option: 'CacheTtlSeconds', value: '007', expected: { cacheTtlSeconds: 7 } },
    { option: 'AwsMaxConcurrency', value: '1', expected: { awsMaxConcurrency: 1 } },
    { option: 'SnapshotBucket', value: ' sd.snapshots-1 ', expected: { snapshotBucket: 'sd.snapshots-1' } },
    { option: 'SnapshotKey', value: 'prod/targets.json', expected: { snapshotKey: 'prod/targets.json' } },
    { option: 'StaleIfErrorSeconds', value: '86400', expected: { staleIfErrorSeconds: 86400 } },
    { option: 'CacheTopLevelResources', value: 'True', expected: { cacheTopLevelResources: true } },
    { option: 'CacheTopLevelResources', value: ' false ', expected: { cacheTopLevelResources: false } },
    { option: 'MetricsPathPortTagPrefix', value: 'Ab_', expected: { metricsPathPortTagPrefix: 'Ab_' } },
    {
      option: 'MetricsPathPortTagPrefix',
      value: 'PROM-X_',
      expected: { metricsPathPortTagPrefix: 'PROM-X_' },
    },
    { option: 'BearerToken', value: ' t0ken ', expected: { bearerToken: 't0ken' } },
  ])('accepts $option=$value', ({ option, value, expected }) => {
    // Act
    const config = loadConfig(env({ EcsClusters: 'c', [option]: value }));

    // Assess
    expect(config).toMatchObject(expected);
  });

  it('finds variables spelt in another case, as .NET configuration did', () => {
    // Act
    const config = loadConfig({
      discoveryoptions__ecsclusters: 'prod',
      DISCOVERYOPTIONS__CACHETTLSECONDS: '5',
    });

    // Assess
    expect([config.ecsClusters, config.cacheTtlSeconds]).toEqual([['prod'], 5]);
  });

  it('prefers the exact spelling over another case', () => {
    // Act
    const config = loadConfig({
      DISCOVERYOPTIONS__ECSCLUSTERS: 'upper',
      DiscoveryOptions__EcsClusters: 'exact',
    });

    // Assess
    expect(config.ecsClusters).toEqual(['exact']);
  });
});

describe('loadConfig validation', () => {
  it.each([
    {
      options: {},
      expected:
        'DiscoveryOptions__EcsClusters=(unset) and DiscoveryOptions__CloudMapNamespaces=(unset) name nothing: expected at least one ECS cluster or Cloud Map namespace',
    },
    {
      options: { EcsClusters: ';' },
      expected:
        'DiscoveryOptions__EcsClusters=";" and DiscoveryOptions__CloudMapNamespaces=(unset) name nothing: expected at least one ECS cluster or Cloud Map namespace',
    },
    {
      options: { EcsClusters: ' ', CloudMapNamespaces: ';;' },
      expected:
        'DiscoveryOptions__EcsClusters=" " and DiscoveryOptions__CloudMapNamespaces=";;" name nothing: expected at least one ECS cluster or Cloud Map namespace',
    },
    {
      options: { EcsClusters: 'c', MetricsPathPortTagPrefix: 'M_' },
      expected:
        'DiscoveryOptions__MetricsPathPortTagPrefix="M_" is invalid: expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
    },
    {
      options: { EcsClusters: 'c', MetricsPathPortTagPrefix: '_X_' },
      expected:
        'DiscoveryOptions__MetricsPathPortTagPrefix="_X_" is invalid: expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
    },
    {
      options: { EcsClusters: 'c', MetricsPathPortTagPrefix: 'METRICS' },
      expected:
        'DiscoveryOptions__MetricsPathPortTagPrefix="METRICS" is invalid: expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
    },
    {
      options: { EcsClusters: 'c', MetricsPathPortTagPrefix: 'MÉTRICS_' },
      expected:
        'DiscoveryOptions__MetricsPathPortTagPrefix="MÉTRICS_" is invalid: expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
    },
    {
      options: { EcsClusters: 'c', CacheTtlSeconds: 'abc' },
      expected:
        'DiscoveryOptions__CacheTtlSeconds="abc" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    },
    {
      options: { EcsClusters: 'c', CacheTtlSeconds: '65536' },
      expected:
        'DiscoveryOptions__CacheTtlSeconds="65536" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    },
    {
      options: { EcsClusters: 'c', CacheTtlSeconds: '-1' },
      expected:
        'DiscoveryOptions__CacheTtlSeconds="-1" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    },
    {
      options: { EcsClusters: 'c', CacheTtlSeconds: '1.5' },
      expected:
        'DiscoveryOptions__CacheTtlSeconds="1.5" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    },
    {
      options: { EcsClusters: 'c', CacheTopLevelResources: 'yes' },
      expected: 'DiscoveryOptions__CacheTopLevelResources="yes" is invalid: expected true or false',
    },
    {
      options: { EcsClusters: 'c', StaleIfErrorSeconds: '1e3' },
      expected:
        'DiscoveryOptions__StaleIfErrorSeconds="1e3" is invalid: expected a whole number of seconds, 0 or more',
    },
    {
      options: { EcsClusters: 'c', AwsMaxConcurrency: '0' },
      expected: 'DiscoveryOptions__AwsMaxConcurrency="0" is invalid: expected an integer from 1 to 64',
    },
    {
      options: { EcsClusters: 'c', SnapshotBucket: 'My_Bucket' },
      expected:
        'DiscoveryOptions__SnapshotBucket="My_Bucket" is invalid: expected an S3 bucket name (3-63 lower-case letters, digits, "." or "-")',
    },
    {
      options: { EcsClusters: 'c', SnapshotKey: '/targets.json' },
      expected:
        'DiscoveryOptions__SnapshotKey="/targets.json" is invalid: expected an S3 object key of at most 1024 bytes, not starting with "/"',
    },
    {
      options: { EcsClusters: 'c', AwsMaxConcurrency: '65' },
      expected: 'DiscoveryOptions__AwsMaxConcurrency="65" is invalid: expected an integer from 1 to 64',
    },
    {
      options: { EcsClusters: 'c', ExtraPrometheusLabels: 'env=dev;=x' },
      expected:
        'DiscoveryOptions__ExtraPrometheusLabels="env=dev;=x" is invalid: entry "=x" has an empty name; expected name=value with a non-empty name',
    },
    {
      options: { EcsClusters: 'c', RelabelConfigurations: ' = {{team}}' },
      expected:
        'DiscoveryOptions__RelabelConfigurations=" = {{team}}" is invalid: entry "= {{team}}" has an empty name; expected name=value with a non-empty name',
    },
    {
      options: { EcsClusters: 'c', BearerToken: 'hunter2', BearerTokenSecret: 'prom-token' },
      expected:
        'DiscoveryOptions__BearerToken=<redacted> and DiscoveryOptions__BearerTokenSecret="prom-token" are both set: expected at most one of them',
    },
  ])('reports $options', ({ options, expected }) => {
    // Act
    const problems = problemsOf(env(options));

    // Assess
    expect(problems).toEqual([expected]);
  });

  it('reports every problem together, in one ConfigError', () => {
    // Prepare
    const bad = env({
      EcsClusters: ';',
      CacheTtlSeconds: 'abc',
      AwsMaxConcurrency: '100',
      ExtraPrometheusLabels: '=a;=b',
    });

    // Act
    let thrown: unknown;
    try {
      loadConfig(bad);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      'DiscoveryOptions__ExtraPrometheusLabels',
      'DiscoveryOptions__ExtraPrometheusLabels',
      'DiscoveryOptions__CacheTtlSeconds',
      'DiscoveryOptions__AwsMaxConcurrency',
      'DiscoveryOptions__EcsClusters',
    ]);
    expect(error.message).toBe(
      [
        'Invalid discovery configuration (5 problems):',
        '- DiscoveryOptions__ExtraPrometheusLabels="=a;=b" is invalid: entry "=a" has an empty name; expected name=value with a non-empty name',
        '- DiscoveryOptions__ExtraPrometheusLabels="=a;=b" is invalid: entry "=b" has an empty name; expected name=value with a non-empty name',
        '- DiscoveryOptions__CacheTtlSeconds="abc" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
        '- DiscoveryOptions__AwsMaxConcurrency="100" is invalid: expected an integer from 1 to 64',
        '- DiscoveryOptions__EcsClusters=";" and DiscoveryOptions__CloudMapNamespaces=(unset) name nothing: expected at least one ECS cluster or Cloud Map namespace',
      ].join('\n'),
    );
  });

  it('says "1 problem" for a single problem', () => {
    // Act
    const act = () => loadConfig(env({}));

    // Assess
    expect(act).toThrow(/^Invalid discovery configuration \(1 problem\):\n- /);
  });

  it('never shows the bearer token, wherever it is reported', () => {
    // Prepare
    const token = 'super-secret-token-4711';
    const bad = env({ BearerToken: token, BearerTokenSecret: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' });

    // Act
    let thrown: unknown;
    try {
      loadConfig(bad);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('DiscoveryOptions__BearerToken=<redacted>');
    expect(`${error.message}${JSON.stringify(error.problems)}${error.stack}`).not.toContain(token);
  });

  it('cuts a very long value in the message', () => {
    // Prepare
    const long = `${'x'.repeat(300)}:`;

    // Act
    const problems = problemsOf(env({ EcsClusters: 'c', CacheTtlSeconds: long }));

    // Assess
    expect(problems).toEqual([
      `DiscoveryOptions__CacheTtlSeconds="${'x'.repeat(200)}…" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)`,
    ]);
  });
});

describe('the loaded config', () => {
  it('is deeply frozen', () => {
    // Prepare
    const config = loadConfig(env({ EcsClusters: 'prod', EcsServiceSelectorTags: 'a=b' }));

    // Act
    const attempts = [
      () => {
        (config as { cacheTtlSeconds: number }).cacheTtlSeconds = 1;
      },
      () => {
        (config.ecsClusters as string[]).push('other');
      },
      () => {
        (config.ecsServiceSelectorTags[0] as { value: string }).value = 'c';
      },
    ];

    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(TypeError);
    expect(config.cacheTtlSeconds).toBe(60);
    expect(config.ecsClusters).toEqual(['prod']);
    expect(config.ecsServiceSelectorTags).toEqual([{ key: 'a', value: 'b' }]);
  });

  it('is redacted for logging without touching the original', () => {
    // Prepare
    const config = loadConfig(env({ EcsClusters: 'prod', BearerToken: 'hunter2' }));

    // Act
    const redacted = redactConfig(config);

    // Assess
    expect(redacted.bearerToken).toBe('<redacted>');
    expect(JSON.stringify(redacted)).not.toContain('hunter2');
    expect(config.bearerToken).toBe('hunter2');
  });

  it('leaves an unset token unset when redacted', () => {
    // Act
    const redacted = redactConfig(loadConfig(env({ EcsClusters: 'prod' })));

    // Assess
    expect(redacted.bearerToken).toBeUndefined();
  });
});

describe('unknownOptionVariables', () => {
  it('lists DiscoveryOptions__ variables that name no option, in any case', () => {
    // Prepare
    const environment = {
      DiscoveryOptions__EcsCluster: 'typo',
      discoveryoptions__cachettlseconds: '5',
      DISCOVERYOPTIONS__FOO: 'x',
      DiscoveryOptions__EcsClusters: 'prod',
      PATH: '/usr/bin',
    };

    // Act
    const unknown = unknownOptionVariables(environment);

    // Assess
    expect(unknown).toEqual(['DISCOVERYOPTIONS__FOO', 'DiscoveryOptions__EcsCluster']);
  });
});
