/**
 * The discovery options as typed construct props, their translation into the `DiscoveryOptions__*`
 * environment variables the handler reads (its only configuration path), and the check of that
 * environment with the handler's own `loadConfig`: `lambda/config` is the one parser of the option
 * contract, so `cdk synth` rejects exactly what the function would reject, with the same message
 * (docs/decisions.md, "One option contract"). Pure functions: no constructs, no tokens.
 */
import { ConfigError } from '../lambda/config/errors.ts';
import { loadConfig, variableOf } from '../lambda/config/load.ts';
import { ENV_PREFIX, OPTIONS } from '../lambda/config/options.ts';
import type { DiscoveryConfig } from '../lambda/config/types.ts';

export { ENV_PREFIX };

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

/** An option of the handler's option table, by its key (`ecsClusters`), which is also its prop name. */
export type OptionKey = keyof typeof OPTIONS;

/**
 * The options a deployment sets. The token options are not among them: the construct points
 * `BearerTokenSecret` at the secret it creates or is given, and never puts a token in the environment.
 */
export const DEPLOYED_OPTION_KEYS = (Object.keys(OPTIONS) as OptionKey[]).filter(
  (key) => key !== 'bearerToken' && key !== 'bearerTokenSecret',
);

/**
 * Option values in the handler's own text format, by option key, e.g. `{ ecsClusters: 'prod;staging' }`:
 * exactly what the `DiscoveryOptions__*` variable will hold. The CDK app passes `-c` values this way.
 */
export type OptionText = Readonly<Partial<Record<OptionKey, string>>>;

/** `;` separates list entries: a `;` inside an entry is written `%;`. */
export const escapeListEntry = (entry: string): string => entry.replaceAll(';', '%;');

/** `=` separates key from value: a `=` inside the key or the value is written `%=`. */
export const escapeKeyValue = (key: string, value: string): string =>
  escapeListEntry(`${key.replaceAll('=', '%=')}=${value.replaceAll('=', '%=')}`);

export const joinList = (entries: readonly string[]): string => entries.map(escapeListEntry).join(';');

export const joinKeyValues = (entries: readonly (readonly [string, string])[]): string =>
  entries.map(([key, value]) => escapeKeyValue(key, value)).join(';');

/** The text of each typed prop that is set, written so that the handler parses it back unchanged. */
export const optionTextOf = (props: DiscoveryOptionsProps): OptionText => {
  const pairs = (record: Readonly<Record<string, string>> | undefined) =>
    record && joinKeyValues(Object.entries(record));
  const list = (entries: readonly string[] | undefined) => entries && joinList(entries);
  const text: Partial<Record<OptionKey, string | undefined>> = {
    ecsClusters: list(props.ecsClusters),
    cloudMapNamespaces: list(props.cloudMapNamespaces),
    ecsServiceSelectorTags: pairs(props.ecsServiceSelectorTags),
    cloudMapServiceSelectorTags: pairs(props.cloudMapServiceSelectorTags),
    ecsTaskTags: list(props.ecsTaskTags),
    ecsServiceTags: list(props.ecsServiceTags),
    cloudMapServiceTags: list(props.cloudMapServiceTags),
    cloudMapNamespaceTags: list(props.cloudMapNamespaceTags),
    extraPrometheusLabels: pairs(props.extraPrometheusLabels),
    relabelConfigurations:
      props.relabelConfigurations &&
      joinKeyValues(props.relabelConfigurations.map((entry) => [entry.target, entry.template])),
    cacheTtlSeconds: props.cacheTtlSeconds?.toString(),
    cacheTopLevelResources: props.cacheTopLevelResources?.toString(),
    staleIfErrorSeconds: props.staleIfErrorSeconds?.toString(),
    awsMaxConcurrency: props.awsMaxConcurrency?.toString(),
    metricsPathPortTagPrefix: props.metricsPathPortTagPrefix,
    ec2HostAddresses: props.ec2HostAddresses?.toString(),
  };
  return Object.fromEntries(Object.entries(text).filter(([, value]) => value !== undefined));
};

/**
 * The `DiscoveryOptions__*` variables for the given props (only those set), escaped and joined as
 * the handler parses them; `text` (already in the handler's format) wins over a typed prop.
 */
export const discoveryEnvironment = (
  props: DiscoveryOptionsProps,
  text: OptionText = {},
): Record<string, string> =>
  Object.fromEntries(
    Object.entries({ ...optionTextOf(props), ...text }).map(([key, value]) => [
      variableOf(OPTIONS[key as OptionKey]),
      value as string,
    ]),
  );

/** One problem of a discovery environment, by the option key it concerns. */
export type OptionProblem = {
  readonly key: OptionKey;
  /** The handler's own message, word for word (it names the variable, its value and what is expected). */
  readonly message: string;
};

const keyOfVariable = (variable: string): OptionKey =>
  (Object.keys(OPTIONS) as OptionKey[]).find((key) => variableOf(OPTIONS[key]) === variable) ?? 'ecsClusters';

/**
 * Validates a discovery environment with the handler's `loadConfig`: the parsed configuration, or
 * every problem with the handler's own message.
 */
export const checkDiscoveryEnvironment = (
  environment: Readonly<Record<string, string>>,
):
  | { readonly ok: true; readonly config: DiscoveryConfig }
  | { readonly ok: false; readonly problems: readonly OptionProblem[] } => {
  try {
    return { ok: true, config: loadConfig(environment) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      ok: false,
      problems: error.problems.map((problem) => ({
        key: keyOfVariable(problem.variable),
        message: problem.message,
      })),
    };
  }
};
