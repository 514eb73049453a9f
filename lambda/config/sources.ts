/**
 * Sources: each (account, Region) discovery reads is one source (docs/decisions.md "Many accounts
 * and Regions (issue 16)"). Pure planning over the configuration: which sources there are, in
 * configuration order (the function's own account first, then `AssumeRoleArns`; Regions in the
 * order given within each account), and which `EcsClusters` / `CloudMapNamespaces` entries each one
 * reads. A name or id is read in every source; an ARN pins the one source of its account and Region.
 */
import { ConfigError, type ConfigProblem } from './errors.ts';
import { ENV_PREFIX, OPTIONS, type OptionSpec, type ParsedOptions } from './options.ts';
import type { DiscoveryConfig } from './types.ts';

/** The account and Region of a source; `accountId` undefined = the function's own account. */
export type SourceId = {
  readonly accountId: string | undefined;
  /** undefined = the function's own Region as the SDK resolves it. */
  readonly region: string | undefined;
};

export type SourcePlan = SourceId & {
  /** The role assumed to read this source; undefined for the function's own account. */
  readonly roleArn: string | undefined;
  /** `EcsClusters` entries this source reads (names, and ARNs pinned to it), in configuration order. */
  readonly ecsClusters: readonly string[];
  /** `CloudMapNamespaces` entries this source reads, likewise. */
  readonly cloudMapNamespaces: readonly string[];
};

/** How a source is named in logs, errors and `/metrics`: the own account is `self`. */
export const OWN_ACCOUNT = 'self';

/** `111111111111/eu-west-1`, `self/eu-west-1`, `self/default`. */
export const sourceName = (source: SourceId): string =>
  `${source.accountId ?? OWN_ACCOUNT}/${source.region ?? 'default'}`;

/** The account of an IAM role ARN (`arn:aws:iam::111111111111:role/x` → `111111111111`). */
export const accountOfRoleArn = (arn: string): string => arn.split(':')[4] ?? '';

// arn:<partition>:<service>:<region>:<account>:<resource>
const RESOURCE_ARN = /^arn:aws[-a-z]*:(ecs|servicediscovery):([a-z0-9-]+):(\d{12}):/;

/** The account and Region an ECS or Cloud Map ARN names; undefined for a name or id. */
export const arnSource = (entry: string): { accountId: string; region: string } | undefined => {
  const match = RESOURCE_ARN.exec(entry);
  return match === null ? undefined : { region: match[2]!, accountId: match[3]! };
};

/**
 * Whether targets carry the account and Region labels: only when `AssumeRoleArns` or `Regions` is
 * set, so a single-account deployment keeps byte-identical bodies (docs/decisions.md "Many
 * accounts and Regions (issue 16)").
 */
export const labelsSources = (config: Pick<DiscoveryConfig, 'assumeRoleArns' | 'regions'>): boolean =>
  config.assumeRoleArns.length > 0 || config.regions.length > 0;

type SourceOptions = Pick<
  ParsedOptions,
  'assumeRoleArns' | 'includeOwnAccount' | 'regions' | 'ecsClusters' | 'cloudMapNamespaces'
>;

const variable = (spec: OptionSpec<unknown>) => `${ENV_PREFIX}${spec.name}`;

/**
 * The account a pinned ARN belongs to among the sources: a role's account, else the own account
 * (its id is not known without a call, so any other account is taken to be it), else none.
 */
const pinnedAccount = (options: SourceOptions, accountId: string): string | undefined | null => {
  if (options.assumeRoleArns.some((arn) => accountOfRoleArn(arn) === accountId)) return accountId;
  return options.includeOwnAccount ? undefined : null;
};

/** Problems of the source options together; `shown(spec)` is the variable's value as shown in errors. */
export const sourceProblems = (
  options: SourceOptions,
  shown: (spec: OptionSpec<unknown>) => string,
): ConfigProblem[] => {
  const problems: ConfigProblem[] = [];
  const roles = variable(OPTIONS.assumeRoleArns);
  const own = variable(OPTIONS.includeOwnAccount);
  if (!options.includeOwnAccount && options.assumeRoleArns.length === 0) {
    problems.push({
      variable: own,
      message: `${own}=${shown(OPTIONS.includeOwnAccount)} and ${roles}=${shown(OPTIONS.assumeRoleArns)} leave no account to read: expected at least one role or ${own}=true`,
    });
  }
  const seen = new Map<string, string>();
  for (const arn of options.assumeRoleArns) {
    const account = accountOfRoleArn(arn);
    const first = seen.get(account);
    if (first !== undefined) {
      problems.push({
        variable: roles,
        message: `${roles}=${shown(OPTIONS.assumeRoleArns)} is invalid: ${JSON.stringify(first)} and ${JSON.stringify(arn)} both name account ${account}; expected one role per account`,
      });
    } else seen.set(account, arn);
  }
  for (const spec of [OPTIONS.ecsClusters, OPTIONS.cloudMapNamespaces] as const) {
    const entries = spec === OPTIONS.ecsClusters ? options.ecsClusters : options.cloudMapNamespaces;
    for (const entry of entries) {
      const pinned = arnSource(entry);
      if (pinned === undefined) continue;
      const why =
        pinnedAccount(options, pinned.accountId) === null
          ? `account ${pinned.accountId} is not read (not in ${roles} and ${own}=false)`
          : options.regions.length > 0 && !options.regions.includes(pinned.region)
            ? `Region ${pinned.region} is not in ${variable(OPTIONS.regions)}`
            : undefined;
      if (why === undefined) continue;
      problems.push({
        variable: variable(spec),
        message: `${variable(spec)}=${shown(spec)} is invalid: entry ${JSON.stringify(entry)} names a source that is not configured: ${why}`,
      });
    }
  }
  return problems;
};

/**
 * The sources to read, in configuration order. `ownRegion` is the function's Region (`AWS_REGION`),
 * used when `Regions` is empty; undefined leaves the Region to the SDK's own resolution.
 * @throws ConfigError when an ARN pins a Region other than the only (own) one: that is known only
 *   at run time (`AWS_REGION`), so `loadConfig` cannot check it.
 */
export const planSources = (config: DiscoveryConfig, ownRegion: string | undefined): SourcePlan[] => {
  const regions: (string | undefined)[] = config.regions.length > 0 ? [...config.regions] : [ownRegion];
  const accounts: { accountId: string | undefined; roleArn: string | undefined }[] = [
    ...(config.includeOwnAccount ? [{ accountId: undefined, roleArn: undefined }] : []),
    ...config.assumeRoleArns.map((arn) => ({ accountId: accountOfRoleArn(arn), roleArn: arn })),
  ];
  const problems: ConfigProblem[] = [];
  for (const spec of [OPTIONS.ecsClusters, OPTIONS.cloudMapNamespaces] as const) {
    const entries = spec === OPTIONS.ecsClusters ? config.ecsClusters : config.cloudMapNamespaces;
    for (const entry of entries) {
      const pinned = arnSource(entry);
      if (pinned === undefined || config.regions.length > 0 || ownRegion === undefined) continue;
      if (pinned.region === ownRegion) continue;
      problems.push({
        variable: variable(spec),
        message: `${variable(spec)} entry ${JSON.stringify(entry)} names Region ${pinned.region}, but discovery reads only its own Region ${ownRegion}: add both to ${variable(OPTIONS.regions)}`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const readsEntry = (accountId: string | undefined, region: string | undefined) => (entry: string) => {
    const pinned = arnSource(entry);
    if (pinned === undefined) return true;
    const account = pinnedAccount(config, pinned.accountId);
    // Without a known Region (no Regions, no AWS_REGION) an ARN pins only its account.
    return account === accountId && (region === undefined || pinned.region === region);
  };
  return accounts.flatMap(({ accountId, roleArn }) =>
    regions.map((region) => {
      const reads = readsEntry(accountId, region);
      return {
        accountId,
        region,
        roleArn,
        ecsClusters: config.ecsClusters.filter(reads),
        cloudMapNamespaces: config.cloudMapNamespaces.filter(reads),
      };
    }),
  );
};
