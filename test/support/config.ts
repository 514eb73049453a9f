/**
 * The one test configuration: every option at its effective default (the `*` tag filters with the
 * implicit `METRICS_*`), clusters mode on cluster `c1`. Tests override what they are about.
 *
 * A literal on purpose, not `loadConfig(...)`: the fixture must not move when the code under test
 * does. `test/config/load.test.ts` keeps its own literal, because it is the test of these defaults.
 */
import { type DiscoveryConfig, DiscoveryMode } from '../../lambda/config/types.ts';

export const testConfig = (overrides: Partial<DiscoveryConfig> = {}): DiscoveryConfig => ({
  ecsClusters: ['c1'],
  ecsServiceSelectorTags: [],
  ipAddressFamily: 'ipv4',
  ec2HostAddresses: true,
  ecsIncludeStandaloneTasks: false,
  cloudMapInstanceTargets: false,
  cloudMapHealthyOnly: false,
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
  assumeRoleArns: [],
  includeOwnAccount: true,
  assumeRoleExternalId: undefined,
  regions: [],
  mode: DiscoveryMode.Clusters,
  metaLabels: 'full',
  dockerLabels: 'none',
  dockerLabelPort: undefined,
  dockerLabelPath: undefined,
  dockerLabelScheme: undefined,
  dockerLabelJob: undefined,
  ...overrides,
});
