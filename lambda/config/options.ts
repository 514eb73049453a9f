/**
 * The option table: every `DiscoveryOptions__<Name>` variable with its default, parser and doc line.
 * It is the single source for `loadConfig`, for the CDK app (`lib/` checks the function's
 * environment with `loadConfig`) and for the README's option table (`npm run docs:options`).
 * Cross-option rules (a cluster or a namespace, one token source, the prefix appended to the tag
 * filters, the mode) live in `load.ts`.
 */
import { isPrometheusDuration } from './durations.ts';
import { parseKeyValue, parseList, unique } from './lists.ts';
import {
  type DiscoveryConfig,
  DockerLabelConvention,
  IpAddressFamily,
  type KeyValue,
  MetaLabels,
} from './types.ts';

/** Every variable name is `DiscoveryOptions__` + the option name (the .NET original's env form). */
export const ENV_PREFIX = 'DiscoveryOptions__';

/** A parser's verdict: the value, or why the text is not acceptable ("expected …" phrases). */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reasons: readonly string[] };

export type OptionSpec<T> = {
  /** The name after `DiscoveryOptions__`, as the original spells it. */
  readonly name: string;
  /** Used when the variable is absent (or blank, when `blankIsUnset`). */
  readonly default: T;
  /** The default as an operator would write it, for the docs. */
  readonly defaultText: string;
  /** An example value, for the docs. */
  readonly example: string;
  /** One line for the docs. */
  readonly meaning: string;
  /**
   * Whether an empty or whitespace-only value means "use the default". True for scalars. False for
   * lists, where an explicitly empty value is meaningful (`EcsTaskTags=` keeps only metrics tags).
   */
  readonly blankIsUnset: boolean;
  /** Never echo the value (in errors, logs or docs). */
  readonly secret: boolean;
  /** Parses a present (and, for scalars, non-blank) value. */
  readonly parse: (raw: string) => ParseResult<T>;
};

/** What the table yields; `mode` is derived afterwards. */
export type ParsedOptions = Omit<DiscoveryConfig, 'mode'>;

export type OptionTable = { readonly [K in keyof ParsedOptions]: OptionSpec<ParsedOptions[K]> };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (...reasons: string[]): ParseResult<never> => ({ ok: false, reasons });

const names = (raw: string): ParseResult<readonly string[]> => ok(unique(parseList(raw)));
const globs = (raw: string): ParseResult<readonly string[]> => ok(parseList(raw));

// Each reason repeats the variable's whole value, so a value of 20 000 bad entries must not give
// 20 000 reasons: the first few say what is wrong, a count says how often.
const MAX_ENTRY_REASONS = 3;
const entryVerdict = <T>(reasons: readonly string[], value: T): ParseResult<T> => {
  if (reasons.length === 0) return ok(value);
  const shown = reasons.slice(0, MAX_ENTRY_REASONS);
  const more = reasons.length - shown.length;
  return fail(...shown, ...(more > 0 ? [`${more} more invalid entries`] : []));
};

/**
 * Selector entries: `key=value` with a non-empty key. An entry without `=` or with an empty key can
 * never match a tag, which used to select nothing silently (docs/decisions.md, "Hostile input (issue 10)").
 */
const selectors = (raw: string): ParseResult<readonly KeyValue[]> => {
  const entries = parseList(raw);
  const reasons: string[] = [];
  for (const entry of entries) {
    const { key, value } = parseKeyValue(entry);
    const example = key === '' ? 'PROMETHEUS_TARGET' : key;
    const how = `write ${example}=true to require a value or ${example}=* for any value`;
    if (key === '') reasons.push(`entry ${JSON.stringify(entry)} has an empty key; ${how}`);
    else if (value === null) reasons.push(`entry ${JSON.stringify(entry)} has no "="; ${how}`);
  }
  return entryVerdict(reasons, entries.map(parseKeyValue));
};

const isDuration = isPrometheusDuration;

/**
 * The `__*` labels Prometheus reads from a target to shape its scrape, with the values it accepts.
 * Operator configuration may set them (it is trusted), but a typo would silently break or drop every
 * target, so they are checked here (docs/decisions.md, "Hostile input (issue 10)").
 */
const SCRAPE_LABELS: Readonly<
  Record<string, { readonly valid: (value: string) => boolean; readonly expected: string }>
> = {
  __scheme__: { valid: (value) => value === 'http' || value === 'https', expected: 'http or https' },
  __scrape_interval__: { valid: isDuration, expected: 'a Prometheus duration such as 30s or 1m30s' },
  __scrape_timeout__: { valid: isDuration, expected: 'a Prometheus duration such as 10s or 500ms' },
};

// The name Prometheus will see (as the builder sanitises it; only `__` names matter here).
const labelNameOf = (key: string): string => key.replace(/[^A-Za-z0-9_]/gu, '_');
const TOKEN = /\{\{\w+\}\}/;

/** Why a `name=value` entry of a scrape label is invalid, if it is; blank values are ignored later. */
const scrapeLabelProblem = (entry: string, { key, value }: KeyValue, tokens: boolean): string | undefined => {
  const rule = SCRAPE_LABELS[labelNameOf(key)];
  if (rule === undefined || value === null || value.trim() === '') return undefined;
  if (tokens && TOKEN.test(value))
    return `entry ${JSON.stringify(entry)} sets ${labelNameOf(key)} from a label value; expected a literal ${rule.expected}`;
  return rule.valid(value)
    ? undefined
    : `entry ${JSON.stringify(entry)} is invalid; expected ${rule.expected}`;
};

/**
 * `key=value` entries whose key must not be blank (it becomes a label name), and whose Prometheus
 * scrape labels carry valid values. `tokens`: the values are relabel patterns, so a scrape label must
 * be a literal (a token would let a tag value choose the scheme or the interval).
 */
const labelEntries =
  (tokens: boolean) =>
  (raw: string): ParseResult<readonly KeyValue[]> => {
    const entries = parseList(raw);
    const reasons: string[] = [];
    for (const entry of entries) {
      const parsed = parseKeyValue(entry);
      if (parsed.key === '')
        reasons.push(
          `entry ${JSON.stringify(entry)} has an empty name; expected name=value with a non-empty name`,
        );
      const problem = scrapeLabelProblem(entry, parsed, tokens);
      if (problem !== undefined) reasons.push(problem);
    }
    return entryVerdict(reasons, entries.map(parseKeyValue));
  };

const integer =
  (min: number, max: number, expected: string) =>
  (raw: string): ParseResult<number> => {
    const text = raw.trim();
    const value = Number(text);
    return /^\d+$/.test(text) && value >= min && value <= max ? ok(value) : fail(`expected ${expected}`);
  };

/** A decimal fraction in (0, 1], e.g. `0.5` or `1`. */
const share = (raw: string): ParseResult<number> => {
  const text = raw.trim();
  const value = Number(text);
  return /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text) && value > 0 && value <= 1
    ? ok(value)
    : fail('expected a decimal number greater than 0 and at most 1 (e.g. 0.5)');
};

const boolean = (raw: string): ParseResult<boolean> => {
  const text = raw.trim().toLowerCase();
  if (text === 'true') return ok(true);
  if (text === 'false') return ok(false);
  return fail('expected true or false');
};

// docs/decisions.md "Validation": a letter, then one or more word characters or `-`, then `_`. ASCII only,
// because the prefix ends up in label names that Prometheus restricts to [a-zA-Z0-9_].
const PREFIX_PATTERN = /^[A-Za-z][\w-]+_$/;

const prefix = (raw: string): ParseResult<string> => {
  const text = raw.trim();
  return PREFIX_PATTERN.test(text)
    ? ok(text)
    : fail(
        'expected a letter, then letters, digits, "_" or "-", ending with "_" (at least 3 characters, e.g. METRICS_)',
      );
};

/**
 * A token source that is present must say something: a blank value is an error rather than "no
 * auth", so a templating slip (`BearerToken=${UNSET}`) fails closed (docs/decisions.md,
 * "Endpoint hardening (issue 10)"). Unset the variable to run without authentication.
 */
const nonBlank =
  (what: string) =>
  (raw: string): ParseResult<string | undefined> =>
    raw.trim() === ''
      ? fail(`expected ${what}, not a blank value (unset the variable to run without authentication)`)
      : ok(raw.trim());

// S3 general purpose bucket names: 3-63 characters, lower-case letters, digits, `.` and `-`,
// beginning and ending with a letter or digit.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const bucketName = (raw: string): ParseResult<string | undefined> => {
  const name = raw.trim();
  return BUCKET_PATTERN.test(name) && !name.includes('..')
    ? ok(name)
    : fail('expected an S3 bucket name (3-63 lower-case letters, digits, "." or "-")');
};

// S3 keys are at most 1024 bytes of UTF-8; a leading `/` would become an empty path segment.
const objectKey = (raw: string): ParseResult<string> => {
  const key = raw.trim();
  return Buffer.byteLength(key, 'utf8') <= 1024 && !key.startsWith('/')
    ? ok(key)
    : fail('expected an S3 object key of at most 1024 bytes, not starting with "/"');
};

const FAMILIES: readonly string[] = Object.values(IpAddressFamily);
const family = (raw: string): ParseResult<IpAddressFamily> => {
  const value = raw.trim().toLowerCase();
  // FAMILIES holds exactly the IpAddressFamily values, so the membership test proves the type.
  return FAMILIES.includes(value) ? ok(value as IpAddressFamily) : fail('expected ipv4, ipv6 or dual');
};

/** One of a fixed set of words, compared case-insensitively. */
const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (raw: string): ParseResult<T> => {
    const text = raw.trim().toLowerCase();
    const found = choices.find((choice) => choice === text);
    return found === undefined ? fail(`expected one of ${choices.join(', ')}`) : ok(found);
  };

// Docker label keys are free text in ECS, but a name with spaces or `=` is almost surely a typo; the
// characters below cover every convention's names and the common `com.example.port` style.
const DOCKER_LABEL_PATTERN = /^[A-Za-z0-9_.\-/]{1,255}$/;

const dockerLabelName = (raw: string): ParseResult<string | undefined> => {
  const text = raw.trim();
  return DOCKER_LABEL_PATTERN.test(text)
    ? ok(text)
    : fail(
        'expected a docker label name of letters, digits, "_", ".", "-" or "/" (e.g. PROMETHEUS_EXPORTER_PORT)',
      );
};

const dockerLabelOption = (name: string, what: string, example: string): OptionSpec<string | undefined> => ({
  name,
  default: undefined,
  defaultText: '',
  example,
  meaning: `Docker label giving the ${what} under \`DockerLabels\`; unset = the convention's name (see Labels).`,
  blankIsUnset: true,
  secret: false,
  parse: dockerLabelName,
});

const tagFilterMeaning = (resource: string) =>
  `Globs (\`*\` any run, \`?\` one character; anchored, case-sensitive) selecting which ${resource} tag keys become labels; \`<MetricsPathPortTagPrefix>*\` is always added.`;

// docs/decisions.md "Many accounts and Regions (issue 16)": an IAM role ARN in any partition
// (`aws`, `aws-cn`, `aws-us-gov`, ...), a 12-digit account and a role path and name.
const ROLE_ARN_PATTERN = /^arn:aws[-a-z]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
// Region names such as `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`, `cn-north-1`.
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
// STS AssumeRole's ExternalId: 2..1224 characters of `[\w+=,.@:/-]`.
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** An exact IAM role ARN (no wildcard), as `AssumeRoleArns` accepts it; the CDK checks member-role props with it. */
export const isRoleArn = (text: string): boolean => ROLE_ARN_PATTERN.test(text);
/** A Region name, as `Regions` accepts it. */
export const isRegionName = (text: string): boolean => REGION_PATTERN.test(text);

const listOf =
  (pattern: RegExp, expected: string) =>
  (raw: string): ParseResult<readonly string[]> => {
    const entries = unique(parseList(raw));
    const reasons = entries
      .filter((entry) => !pattern.test(entry))
      .map((entry) => `entry ${JSON.stringify(entry)} is not ${expected}`);
    return entryVerdict(reasons, entries);
  };

const roleArns = listOf(
  ROLE_ARN_PATTERN,
  'an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)',
);
const regions = listOf(REGION_PATTERN, 'a Region name (expected e.g. eu-west-1)');

const externalId = (raw: string): ParseResult<string | undefined> => {
  const text = raw.trim();
  return EXTERNAL_ID_PATTERN.test(text)
    ? ok(text)
    : fail('expected 2 to 1224 characters of letters, digits and +=,.@:/-_');
};

export const OPTIONS: OptionTable = {
  // No default cluster: reading every cluster of an account is not something the original could
  // do, and guessing would surprise. At least one of this and CloudMapNamespaces is required.
  ecsClusters: {
    name: 'EcsClusters',
    default: [],
    defaultText: '',
    example: 'prod;arn:aws:ecs:eu-west-1:123456789012:cluster/staging',
    meaning: 'ECS cluster names or ARNs, `;`-separated. Duplicates are ignored.',
    blankIsUnset: false,
    secret: false,
    parse: names,
  },
  // Empty selects every service: the original's default, and the least surprising one.
  ecsServiceSelectorTags: {
    name: 'EcsServiceSelectorTags',
    default: [],
    defaultText: '',
    example: 'PROMETHEUS_TARGET=true;team=*',
    meaning:
      'An ECS service is read only if it carries all these `key=value` tags (value `*` = any value). Empty = all services.',
    blankIsUnset: false,
    secret: false,
    parse: selectors,
  },
  // No default namespace, for the same reason as EcsClusters.
  cloudMapNamespaces: {
    name: 'CloudMapNamespaces',
    default: [],
    defaultText: '',
    example: 'application.prod;ns-abcdef0123456789',
    meaning: 'Cloud Map namespace names or ids, `;`-separated. Duplicates are ignored.',
    blankIsUnset: false,
    secret: false,
    parse: names,
  },
  // Empty keeps every Cloud Map service as an enrichment source, as the original.
  cloudMapServiceSelectorTags: {
    name: 'CloudMapServiceSelectorTags',
    default: [],
    defaultText: '',
    example: 'PROMETHEUS_TARGET=true',
    meaning:
      'A Cloud Map service enriches targets only if it carries all these `key=value` tags (value `*` = any). Empty = all.',
    blankIsUnset: false,
    secret: false,
    parse: selectors,
  },
  // The four tag filters default to `*`: the original's shipped appsettings.json (its effective
  // default) exports every tag, and operators moving over expect the same labels.
  ecsTaskTags: {
    name: 'EcsTaskTags',
    default: ['*'],
    defaultText: '*',
    example: 'team;app.*',
    meaning: tagFilterMeaning('ECS task'),
    blankIsUnset: false,
    secret: false,
    parse: globs,
  },
  ecsServiceTags: {
    name: 'EcsServiceTags',
    default: ['*'],
    defaultText: '*',
    example: 'team;cost-center',
    meaning: 'The same, for ECS service tag keys.',
    blankIsUnset: false,
    secret: false,
    parse: globs,
  },
  cloudMapServiceTags: {
    name: 'CloudMapServiceTags',
    default: ['*'],
    defaultText: '*',
    example: 'team',
    meaning: 'The same, for Cloud Map service tag keys.',
    blankIsUnset: false,
    secret: false,
    parse: globs,
  },
  cloudMapNamespaceTags: {
    name: 'CloudMapNamespaceTags',
    default: ['*'],
    defaultText: '*',
    example: 'env;region?',
    meaning: 'The same, for Cloud Map namespace tag keys (applied in every mode).',
    blankIsUnset: false,
    secret: false,
    parse: globs,
  },
  // No extra labels unless asked for.
  extraPrometheusLabels: {
    name: 'ExtraPrometheusLabels',
    default: [],
    defaultText: '',
    example: 'env=prod;METRICS_PORT=9100',
    meaning:
      'Static `label=value` labels on every target, lowest precedence (a tag of the same name wins). Blank values are dropped.',
    blankIsUnset: false,
    secret: false,
    parse: labelEntries(false),
  },
  // 60 s: the original's default; AWS state changes slowly and Prometheus refreshes every 30-60 s,
  // so most polls are served from cache while staying within a minute of reality.
  cacheTtlSeconds: {
    name: 'CacheTtlSeconds',
    default: 60,
    defaultText: '60',
    example: '30',
    meaning: 'Seconds a discovery result is reused, 0..65535. 0 = no cache (every request reads AWS).',
    blankIsUnset: true,
    secret: false,
    parse: integer(0, 65535, 'an integer from 0 to 65535 (seconds; 0 = no cache)'),
  },
  // true: the original's default; cluster and namespace lists rarely change and the lookups
  // are the slowest part of a refresh.
  cacheTopLevelResources: {
    name: 'CacheTopLevelResources',
    default: true,
    defaultText: 'true',
    example: 'false',
    meaning: 'Cache cluster and namespace lookups and Cloud Map tags for 10 minutes. `true` or `false`.',
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  // METRICS_: the original's default, used by every tagged fleet that moves over.
  metricsPathPortTagPrefix: {
    name: 'MetricsPathPortTagPrefix',
    default: 'METRICS_',
    defaultText: 'METRICS_',
    example: 'PROM_',
    meaning:
      'Prefix of the tags giving scrape port, path and name (`<prefix>PORT[suffix]`, `<prefix>PATH…`, `<prefix>NAME…`).',
    blankIsUnset: true,
    secret: false,
    parse: prefix,
  },
  // No relabelling unless asked for.
  relabelConfigurations: {
    name: 'RelabelConfigurations',
    default: [],
    defaultText: '',
    example: 'service={{_sys_ecs_cluster}}-{{_sys_ecs_service}}',
    meaning:
      'Ordered `label=pattern` entries; `{{name}}` tokens (any case) are replaced by label values; a static value sets the label; `_tmp*` labels are removed at the end.',
    blankIsUnset: false,
    secret: false,
    parse: labelEntries(true),
  },
  // 600 s: ten Prometheus refreshes' worth of AWS outage is bridged, while a fleet that kept
  // changing for 10 minutes is no longer presented as current.
  staleIfErrorSeconds: {
    name: 'StaleIfErrorSeconds',
    default: 600,
    defaultText: '600',
    example: '3600',
    meaning:
      'When AWS fails, serve the last complete result while it is younger than this many seconds (0 = never); then 503.',
    blankIsUnset: true,
    secret: false,
    parse: integer(0, Number.MAX_SAFE_INTEGER, 'a whole number of seconds, 0 or more'),
  },
  // 8: well below the ECS and Cloud Map per-account request rates even with several warm
  // containers, yet enough to refresh a few hundred services in a few seconds. 64 caps it
  // because the SDK's socket pool and AWS throttling make more useless.
  awsMaxConcurrency: {
    name: 'AwsMaxConcurrency',
    default: 8,
    defaultText: '8',
    example: '16',
    meaning: 'AWS API calls in flight at once during one refresh, 1..64.',
    blankIsUnset: true,
    secret: false,
    parse: integer(1, 64, 'an integer from 1 to 64'),
  },
  // 0.5: AWS's buckets are per account and Region and shared with every other caller (deployments
  // throttle when discovery drains DescribeTasks), so discovery takes half of each and leaves half.
  awsRateShare: {
    name: 'AwsRateShare',
    default: 0.5,
    defaultText: '0.5',
    example: '0.25',
    meaning:
      'Share of each AWS throttling bucket (burst and refill rate) discovery may use, greater than 0 and at most 1; calls wait for a token instead of being throttled.',
    blankIsUnset: true,
    secret: false,
    parse: share,
  },
  // ipv4: what every target had before IPv6 support; an IPv6-only task still gets a target.
  ipAddressFamily: {
    name: 'IpAddressFamily',
    default: IpAddressFamily.Ipv4,
    defaultText: 'ipv4',
    example: 'dual',
    meaning:
      '`ipv4` (an IPv6-only task falls back to IPv6), `ipv6` (IPv6 only) or `dual` (one target per family). IPv6 targets are `[addr]:port`.',
    blankIsUnset: true,
    secret: false,
    parse: family,
  },
  // true: bridge and host tasks are common on EC2 and the two reads are cached; the CDK prop
  // `ec2HostAddresses: false` turns it off together with the IAM grant.
  ec2HostAddresses: {
    name: 'Ec2HostAddresses',
    default: true,
    defaultText: 'true',
    example: 'false',
    meaning:
      'Read container instances and EC2 for the host address of `bridge`/`host` tasks (and, with `MetaLabels=full`, the EC2 labels). `false` skips those tasks (`host_address_disabled`) and reads no EC2.',
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  // false: the original emitted service tasks only; without the option nothing changes.
  ecsIncludeStandaloneTasks: {
    name: 'EcsIncludeStandaloneTasks',
    default: false,
    defaultText: 'false',
    example: 'true',
    meaning:
      'Also emit running tasks of no service (RunTask, Batch, scheduled) that carry a port tag; tasks are then listed cluster-wide.',
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  // false: the original emitted ECS tasks only.
  cloudMapInstanceTargets: {
    name: 'CloudMapInstanceTargets',
    default: false,
    defaultText: 'false',
    example: 'true',
    meaning:
      'Also emit Cloud Map instances of the `CloudMapNamespaces` that are not ECS tasks (no `ECS_CLUSTER_NAME` attribute).',
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  cloudMapHealthyOnly: {
    name: 'CloudMapHealthyOnly',
    default: false,
    defaultText: 'false',
    example: 'true',
    meaning: 'With CloudMapInstanceTargets: leave out instances Cloud Map reports `UNHEALTHY`.',
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  // No token by default: the stack generates one into a secret; a bare server runs open locally.
  bearerToken: {
    name: 'BearerToken',
    default: undefined,
    defaultText: '',
    example: 's3cr3t-token',
    meaning:
      'Token callers must send as `Authorization: Bearer <token>`. Exclusive with BearerTokenSecret. Prefer the secret. Blank is an error.',
    blankIsUnset: false,
    secret: true,
    parse: nonBlank('a token'),
  },
  bearerTokenSecret: {
    name: 'BearerTokenSecret',
    default: undefined,
    defaultText: '',
    example: 'ssm:/prometheus/sd-token',
    meaning:
      'Where the token is read at cold start: a Secrets Manager secret name or ARN, or an SSM SecureString as `ssm:<name>` or parameter ARN. Blank is an error.',
    blankIsUnset: false,
    secret: false,
    parse: nonBlank('a Secrets Manager secret name or ARN, or ssm:<parameter name>'),
  },
  // Unset: embedded mode, each process discovers for itself (the local server, the demo and the CLI).
  // Set: a refresher function writes one snapshot per fleet and the endpoint serves it (decisions.md,
  // "One refresh per fleet (issue 13)").
  snapshotBucket: {
    name: 'SnapshotBucket',
    default: undefined,
    defaultText: '',
    example: 'prometheus-sd-snapshots-123456789012',
    meaning:
      'S3 bucket of the snapshot the refresher writes and the endpoint serves. Unset = embedded mode (each process discovers itself).',
    blankIsUnset: true,
    secret: false,
    parse: bucketName,
  },
  // One object per fleet; the stack gives both functions the same key.
  snapshotKey: {
    name: 'SnapshotKey',
    default: 'prometheus-targets.json',
    defaultText: 'prometheus-targets.json',
    example: 'prod/prometheus-targets.json',
    meaning: 'S3 object key of the snapshot inside `SnapshotBucket`.',
    blankIsUnset: true,
    secret: false,
    parse: objectKey,
  },
  // No roles: discovery reads the function's own account only, as before (docs/decisions.md
  // "Many accounts and Regions (issue 16)").
  assumeRoleArns: {
    name: 'AssumeRoleArns',
    default: [],
    defaultText: '',
    example:
      'arn:aws:iam::111111111111:role/prometheus-sd-member;arn:aws:iam::222222222222:role/prometheus-sd-member',
    meaning:
      'IAM roles, `;`-separated, whose accounts are read too (with `sts:AssumeRole`); each account once. Targets then carry `__meta_ecs_account_id` and `__meta_ecs_region`.',
    blankIsUnset: false,
    secret: false,
    parse: roleArns,
  },
  // true: adding member accounts should not silently stop reading the account discovery runs in.
  includeOwnAccount: {
    name: 'IncludeOwnAccount',
    default: true,
    defaultText: 'true',
    example: 'false',
    meaning:
      "Whether the function's own account is read besides the `AssumeRoleArns` accounts. `true` or `false`.",
    blankIsUnset: true,
    secret: false,
    parse: boolean,
  },
  // Unset: the member roles' trust policies do not ask for one.
  assumeRoleExternalId: {
    name: 'AssumeRoleExternalId',
    default: undefined,
    defaultText: '',
    example: 'prometheus-sd-7f3a',
    meaning:
      'ExternalId sent with every `sts:AssumeRole` of `AssumeRoleArns` (2..1224 characters of `[\\w+=,.@:/-]`).',
    blankIsUnset: true,
    secret: false,
    parse: externalId,
  },
  // Empty: the function's own Region (`AWS_REGION`), as before.
  regions: {
    name: 'Regions',
    default: [],
    defaultText: '',
    example: 'eu-west-1;us-east-1',
    meaning:
      "Regions, `;`-separated, read in every account. Empty = the function's own. Set: targets carry `__meta_ecs_account_id` and `__meta_ecs_region`.",
    blankIsUnset: false,
    secret: false,
    parse: regions,
  },
  // full: relabel rules written for Prometheus' own aws_sd_configs move over unchanged; the extra
  // `__meta_*` labels are dropped by Prometheus after relabelling, so they cost body bytes, not series.
  metaLabels: {
    name: 'MetaLabels',
    default: MetaLabels.Full,
    defaultText: 'full',
    example: 'compact',
    meaning:
      "`full`: also Prometheus' own `aws_sd_configs` role `ecs` metadata (`__meta_ecs_task_arn`, EC2 instance and public IPs, tag families, …) and Cloud Map ids; `compact`: the original's labels only.",
    blankIsUnset: true,
    secret: false,
    parse: oneOf(Object.values(MetaLabels)),
  },
  // none: reading task definitions costs a call per revision, and fleets moving from the original
  // are tagged, not labelled.
  dockerLabels: {
    name: 'DockerLabels',
    default: DockerLabelConvention.None,
    defaultText: 'none',
    example: 'teralytics',
    meaning:
      'Task-definition docker labels that make targets besides tags: `none`, `teralytics` (`PROMETHEUS_EXPORTER_PORT`, …) or `ecs-observer` (`ECS_PROMETHEUS_EXPORTER_PORT`, …). Needs `ecs:DescribeTaskDefinition`.',
    blankIsUnset: true,
    secret: false,
    parse: oneOf(Object.values(DockerLabelConvention)),
  },
  dockerLabelPort: dockerLabelOption('DockerLabelPort', 'container port', 'METRICS_PORT'),
  dockerLabelPath: dockerLabelOption('DockerLabelPath', 'metrics path', 'METRICS_PATH'),
  dockerLabelScheme: dockerLabelOption('DockerLabelScheme', 'scheme (http or https)', 'METRICS_SCHEME'),
  dockerLabelJob: dockerLabelOption('DockerLabelJob', 'job', 'METRICS_JOB'),
};
