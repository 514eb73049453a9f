/**
 * The typed, frozen discovery configuration. Parsed once from `DiscoveryOptions__*`
 * environment variables by `loadConfig` (see `load.ts`); everything downstream reads only this.
 */

/** A `key=value` entry of a `;` list (selectors, extra labels, relabel configurations). */
export type KeyValue = {
  readonly key: string;
  /** `null` when the entry had no `=` at all (docs/decisions.md "Key=value entries"). */
  readonly value: string | null;
};

/** Which ECS / Cloud Map resources the discovery reads, derived from the two lists. */
export const DiscoveryMode = {
  Clusters: 'clusters',
  Namespaces: 'namespaces',
  Both: 'both',
} as const;
export type DiscoveryMode = (typeof DiscoveryMode)[keyof typeof DiscoveryMode];

/** Which addresses a task is scraped at (`IpAddressFamily`). */
export const IpAddressFamily = { Ipv4: 'ipv4', Ipv6: 'ipv6', Dual: 'dual' } as const;
export type IpAddressFamily = (typeof IpAddressFamily)[keyof typeof IpAddressFamily];

export type DiscoveryConfig = {
  /** `EcsClusters`: cluster names or ARNs, de-duplicated in the order given. */
  readonly ecsClusters: readonly string[];
  /** `EcsServiceSelectorTags`: an ECS service must carry all of these. Empty = all services. */
  readonly ecsServiceSelectorTags: readonly KeyValue[];
  /** `CloudMapNamespaces`: namespace names or ids (`ns-…`). */
  readonly cloudMapNamespaces: readonly string[];
  /** `CloudMapServiceSelectorTags`: a Cloud Map service must carry all of these to enrich targets. */
  readonly cloudMapServiceSelectorTags: readonly KeyValue[];
  /**
   * Tag-key globs per resource kind, as written, with `<MetricsPathPortTagPrefix>*` appended
   * (docs/decisions.md "Tag-key globs"). Anchored and case-sensitive; `*` any run, `?` one character.
   */
  readonly ecsTaskTags: readonly string[];
  readonly ecsServiceTags: readonly string[];
  readonly cloudMapServiceTags: readonly string[];
  readonly cloudMapNamespaceTags: readonly string[];
  /** `ExtraPrometheusLabels`: static labels of lowest precedence; blank values are dropped. */
  readonly extraPrometheusLabels: readonly KeyValue[];
  /** `CacheTtlSeconds`: lifetime of a discovery result; 0 = no cache. @default 60 */
  readonly cacheTtlSeconds: number;
  /** `CacheTopLevelResources`: cache cluster and namespace lookups for 10 minutes. @default true */
  readonly cacheTopLevelResources: boolean;
  /** `MetricsPathPortTagPrefix`: prefix of the port/path/name tags. @default 'METRICS_' */
  readonly metricsPathPortTagPrefix: string;
  /** `RelabelConfigurations`: `target=pattern` entries, applied in order. */
  readonly relabelConfigurations: readonly KeyValue[];
  /** `StaleIfErrorSeconds`: how long the last good result may be served when AWS fails. @default 600 */
  readonly staleIfErrorSeconds: number;
  /** `AwsMaxConcurrency`: AWS calls in flight at once per refresh. @default 8 */
  readonly awsMaxConcurrency: number;
  /** `AwsRateShare`: share of each AWS throttling bucket the pacer lets discovery use, (0, 1]. @default 0.5 */
  readonly awsRateShare: number;
  /**
   * `BearerToken`: the token callers must present. Never logged. Exclusive with `bearerTokenSecret`.
   */
  readonly bearerToken: string | undefined;
  /**
   * `BearerTokenSecret`: where to read the token once at cold start: a Secrets Manager secret name
   * or ARN, or an SSM SecureString parameter given as `ssm:<name>` or as an SSM parameter ARN.
   */
  readonly bearerTokenSecret: string | undefined;
  /**
   * `SnapshotBucket`: S3 bucket of the fleet snapshot. Unset = embedded mode (each process runs
   * discovery itself). Set = the refresher writes the snapshot and the endpoint only reads it.
   */
  readonly snapshotBucket: string | undefined;
  /** `SnapshotKey`: object key of the snapshot. @default 'prometheus-targets.json' */
  readonly snapshotKey: string;
  /**
   * `IpAddressFamily`: `ipv4` (an IPv6-only task falls back to its IPv6), `ipv6` (IPv6 only) or
   * `dual` (one target per address the task has). @default 'ipv4'
   */
  readonly ipAddressFamily: IpAddressFamily;
  /** `Ec2HostAddresses`: read container instances and EC2 for bridge/host task addresses. @default true */
  readonly ec2HostAddresses: boolean;
  /** `EcsIncludeStandaloneTasks`: also emit running tasks of no service. @default false */
  readonly ecsIncludeStandaloneTasks: boolean;
  /** `CloudMapInstanceTargets`: also emit Cloud Map instances that are not ECS tasks. @default false */
  readonly cloudMapInstanceTargets: boolean;
  /** `CloudMapHealthyOnly`: of those, keep only instances not reported unhealthy. @default false */
  readonly cloudMapHealthyOnly: boolean;
  /** `AssumeRoleArns`: IAM roles whose accounts are read too, de-duplicated in the order given. */
  readonly assumeRoleArns: readonly string[];
  /** `IncludeOwnAccount`: read the function's own account besides the roles' accounts. @default true */
  readonly includeOwnAccount: boolean;
  /** `AssumeRoleExternalId`: ExternalId sent with every AssumeRole. @default undefined (none) */
  readonly assumeRoleExternalId: string | undefined;
  /** `Regions`: Regions read in every account. Empty = the function's own Region. @default [] */
  readonly regions: readonly string[];
  /** Derived from which of `ecsClusters` / `cloudMapNamespaces` are non-empty. */
  readonly mode: DiscoveryMode;
  /** `MetaLabels`: `full` adds Prometheus' own `aws_sd_configs` role `ecs` names; `compact` keeps the original's set. @default 'full' */
  readonly metaLabels: MetaLabels;
  /** `DockerLabels`: which task-definition docker-label convention makes targets, besides tags. @default 'none' */
  readonly dockerLabels: DockerLabelConvention;
  /** `DockerLabelPort`: docker label giving the container port; `undefined` = the convention's name. */
  readonly dockerLabelPort: string | undefined;
  /** `DockerLabelPath`: docker label giving the metrics path; `undefined` = the convention's name. */
  readonly dockerLabelPath: string | undefined;
  /** `DockerLabelScheme`: docker label giving the scheme; `undefined` = the convention's name. */
  readonly dockerLabelScheme: string | undefined;
  /** `DockerLabelJob`: docker label giving the job; `undefined` = the convention's name. */
  readonly dockerLabelJob: string | undefined;
};

/** How many metadata labels a target carries (docs/decisions.md "Portable labels (issue 15)"). */
export const MetaLabels = { Full: 'full', Compact: 'compact' } as const;
export type MetaLabels = (typeof MetaLabels)[keyof typeof MetaLabels];

/** Task-definition docker-label conventions (docs/decisions.md "Portable labels (issue 15)"). */
export const DockerLabelConvention = {
  None: 'none',
  Teralytics: 'teralytics',
  EcsObserver: 'ecs-observer',
} as const;
export type DockerLabelConvention = (typeof DockerLabelConvention)[keyof typeof DockerLabelConvention];
