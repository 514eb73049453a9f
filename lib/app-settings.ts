/**
 * Reads the CDK app's settings from context (`cdk.json` defaults, `-c key=value` overrides) into
 * construct props. Values from `-c` are strings, values from `cdk.json` may be JSON; both are
 * accepted. Discovery options are handed to the function's environment as text and judged by the
 * handler's own `loadConfig` (no second parser here); the CDK-only settings go through small typed
 * readers. Every invalid setting is reported at once, each by its context key.
 */

import { Duration } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseList } from '../lambda/config/lists.ts';
import { DockerLabelConvention, MetaLabels } from '../lambda/config/types.ts';
import { type DiscoveryMemberRoleProps, memberRoleProblems } from './discovery-member-role.ts';
import {
  checkDiscoveryEnvironment,
  DEPLOYED_OPTION_KEYS,
  discoveryEnvironment,
  joinKeyValues,
  joinList,
  LogLevel,
  type OptionKey,
} from './discovery-options.ts';
import { AccessMode, type EcsCloudMapDiscoveryProps } from './ecs-cloudmap-discovery.ts';

export type AppSettings = {
  readonly stackName: string;
  readonly discovery: EcsCloudMapDiscoveryProps;
  /** `private-api` mode: the id of the existing `execute-api` interface endpoint. */
  readonly vpcEndpointId?: string;
};

/** The member stack's settings (`-c stack=member`). */
export type MemberSettings = {
  readonly stackName: string;
  readonly member: DiscoveryMemberRoleProps;
};

/** Which stack the app synthesises (`-c stack=...`). */
export const StackKind = { Discovery: 'discovery', Member: 'member' } as const;
export type StackKind = (typeof StackKind)[keyof typeof StackKind];

/**
 * Context keys of the CDK-only settings. The discovery options are context keys too, one per option
 * of the handler's table (`DEPLOYED_OPTION_KEYS`); docs/deploy.md lists them all with examples.
 */
export const CDK_SETTING_KEYS = [
  'stackName',
  'logLevel',
  'accessMode',
  'allowUnauthenticated',
  'responseStreaming',
  'memorySize',
  'architecture',
  'timeoutSeconds',
  'logRetentionDays',
  'reservedConcurrentExecutions',
  'snapshot',
  'refresherMemorySize',
  'refresherTimeoutSeconds',
  // Issue 16. The four source options (AssumeRoleArns, ...) are handler options, in DEPLOYED_OPTION_KEYS.
  'vpcEndpointId',
  'privateApiAccessLogs',
  'stack',
  'discoveryRoleArn',
  'memberRoleName',
  'memberStackName',
] as const;
export type CdkSettingKey = (typeof CDK_SETTING_KEYS)[number];
/**
 * A key the typed readers take: a CDK-only setting, or a handler option the member stack reuses
 * (`assumeRoleExternalId`, `regions`: the member role's props, not a function's environment).
 */
type ReaderKey = CdkSettingKey | OptionKey;

/** Every context key the app reads. */
export const SETTING_KEYS: readonly string[] = [...DEPLOYED_OPTION_KEYS, ...CDK_SETTING_KEYS];

export const DEFAULT_STACK_NAME = 'EcsCloudMapPrometheusSd';
export const DEFAULT_MEMBER_STACK_NAME = 'EcsCloudMapPrometheusSdMember';

/** Thrown for invalid context: every problem, one line each, each naming its context key. */
export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid CDK context: ${problems[0]}`
        : `Invalid CDK context (${problems.length} problems):\n- ${problems.join('\n- ')}`,
    );
    this.problems = problems;
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

const isStringRecord = (value: unknown): value is Record<string, string> =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.values(value).every((entry) => typeof entry === 'string');

/**
 * A discovery option's context value as the handler's text: a `-c` string verbatim, a number or
 * boolean as written, a `cdk.json` array or object joined and escaped. Nothing is parsed here; the
 * handler's `loadConfig` judges the result.
 */
const optionTextOfContext = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isStringArray(value)) return joinList(value);
  if (isStringRecord(value)) return joinKeyValues(Object.entries(value));
  return undefined;
};

const RETENTION_DAYS: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

const ARCHITECTURES = { arm64: Architecture.ARM_64, x86_64: Architecture.X86_64 } as const;

/**
 * Reads one CDK-only setting as a small typed value (a `-c` string or a `cdk.json` JSON value); each
 * reader returns the value or pushes a problem naming the key.
 */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly context: (key: string) => unknown) {}

  private raw(key: ReaderKey): unknown {
    const value = this.context(key);
    return value === undefined || value === null ? undefined : value;
  }

  private fail(key: ReaderKey, value: unknown, expected: string): undefined {
    this.problems.push(`context '${key}': ${JSON.stringify(value)} is not valid; expected ${expected}`);
    return undefined;
  }

  integer(key: ReaderKey, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max)
      return number;
    return this.fail(key, value, `an integer from ${min} to ${max}`);
  }

  boolean(key: ReaderKey): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return this.fail(key, value, 'true or false');
  }

  text(key: ReaderKey): string | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'string') return value;
    return this.fail(key, value, 'a string');
  }

  /** A `;` list (`-c`, read by the handler's list parser) or a JSON array of strings (`cdk.json`). */
  list(key: ReaderKey): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return parseList(value);
    if (isStringArray(value)) return value;
    return this.fail(key, value, 'a ;-separated string or a JSON array of strings');
  }

  oneOf<T extends string>(key: ReaderKey, allowed: readonly T[]): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(key, value, `one of ${allowed.join(', ')}`);
  }
}

/** The `refresher` prop, only when a refresher setting is given (it is invalid with snapshot=false). */
const refresherSettings = (
  memorySize: number | undefined,
  timeoutSeconds: number | undefined,
): Pick<EcsCloudMapDiscoveryProps, 'refresher'> =>
  memorySize === undefined && timeoutSeconds === undefined
    ? {}
    : {
        refresher: {
          memorySize,
          timeout: timeoutSeconds === undefined ? undefined : Duration.seconds(timeoutSeconds),
        },
      };

/**
 * Reads every setting. Throws one `InvalidContextError` listing every invalid setting: the discovery
 * options as the handler's `loadConfig` words it, the CDK-only settings by their typed readers. The
 * construct then checks the combination (its messages name the same keys).
 */
export const readAppSettings = (context: (key: string) => unknown): AppSettings => {
  const read = new Reader(context);
  const optionText: Partial<Record<OptionKey, string>> = {};
  for (const key of DEPLOYED_OPTION_KEYS) {
    const value = context(key);
    if (value === undefined || value === null) continue;
    const text = optionTextOfContext(value);
    if (text === undefined) {
      read.problems.push(
        `context '${key}': ${JSON.stringify(value)} is not valid; expected a string, a number, true or false, a JSON array of strings or a JSON object of string values`,
      );
    } else {
      optionText[key] = text;
    }
  }
  const checked = checkDiscoveryEnvironment(discoveryEnvironment({}, optionText));
  if (!checked.ok) {
    const neither = optionText.ecsClusters === undefined && optionText.cloudMapNamespaces === undefined;
    for (const problem of checked.problems) {
      // With neither key given, say what to pass rather than that two unset variables name nothing.
      if (neither && problem.key === 'ecsClusters') continue;
      read.problems.push(`context '${problem.key}': ${problem.message}`);
    }
    if (neither) {
      read.problems.push(
        "context 'ecsClusters' and 'cloudMapNamespaces' are both unset; pass -c 'ecsClusters=<names>', -c 'cloudMapNamespaces=<names>' or both (the intersection)",
      );
    }
  }
  const retention = read.integer('logRetentionDays', 1, 9999);
  if (retention !== undefined && !RETENTION_DAYS.includes(retention)) {
    read.problems.push(
      `context 'logRetentionDays': ${retention} is not valid; expected one of ${RETENTION_DAYS.join(', ')}`,
    );
  }
  const architecture = read.oneOf(
    'architecture',
    Object.keys(ARCHITECTURES) as (keyof typeof ARCHITECTURES)[],
  );
  const timeout = read.integer('timeoutSeconds', 1, 900);
  const discovery: EcsCloudMapDiscoveryProps = {
    optionText,
    logLevel: read.oneOf('logLevel', Object.values(LogLevel)),
    accessMode: read.oneOf('accessMode', Object.values(AccessMode)),
    allowUnauthenticated: read.boolean('allowUnauthenticated'),
    responseStreaming: read.boolean('responseStreaming'),
    memorySize: read.integer('memorySize', 128, 10240),
    architecture: architecture && ARCHITECTURES[architecture],
    timeout: timeout === undefined ? undefined : Duration.seconds(timeout),
    logRetention: retention as RetentionDays | undefined,
    reservedConcurrentExecutions: read.integer('reservedConcurrentExecutions', 1, 100_000),
    snapshot: read.boolean('snapshot'),
    privateApiAccessLogs: read.boolean('privateApiAccessLogs'),
    ...refresherSettings(
      read.integer('refresherMemorySize', 128, 10240),
      read.integer('refresherTimeoutSeconds', 1, 900),
    ),
  };
  const stackName = read.text('stackName') ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    read.problems.push(
      `context 'stackName': ${JSON.stringify(stackName)} is not valid; expected a letter, then letters, digits or "-"`,
    );
  }
  const vpcEndpointId = read.text('vpcEndpointId');
  const privateApi = discovery.accessMode === AccessMode.PrivateApi;
  if (vpcEndpointId !== undefined && !/^vpce-[0-9a-f]{8,17}$/.test(vpcEndpointId)) {
    read.problems.push(
      `context 'vpcEndpointId': ${JSON.stringify(vpcEndpointId)} is not valid; expected a VPC endpoint id (vpce-0123456789abcdef0)`,
    );
  } else if (vpcEndpointId !== undefined && !privateApi) {
    read.problems.push(`context 'vpcEndpointId': only used with accessMode=${AccessMode.PrivateApi}`);
  } else if (vpcEndpointId === undefined && privateApi) {
    // A created endpoint needs a VPC, and finding one is a lookup (credentials, network): the
    // app stays offline, so the CLI takes an existing endpoint (docs/deploy.md, "Private API").
    read.problems.push(
      `context 'vpcEndpointId': required with accessMode=${AccessMode.PrivateApi}; the id of an interface VPC endpoint for execute-api (vpce-...)`,
    );
  }
  if (read.problems.length > 0) throw new InvalidContextError(read.problems);
  return { stackName, discovery, ...(vpcEndpointId !== undefined && { vpcEndpointId }) };
};

/** `-c stack=...`: the discovery stack unless `member`. */
export const readStackKind = (context: (key: string) => unknown): StackKind => {
  const read = new Reader(context);
  const kind = read.oneOf('stack', Object.values(StackKind));
  if (read.problems.length > 0) throw new InvalidContextError(read.problems);
  return kind ?? StackKind.Discovery;
};

// The construct's prop names that differ from their context keys.
const MEMBER_PROP_CONTEXT: Readonly<Record<string, string>> = {
  externalId: 'assumeRoleExternalId',
  roleName: 'memberRoleName',
};

const DOCKER_LABEL_MODES = Object.values(DockerLabelConvention);
const META_LABEL_MODES = Object.values(MetaLabels);

/**
 * The member stack's settings: `discoveryRoleArn` (required), `assumeRoleExternalId`,
 * `ecsClusters`, `regions`, `memberRoleName`, `memberStackName`, and the discovery side's
 * `ec2HostAddresses`, `dockerLabels`, `metaLabels` (they decide the grants); every problem named
 * by its context key.
 */
export const readMemberSettings = (context: (key: string) => unknown): MemberSettings => {
  const read = new Reader(context);
  const discoveryRoleArn = read.text('discoveryRoleArn');
  const clusters = context('ecsClusters');
  const ecsClusters =
    clusters === undefined || clusters === null
      ? undefined
      : typeof clusters === 'string'
        ? parseList(clusters)
        : isStringArray(clusters)
          ? clusters
          : undefined;
  if (clusters !== undefined && clusters !== null && ecsClusters === undefined) {
    read.problems.push(
      `context 'ecsClusters': ${JSON.stringify(clusters)} is not valid; expected a ;-separated string or a JSON array of strings`,
    );
  }
  const member: DiscoveryMemberRoleProps = {
    discoveryRoleArn: discoveryRoleArn ?? '',
    externalId: read.text('assumeRoleExternalId'),
    ecsClusters,
    regions: read.list('regions'),
    roleName: read.text('memberRoleName'),
    // The discovery side's options, under the same context keys: the role grants what they read.
    ec2HostAddresses: read.boolean('ec2HostAddresses'),
    readsTaskDefinitions:
      (read.oneOf('dockerLabels', DOCKER_LABEL_MODES) ?? DockerLabelConvention.None) !==
      DockerLabelConvention.None,
    readsNetworkInterfaces:
      (read.oneOf('metaLabels', META_LABEL_MODES) ?? MetaLabels.Full) === MetaLabels.Full,
  };
  if (discoveryRoleArn === undefined) {
    read.problems.push(
      "context 'discoveryRoleArn': required with stack=member; the DiscoveryRoleArn output of the discovery stack",
    );
  } else {
    for (const problem of memberRoleProblems(member)) {
      const at = problem.indexOf(':');
      const prop = problem.slice(0, at);
      read.problems.push(`context '${MEMBER_PROP_CONTEXT[prop] ?? prop}':${problem.slice(at + 1)}`);
    }
  }
  // Not `stackName`: cdk.json sets that to the discovery stack's name.
  const stackName = read.text('memberStackName') ?? DEFAULT_MEMBER_STACK_NAME;
  if (read.problems.length > 0) throw new InvalidContextError(read.problems);
  return { stackName, member };
};

/** Context keys that look like app settings but are not one (a typo keeps the default silently). */
export const unknownSettingKeys = (keys: readonly string[]): string[] =>
  keys.filter((key) => /^[a-z][A-Za-z]*$/.test(key) && !SETTING_KEYS.includes(key));
