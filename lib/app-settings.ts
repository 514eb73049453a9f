/**
 * Reads the CDK app's settings from context (`cdk.json` defaults, `-c key=value` overrides) into
 * construct props. Values from `-c` are strings, values from `cdk.json` may be JSON; both are
 * accepted. Every invalid setting is reported at once, each by its context key.
 */

import { Duration } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogLevel, type RelabelConfiguration } from './discovery-options.ts';
import { AccessMode, type EcsCloudMapDiscoveryProps } from './ecs-cloudmap-discovery.ts';

export type AppSettings = {
  readonly stackName: string;
  readonly discovery: EcsCloudMapDiscoveryProps;
};

/** Every context key the app reads; docs/deploy.md lists them with examples. */
export const SETTING_KEYS = [
  'stackName',
  'ecsClusters',
  'cloudMapNamespaces',
  'ecsServiceSelectorTags',
  'cloudMapServiceSelectorTags',
  'ecsTaskTags',
  'ecsServiceTags',
  'cloudMapServiceTags',
  'cloudMapNamespaceTags',
  'extraPrometheusLabels',
  'relabelConfigurations',
  'cacheTtlSeconds',
  'cacheTopLevelResources',
  'staleIfErrorSeconds',
  'awsMaxConcurrency',
  'metricsPathPortTagPrefix',
  'ec2HostAddresses',
  'logLevel',
  'accessMode',
  'allowUnauthenticated',
  'responseStreaming',
  'memorySize',
  'architecture',
  'timeoutSeconds',
  'logRetentionDays',
  'reservedConcurrentExecutions',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export const DEFAULT_STACK_NAME = 'EcsCloudMapPrometheusSd';

const PLACEHOLDER = '\u0000';

/** `;` list with `%;` escapes, blank entries dropped (the handler's own rule, docs/decisions.md "Lists"). */
const splitList = (text: string): string[] =>
  text
    .replaceAll('%;', PLACEHOLDER)
    .split(';')
    .map((entry) => entry.replaceAll(PLACEHOLDER, ';').trim())
    .filter((entry) => entry !== '');

/** `key=value` with `%=` escapes in the value (docs/decisions.md "Key=value entries"); null when there is no `=`. */
const splitKeyValue = (entry: string): readonly [string, string] | null => {
  const pieces = entry.replaceAll('%=', PLACEHOLDER).split('=');
  if (pieces.length < 2) return null;
  return [pieces[0]!.trim(), pieces.slice(1).join('=').replaceAll(PLACEHOLDER, '=').trim()];
};

const RETENTION_DAYS: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

const ARCHITECTURES = { arm64: Architecture.ARM_64, x86_64: Architecture.X86_64 } as const;

/** Reads one setting; each reader returns the value or pushes a problem naming the key. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly context: (key: string) => unknown) {}

  private raw(key: SettingKey): unknown {
    const value = this.context(key);
    return value === undefined || value === null ? undefined : value;
  }

  private fail(key: SettingKey, value: unknown, expected: string): undefined {
    this.problems.push(`context '${key}': ${JSON.stringify(value)} is not valid; expected ${expected}`);
    return undefined;
  }

  list(key: SettingKey): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return splitList(value);
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) {
      return value.map((entry) => entry.trim()).filter((entry) => entry !== '');
    }
    return this.fail(key, value, 'a ";"-separated string or a JSON array of strings');
  }

  /** `k=v;k2=v2` string, JSON object, or JSON array of `k=v` strings, in order. */
  pairs(key: SettingKey): (readonly [string, string])[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.every(([, each]) => typeof each === 'string')) return entries as [string, string][];
      return this.fail(key, value, 'a JSON object of string values');
    }
    const entries = this.list(key);
    if (entries === undefined) return undefined;
    const pairs = entries.map(splitKeyValue);
    const missing = entries.filter((_, index) => pairs[index] === null);
    if (missing.length > 0) {
      return this.fail(
        key,
        value,
        `key=value entries separated by ";" (no "=" in ${JSON.stringify(missing)})`,
      );
    }
    return pairs as (readonly [string, string])[];
  }

  record(key: SettingKey): Record<string, string> | undefined {
    const pairs = this.pairs(key);
    return pairs && Object.fromEntries(pairs);
  }

  integer(key: SettingKey, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max)
      return number;
    return this.fail(key, value, `an integer from ${min} to ${max}`);
  }

  boolean(key: SettingKey): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return this.fail(key, value, 'true or false');
  }

  text(key: SettingKey): string | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'string') return value;
    return this.fail(key, value, 'a string');
  }

  oneOf<T extends string>(key: SettingKey, allowed: readonly T[]): T | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(key, value, `one of ${allowed.join(', ')}`);
  }
}

/**
 * Reads every setting. Throws one error listing every invalid setting; the construct then checks
 * the combination (its messages name the same keys).
 */
export const readAppSettings = (context: (key: string) => unknown): AppSettings => {
  const read = new Reader(context);
  const relabel = read.pairs('relabelConfigurations');
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
    ecsClusters: read.list('ecsClusters'),
    cloudMapNamespaces: read.list('cloudMapNamespaces'),
    ecsServiceSelectorTags: read.record('ecsServiceSelectorTags'),
    cloudMapServiceSelectorTags: read.record('cloudMapServiceSelectorTags'),
    ecsTaskTags: read.list('ecsTaskTags'),
    ecsServiceTags: read.list('ecsServiceTags'),
    cloudMapServiceTags: read.list('cloudMapServiceTags'),
    cloudMapNamespaceTags: read.list('cloudMapNamespaceTags'),
    extraPrometheusLabels: read.record('extraPrometheusLabels'),
    relabelConfigurations: relabel?.map(([target, template]): RelabelConfiguration => ({ target, template })),
    cacheTtlSeconds: read.integer('cacheTtlSeconds', 0, 65535),
    cacheTopLevelResources: read.boolean('cacheTopLevelResources'),
    staleIfErrorSeconds: read.integer('staleIfErrorSeconds', 0, Number.MAX_SAFE_INTEGER),
    awsMaxConcurrency: read.integer('awsMaxConcurrency', 1, 64),
    metricsPathPortTagPrefix: read.text('metricsPathPortTagPrefix'),
    ec2HostAddresses: read.boolean('ec2HostAddresses'),
    logLevel: read.oneOf('logLevel', Object.values(LogLevel)),
    accessMode: read.oneOf('accessMode', Object.values(AccessMode)),
    allowUnauthenticated: read.boolean('allowUnauthenticated'),
    responseStreaming: read.boolean('responseStreaming'),
    memorySize: read.integer('memorySize', 128, 10240),
    architecture: architecture && ARCHITECTURES[architecture],
    timeout: timeout === undefined ? undefined : Duration.seconds(timeout),
    logRetention: retention as RetentionDays | undefined,
    reservedConcurrentExecutions: read.integer('reservedConcurrentExecutions', 1, 100_000),
  };
  const stackName = read.text('stackName') ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    read.problems.push(
      `context 'stackName': ${JSON.stringify(stackName)} is not valid; expected a letter, then letters, digits or "-"`,
    );
  }
  if (read.problems.length > 0) {
    throw new Error(`Invalid CDK context:\n- ${read.problems.join('\n- ')}`);
  }
  return { stackName, discovery };
};

/** Context keys that look like app settings but are not one (a typo keeps the default silently). */
export const unknownSettingKeys = (keys: readonly string[]): string[] =>
  keys.filter((key) => /^[a-z][A-Za-z]*$/.test(key) && !(SETTING_KEYS as readonly string[]).includes(key));
