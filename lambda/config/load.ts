/**
 * Reads and validates the `DiscoveryOptions__*` environment once (cold start / server start) into
 * the frozen `DiscoveryConfig`. Every problem is collected and thrown together as a `ConfigError`.
 */
import { ConfigError, type ConfigProblem, REDACTED, showValue } from './errors.ts';
import { unique } from './lists.ts';
import { ENV_PREFIX, OPTIONS, type OptionSpec, type ParsedOptions } from './options.ts';
import { sourceProblems } from './sources.ts';
import { type DiscoveryConfig, DiscoveryMode } from './types.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variable of an option, e.g. `DiscoveryOptions__EcsClusters`. */
export const variableOf = (spec: OptionSpec<unknown>): string => `${ENV_PREFIX}${spec.name}`;

/**
 * The value of a variable. The exact name wins; otherwise any case-insensitive spelling, because
 * .NET configuration keys (the original) are case-insensitive and operators' env files may rely on it.
 */
const lookup = (env: Environment, variable: string): string | undefined => {
  const exact = env[variable];
  if (exact !== undefined) return exact;
  const wanted = variable.toLowerCase();
  return Object.entries(env).find(
    ([name, value]) => name.toLowerCase() === wanted && value !== undefined,
  )?.[1];
};

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

const modeOf = (clusters: readonly string[], namespaces: readonly string[]): DiscoveryMode => {
  if (clusters.length > 0 && namespaces.length > 0) return DiscoveryMode.Both;
  return clusters.length > 0 ? DiscoveryMode.Clusters : DiscoveryMode.Namespaces;
};

/**
 * Parses and validates the discovery options.
 *
 * - Absent variables take their default; a blank scalar (number, boolean, prefix, token) also does,
 *   while a blank list is an explicitly empty list (`EcsTaskTags=` keeps only the metrics tags).
 * - The four tag filters get `<MetricsPathPortTagPrefix>*` appended (docs/decisions.md "Tag-key globs").
 * - `mode` follows from which of the parsed cluster / namespace lists is non-empty.
 *
 * @throws ConfigError listing every problem, each naming the variable, its value and what is
 *   expected (the bearer token's value is shown as `<redacted>`).
 */
export const loadConfig = (env: Environment = process.env): DiscoveryConfig => {
  const problems: ConfigProblem[] = [];
  const shown = (spec: OptionSpec<unknown>, value: string | undefined) =>
    spec.secret && value !== undefined ? REDACTED : showValue(value);

  const read = <K extends keyof ParsedOptions>(key: K): ParsedOptions[K] => {
    const spec = OPTIONS[key];
    const variable = variableOf(spec);
    const raw = lookup(env, variable);
    if (raw === undefined || (spec.blankIsUnset && raw.trim() === '')) return spec.default;
    const result = spec.parse(raw);
    if (result.ok) return result.value;
    for (const reason of result.reasons) {
      problems.push({ variable, message: `${variable}=${shown(spec, raw)} is invalid: ${reason}` });
    }
    return spec.default;
  };

  const options: ParsedOptions = {
    ecsClusters: read('ecsClusters'),
    ecsServiceSelectorTags: read('ecsServiceSelectorTags'),
    cloudMapNamespaces: read('cloudMapNamespaces'),
    cloudMapServiceSelectorTags: read('cloudMapServiceSelectorTags'),
    ecsTaskTags: read('ecsTaskTags'),
    ecsServiceTags: read('ecsServiceTags'),
    cloudMapServiceTags: read('cloudMapServiceTags'),
    cloudMapNamespaceTags: read('cloudMapNamespaceTags'),
    extraPrometheusLabels: read('extraPrometheusLabels'),
    cacheTtlSeconds: read('cacheTtlSeconds'),
    cacheTopLevelResources: read('cacheTopLevelResources'),
    metricsPathPortTagPrefix: read('metricsPathPortTagPrefix'),
    relabelConfigurations: read('relabelConfigurations'),
    staleIfErrorSeconds: read('staleIfErrorSeconds'),
    awsMaxConcurrency: read('awsMaxConcurrency'),
    awsRateShare: read('awsRateShare'),
    bearerToken: read('bearerToken'),
    bearerTokenSecret: read('bearerTokenSecret'),
    snapshotBucket: read('snapshotBucket'),
    snapshotKey: read('snapshotKey'),
    ipAddressFamily: read('ipAddressFamily'),
    ec2HostAddresses: read('ec2HostAddresses'),
    ecsIncludeStandaloneTasks: read('ecsIncludeStandaloneTasks'),
    cloudMapInstanceTargets: read('cloudMapInstanceTargets'),
    cloudMapHealthyOnly: read('cloudMapHealthyOnly'),
    assumeRoleArns: read('assumeRoleArns'),
    includeOwnAccount: read('includeOwnAccount'),
    assumeRoleExternalId: read('assumeRoleExternalId'),
    regions: read('regions'),
    metaLabels: read('metaLabels'),
    dockerLabels: read('dockerLabels'),
    dockerLabelPort: read('dockerLabelPort'),
    dockerLabelPath: read('dockerLabelPath'),
    dockerLabelScheme: read('dockerLabelScheme'),
    dockerLabelJob: read('dockerLabelJob'),
  };

  // docs/decisions.md "Validation", on the parsed lists: `EcsClusters=";"` names nothing.
  if (options.ecsClusters.length === 0 && options.cloudMapNamespaces.length === 0) {
    const clusters = variableOf(OPTIONS.ecsClusters);
    const namespaces = variableOf(OPTIONS.cloudMapNamespaces);
    problems.push({
      variable: clusters,
      message:
        `${clusters}=${showValue(lookup(env, clusters))} and ${namespaces}=${showValue(lookup(env, namespaces))} ` +
        'name nothing: expected at least one ECS cluster or Cloud Map namespace',
    });
  }

  if (options.bearerToken !== undefined && options.bearerTokenSecret !== undefined) {
    const token = variableOf(OPTIONS.bearerToken);
    const secret = variableOf(OPTIONS.bearerTokenSecret);
    problems.push({
      variable: token,
      message:
        `${token}=${REDACTED} and ${secret}=${showValue(options.bearerTokenSecret)} are both set: ` +
        'expected at most one of them',
    });
  }

  problems.push(...sourceProblems(options, (spec) => showValue(lookup(env, variableOf(spec)))));

  if (problems.length > 0) throw new ConfigError(problems);

  const metricsTags = `${options.metricsPathPortTagPrefix}*`;
  const withMetricsTags = (globs: readonly string[]) => unique([...globs, metricsTags]);
  return deepFreeze({
    ...options,
    ecsTaskTags: withMetricsTags(options.ecsTaskTags),
    ecsServiceTags: withMetricsTags(options.ecsServiceTags),
    cloudMapServiceTags: withMetricsTags(options.cloudMapServiceTags),
    cloudMapNamespaceTags: withMetricsTags(options.cloudMapNamespaceTags),
    mode: modeOf(options.ecsClusters, options.cloudMapNamespaces),
  });
};

/** The config with the bearer token replaced by `<redacted>`: what may be logged. */
export const redactConfig = (config: DiscoveryConfig): DiscoveryConfig =>
  Object.freeze({ ...config, bearerToken: config.bearerToken === undefined ? undefined : REDACTED });

/** The warning every door (Lambda, local server, CLI) gives for `unknownOptionVariables`. */
export const UNKNOWN_VARIABLES_WARNING = 'unknown DiscoveryOptions variables ignored';

/**
 * `DiscoveryOptions__*` variables (any case) that name no option, e.g. a typo such as
 * `DiscoveryOptions__EcsCluster`. The original ignores them silently; callers should log a warning.
 */
export const unknownOptionVariables = (env: Environment): string[] => {
  const known = new Set(Object.values(OPTIONS).map((spec) => variableOf(spec).toLowerCase()));
  const prefix = ENV_PREFIX.toLowerCase();
  return Object.keys(env)
    .filter((name) => name.toLowerCase().startsWith(prefix) && !known.has(name.toLowerCase()))
    .sort();
};
