import { describe, expect, it } from 'vitest';
import { describeOptions, optionsMarkdown } from '../../lambda/config/describe.ts';

describe('describeOptions', () => {
  it('documents every option with its variable and default, in table order', () => {
    // Act
    const rows = describeOptions().map((row) => [row.variable, row.default]);

    // Assess
    expect(rows).toEqual([
      ['DiscoveryOptions__EcsClusters', ''],
      ['DiscoveryOptions__EcsServiceSelectorTags', ''],
      ['DiscoveryOptions__CloudMapNamespaces', ''],
      ['DiscoveryOptions__CloudMapServiceSelectorTags', ''],
      ['DiscoveryOptions__EcsTaskTags', '*'],
      ['DiscoveryOptions__EcsServiceTags', '*'],
      ['DiscoveryOptions__CloudMapServiceTags', '*'],
      ['DiscoveryOptions__CloudMapNamespaceTags', '*'],
      ['DiscoveryOptions__ExtraPrometheusLabels', ''],
      ['DiscoveryOptions__CacheTtlSeconds', '60'],
      ['DiscoveryOptions__CacheTopLevelResources', 'true'],
      ['DiscoveryOptions__MetricsPathPortTagPrefix', 'METRICS_'],
      ['DiscoveryOptions__RelabelConfigurations', ''],
      ['DiscoveryOptions__StaleIfErrorSeconds', '600'],
      ['DiscoveryOptions__AwsMaxConcurrency', '8'],
      ['DiscoveryOptions__AwsRateShare', '0.5'],
      ['DiscoveryOptions__IpAddressFamily', 'ipv4'],
      ['DiscoveryOptions__Ec2HostAddresses', 'true'],
      ['DiscoveryOptions__EcsIncludeStandaloneTasks', 'false'],
      ['DiscoveryOptions__CloudMapInstanceTargets', 'false'],
      ['DiscoveryOptions__CloudMapHealthyOnly', 'false'],
      ['DiscoveryOptions__BearerToken', ''],
      ['DiscoveryOptions__BearerTokenSecret', ''],
      ['DiscoveryOptions__SnapshotBucket', ''],
      ['DiscoveryOptions__SnapshotKey', 'prometheus-targets.json'],
      ['DiscoveryOptions__AssumeRoleArns', ''],
      ['DiscoveryOptions__IncludeOwnAccount', 'true'],
      ['DiscoveryOptions__AssumeRoleExternalId', ''],
      ['DiscoveryOptions__Regions', ''],
      ['DiscoveryOptions__MetaLabels', 'full'],
      ['DiscoveryOptions__DockerLabels', 'none'],
      ['DiscoveryOptions__DockerLabelPort', ''],
      ['DiscoveryOptions__DockerLabelPath', ''],
      ['DiscoveryOptions__DockerLabelScheme', ''],
      ['DiscoveryOptions__DockerLabelJob', ''],
    ]);
  });

  it('gives every option an example and a meaning', () => {
    // Act
    const incomplete = describeOptions().filter((row) => row.example === '' || row.meaning === '');

    // Assess
    expect(incomplete).toEqual([]);
  });
});

describe('optionsMarkdown', () => {
  it('renders a header and one row per option', () => {
    // Act
    const lines = optionsMarkdown().split('\n');

    // Assess
    expect(lines.slice(0, 2)).toEqual([
      '| variable | default | example | meaning |',
      '| --- | --- | --- | --- |',
    ]);
    expect(lines).toHaveLength(2 + 35);
    expect(lines[11]).toBe(
      '| `DiscoveryOptions__CacheTtlSeconds` | `60` | `30` | Seconds a discovery result is reused, 0..65535. 0 = no cache (every request reads AWS). |',
    );
  });
});
