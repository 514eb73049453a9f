/**
 * The discovery options as typed construct props, and their translation into the
 * `DiscoveryOptions__*` environment variables the handler reads (its only configuration path).
 * Pure functions: no constructs, no tokens, so the escaping and the validation are unit-tested alone.
 */

/** Prefix of every variable the handler reads (the .NET original's environment form). */
export const ENV_PREFIX = 'DiscoveryOptions__';

/** One `RelabelConfigurations` entry: `target` is set from `template` (`{{label}}` tokens). */
export type RelabelConfiguration = {
  /** Label to set. A name starting with `_tmp` is a scratch label, removed at the end. */
  readonly target: string;
  /** Value with `{{label}}` tokens (case-insensitive label names), e.g. `{{_sys_ecs_cluster}}-{{_sys_ecs_service}}`. */
  readonly template: string;
};

/**
 * Mirrors the handler's `DiscoveryOptions__*` options. A prop left undefined sets no variable, so
 * the handler's own default applies (the README's option table lists them).
 */
export type DiscoveryOptionsProps = {
  /**
   * ECS cluster names or ARNs (`EcsClusters`). When given, the ECS permissions are scoped to them.
   * At least one of `ecsClusters` and `cloudMapNamespaces` is required.
   * @default - no clusters
   */
  readonly ecsClusters?: readonly string[];
  /**
   * Cloud Map namespace names or ids (`CloudMapNamespaces`).
   * @default - no namespaces
   */
  readonly cloudMapNamespaces?: readonly string[];
  /**
   * An ECS service is read only if it carries all these tags (`EcsServiceSelectorTags`); value `*`
   * matches any value.
   * @default - every service
   */
  readonly ecsServiceSelectorTags?: Readonly<Record<string, string>>;
  /**
   * A Cloud Map service enriches targets only if it carries all these tags
   * (`CloudMapServiceSelectorTags`); value `*` matches any value.
   * @default - every Cloud Map service
   */
  readonly cloudMapServiceSelectorTags?: Readonly<Record<string, string>>;
  /**
   * Globs of ECS task tag keys that become labels (`EcsTaskTags`).
   * @default ['*'] (the handler's default)
   */
  readonly ecsTaskTags?: readonly string[];
  /**
   * Globs of ECS service tag keys that become labels (`EcsServiceTags`).
   * @default ['*'] (the handler's default)
   */
  readonly ecsServiceTags?: readonly string[];
  /**
   * Globs of Cloud Map service tag keys that become labels (`CloudMapServiceTags`).
   * @default ['*'] (the handler's default)
   */
  readonly cloudMapServiceTags?: readonly string[];
  /**
   * Globs of Cloud Map namespace tag keys that become labels (`CloudMapNamespaceTags`).
   * @default ['*'] (the handler's default)
   */
  readonly cloudMapNamespaceTags?: readonly string[];
  /**
   * Static labels of lowest precedence on every target (`ExtraPrometheusLabels`).
   * @default - none
   */
  readonly extraPrometheusLabels?: Readonly<Record<string, string>>;
  /**
   * Token relabelling, applied in order (`RelabelConfigurations`).
   * @default - none
   */
  readonly relabelConfigurations?: readonly RelabelConfiguration[];
  /**
   * Lifetime of a discovery result in a warm function, in seconds; 0 = no cache (`CacheTtlSeconds`).
   * @default 60 (the handler's default)
   */
  readonly cacheTtlSeconds?: number;
  /**
   * Cache cluster and namespace lookups for 10 minutes (`CacheTopLevelResources`).
   * @default true (the handler's default)
   */
  readonly cacheTopLevelResources?: boolean;
  /**
   * How long, in seconds, the last complete result may be served when AWS fails (`StaleIfErrorSeconds`).
   * @default 600 (the handler's default)
   */
  readonly staleIfErrorSeconds?: number;
  /**
   * AWS calls in flight at once per refresh, 1 to 64 (`AwsMaxConcurrency`).
   * @default 8 (the handler's default)
   */
  readonly awsMaxConcurrency?: number;
  /**
   * Read container instances and EC2 for the host address of `bridge`/`host` tasks
   * (`Ec2HostAddresses`). `false` also leaves `ecs:DescribeContainerInstances` and
   * `ec2:DescribeInstances` out of the role; such tasks are then skipped (`host_address_disabled`).
   * @default true
   */
  readonly ec2HostAddresses?: boolean;
  /**
   * Prefix of the port/path/name tags (`MetricsPathPortTagPrefix`).
   * @default 'METRICS_' (the handler's default)
   */
  readonly metricsPathPortTagPrefix?: string;
  /**
   * Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
};

export const LogLevel = { Debug: 'DEBUG', Info: 'INFO', Warn: 'WARN', Error: 'ERROR' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** `;` separates list entries: a `;` inside an entry is written `%;` (docs/decisions.md "Lists"). */
export const escapeListEntry = (entry: string): string => entry.replaceAll(';', '%;');

/** `=` separates key from value: a `=` inside a value is written `%=` (docs/decisions.md "Key=value entries"). */
export const escapeKeyValue = (key: string, value: string): string =>
  escapeListEntry(`${key}=${value.replaceAll('=', '%=')}`);

export const joinList = (entries: readonly string[]): string => entries.map(escapeListEntry).join(';');

export const joinKeyValues = (entries: readonly (readonly [string, string])[]): string =>
  entries.map(([key, value]) => escapeKeyValue(key, value)).join(';');

// Same rules as the handler's option table (lambda/config/options.ts), checked at synth so a bad
// value fails `cdk synth` instead of every request after deployment.
const PREFIX_PATTERN = /^[A-Za-z][\w-]+_$/;
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

const keyProblems = (prop: string, keys: readonly string[]): string[] =>
  keys.flatMap((key) => {
    if (key.trim() === '') return [`${prop}: a key is empty; expected a non-empty name`];
    if (key.includes('=')) return [`${prop}: key ${JSON.stringify(key)} contains "="; keys cannot carry "="`];
    return [];
  });

const listProblems = (prop: string, entries: readonly string[] | undefined): string[] =>
  (entries ?? [])
    .filter((entry) => entry.trim() === '')
    .map(() => `${prop}: an entry is empty; remove it or give a value`);

/** Every problem with the discovery options, each naming the prop; empty when valid. */
export const validateDiscoveryOptions = (props: DiscoveryOptionsProps): string[] => {
  const problems: string[] = [];
  const clusters = props.ecsClusters ?? [];
  const namespaces = props.cloudMapNamespaces ?? [];
  if (clusters.length === 0 && namespaces.length === 0) {
    problems.push('ecsClusters, cloudMapNamespaces: at least one cluster or namespace is required');
  }
  for (const cluster of clusters) {
    if (!CLUSTER_NAME.test(cluster) && !CLUSTER_ARN.test(cluster)) {
      problems.push(
        `ecsClusters: ${JSON.stringify(cluster)} is not a cluster name (letters, digits, "-", "_") or cluster ARN`,
      );
    }
  }
  problems.push(...listProblems('cloudMapNamespaces', props.cloudMapNamespaces));
  for (const [prop, globs] of [
    ['ecsTaskTags', props.ecsTaskTags],
    ['ecsServiceTags', props.ecsServiceTags],
    ['cloudMapServiceTags', props.cloudMapServiceTags],
    ['cloudMapNamespaceTags', props.cloudMapNamespaceTags],
  ] as const) {
    problems.push(...listProblems(prop, globs));
  }
  problems.push(...keyProblems('ecsServiceSelectorTags', Object.keys(props.ecsServiceSelectorTags ?? {})));
  problems.push(
    ...keyProblems('cloudMapServiceSelectorTags', Object.keys(props.cloudMapServiceSelectorTags ?? {})),
  );
  problems.push(...keyProblems('extraPrometheusLabels', Object.keys(props.extraPrometheusLabels ?? {})));
  problems.push(
    ...keyProblems(
      'relabelConfigurations',
      (props.relabelConfigurations ?? []).map((entry) => entry.target),
    ),
  );
  if (props.cacheTtlSeconds !== undefined && !isIntegerIn(props.cacheTtlSeconds, 0, 65535)) {
    problems.push(`cacheTtlSeconds: ${props.cacheTtlSeconds} is not an integer from 0 to 65535`);
  }
  if (
    props.staleIfErrorSeconds !== undefined &&
    !isIntegerIn(props.staleIfErrorSeconds, 0, Number.MAX_SAFE_INTEGER)
  ) {
    problems.push(`staleIfErrorSeconds: ${props.staleIfErrorSeconds} is not a whole number of seconds`);
  }
  if (props.awsMaxConcurrency !== undefined && !isIntegerIn(props.awsMaxConcurrency, 1, 64)) {
    problems.push(`awsMaxConcurrency: ${props.awsMaxConcurrency} is not an integer from 1 to 64`);
  }
  if (props.metricsPathPortTagPrefix !== undefined && !PREFIX_PATTERN.test(props.metricsPathPortTagPrefix)) {
    problems.push(
      `metricsPathPortTagPrefix: ${JSON.stringify(props.metricsPathPortTagPrefix)} must be a letter, then letters, digits, "_" or "-", ending with "_" (e.g. METRICS_)`,
    );
  }
  return problems;
};

/**
 * The `DiscoveryOptions__*` variables for the given props (only those set), escaped and joined as
 * the handler parses them. Call `validateDiscoveryOptions` first.
 */
export const discoveryEnvironment = (props: DiscoveryOptionsProps): Record<string, string> => {
  const entries: [string, string | undefined][] = [
    ['EcsClusters', props.ecsClusters && joinList(props.ecsClusters)],
    ['CloudMapNamespaces', props.cloudMapNamespaces && joinList(props.cloudMapNamespaces)],
    [
      'EcsServiceSelectorTags',
      props.ecsServiceSelectorTags && joinKeyValues(Object.entries(props.ecsServiceSelectorTags)),
    ],
    [
      'CloudMapServiceSelectorTags',
      props.cloudMapServiceSelectorTags && joinKeyValues(Object.entries(props.cloudMapServiceSelectorTags)),
    ],
    ['EcsTaskTags', props.ecsTaskTags && joinList(props.ecsTaskTags)],
    ['EcsServiceTags', props.ecsServiceTags && joinList(props.ecsServiceTags)],
    ['CloudMapServiceTags', props.cloudMapServiceTags && joinList(props.cloudMapServiceTags)],
    ['CloudMapNamespaceTags', props.cloudMapNamespaceTags && joinList(props.cloudMapNamespaceTags)],
    [
      'ExtraPrometheusLabels',
      props.extraPrometheusLabels && joinKeyValues(Object.entries(props.extraPrometheusLabels)),
    ],
    [
      'RelabelConfigurations',
      props.relabelConfigurations &&
        joinKeyValues(props.relabelConfigurations.map((entry) => [entry.target, entry.template])),
    ],
    ['CacheTtlSeconds', props.cacheTtlSeconds?.toString()],
    ['CacheTopLevelResources', props.cacheTopLevelResources?.toString()],
    ['StaleIfErrorSeconds', props.staleIfErrorSeconds?.toString()],
    ['AwsMaxConcurrency', props.awsMaxConcurrency?.toString()],
    ['MetricsPathPortTagPrefix', props.metricsPathPortTagPrefix],
    ['Ec2HostAddresses', props.ec2HostAddresses?.toString()],
  ];
  return Object.fromEntries(
    entries
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => [`${ENV_PREFIX}${name}`, value]),
  );
};
