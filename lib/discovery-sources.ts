/**
 * The CDK side of "an organisation in one endpoint" (issue 16): the member roles discovery assumes,
 * the Regions it reads, and the IAM that follows from them. The handler parses these options; this
 * module writes their `DiscoveryOptions__*` text, reads the final environment back with the
 * handler's own list parser to build the grants, and checks only what an IAM policy needs of them
 * (docs/decisions.md, "Accounts and Regions in the CDK (issue 16)").
 */
import type { Stack } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { parseList, unique } from '../lambda/config/lists.ts';
import { ENV_PREFIX, joinList } from './discovery-options.ts';
import { assumeRoleStatement, discoveryReadStatements } from './discovery-policy.ts';

/** Where discovery reads: its own account and member accounts, in one or more Regions. */
export type DiscoverySourcesProps = {
  /**
   * IAM role ARNs in member accounts (`AssumeRoleArns`); discovery assumes each and reads its
   * account. The role that runs discovery is granted `sts:AssumeRole` on exactly these. A member
   * role is what `DiscoveryMemberRole` creates.
   * @default - none: this account only
   */
  readonly assumeRoleArns?: readonly string[];
  /**
   * External id sent with every `AssumeRole` (`AssumeRoleExternalId`); the member roles require it.
   * @default - none
   */
  readonly assumeRoleExternalId?: string;
  /**
   * Read this account too (`IncludeOwnAccount`). false: only the member accounts, and the role
   * that runs discovery gets no ECS or Cloud Map action of its own account.
   * @default true
   */
  readonly includeOwnAccount?: boolean;
  /**
   * Regions to read in every account (`Regions`); the own account's ECS and Cloud Map grants
   * cover each of them.
   * @default - the function's own Region
   */
  readonly regions?: readonly string[];
};

/** The variables of the four options, as the handler names them. */
export const SOURCE_VARIABLES = {
  assumeRoleArns: `${ENV_PREFIX}AssumeRoleArns`,
  assumeRoleExternalId: `${ENV_PREFIX}AssumeRoleExternalId`,
  includeOwnAccount: `${ENV_PREFIX}IncludeOwnAccount`,
  regions: `${ENV_PREFIX}Regions`,
} as const;

/** The variables of the props that are set, in the handler's text format. */
export const sourcesEnvironment = (props: DiscoverySourcesProps): Record<string, string> => {
  const text: Record<string, string | undefined> = {
    [SOURCE_VARIABLES.assumeRoleArns]: props.assumeRoleArns && joinList(props.assumeRoleArns),
    [SOURCE_VARIABLES.assumeRoleExternalId]: props.assumeRoleExternalId,
    [SOURCE_VARIABLES.includeOwnAccount]: props.includeOwnAccount?.toString(),
    [SOURCE_VARIABLES.regions]: props.regions && joinList(props.regions),
  };
  return Object.fromEntries(
    Object.entries(text).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
};

/** What the grants are built from, read back from the function's final environment. */
export type DiscoverySources = {
  readonly roleArns: readonly string[];
  /** Empty: the function's own Region. */
  readonly regions: readonly string[];
  readonly includeOwnAccount: boolean;
};

export const sourcesOf = (environment: Readonly<Record<string, string>>): DiscoverySources => ({
  roleArns: unique(parseList(environment[SOURCE_VARIABLES.assumeRoleArns])),
  regions: unique(parseList(environment[SOURCE_VARIABLES.regions])),
  includeOwnAccount: environment[SOURCE_VARIABLES.includeOwnAccount]?.trim().toLowerCase() !== 'false',
});

/** An exact role ARN: a wildcard would widen sts:AssumeRole (or a trust policy) to roles nobody named. */
export const isRoleArn = (text: string): boolean =>
  /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(text);

/** A Region code (eu-west-1, us-gov-west-1): it becomes part of every ECS and Cloud Map ARN granted. */
export const isRegionCode = (text: string): boolean => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(text);

/**
 * What IAM needs of the four options, each problem naming its prop: role ARNs without wildcards,
 * Region codes, and at least one account. A variable the handler's parser already rejected
 * (`reported`, its messages) is not judged twice.
 */
export const sourcesProblems = (
  environment: Readonly<Record<string, string>>,
  reported: readonly string[] = [],
): string[] => {
  const open = (variable: string) =>
    environment[variable] !== undefined && !reported.some((message) => message.includes(variable));
  const sources = sourcesOf(environment);
  const problems: string[] = [];
  const badArns = sources.roleArns.filter((arn) => !isRoleArn(arn));
  if (open(SOURCE_VARIABLES.assumeRoleArns) && badArns.length > 0) {
    problems.push(
      `assumeRoleArns: ${badArns.map((arn) => JSON.stringify(arn)).join(', ')} ${badArns.length === 1 ? 'is not an IAM role ARN' : 'are not IAM role ARNs'}; expected arn:aws:iam::<12-digit account>:role/<name>, no wildcard`,
    );
  }
  const badRegions = sources.regions.filter((region) => !isRegionCode(region));
  if (open(SOURCE_VARIABLES.regions) && badRegions.length > 0) {
    problems.push(
      `regions: ${badRegions.map((region) => JSON.stringify(region)).join(', ')} ${badRegions.length === 1 ? 'is not a Region code' : 'are not Region codes'}; expected e.g. eu-west-1`,
    );
  }
  if (
    open(SOURCE_VARIABLES.includeOwnAccount) &&
    !sources.includeOwnAccount &&
    sources.roleArns.length === 0
  ) {
    problems.push('includeOwnAccount: false reads no account without assumeRoleArns');
  }
  return problems;
};

/**
 * Statements of the same Sid from several Regions as one: resources joined, condition values
 * joined per operator and key (IAM wants unique Sids, and one line per action reads best).
 */
const mergeBySid = (statements: readonly PolicyStatement[]): PolicyStatement[] => {
  const merged = new Map<string, PolicyStatement>();
  for (const statement of statements) {
    const sid = statement.sid ?? `#${merged.size}`;
    const into = merged.get(sid);
    if (into === undefined) {
      merged.set(sid, statement.copy());
      continue;
    }
    into.addResources(...statement.resources.filter((resource) => !into.resources.includes(resource)));
    const conditions = statement.conditions as Record<string, Record<string, string | string[]>>;
    const existing = into.conditions as Record<string, Record<string, string | string[]>>;
    for (const [operator, fields] of Object.entries(conditions)) {
      const joined: Record<string, string[]> = {};
      for (const [field, value] of Object.entries(fields)) {
        const before = existing[operator]?.[field] ?? [];
        joined[field] = unique([...[before].flat(), ...[value].flat()]);
      }
      into.addCondition(operator, joined);
    }
  }
  return [...merged.values()];
};

/**
 * The own account's discovery reads, in every Region of `regions` (none: the stack's Region). A
 * cluster given by name is granted in each Region; one given by ARN stays where its ARN points.
 */
export const regionalReadStatements = (
  stack: Stack,
  clusters: readonly string[],
  regions: readonly string[],
): PolicyStatement[] =>
  regions.length === 0
    ? discoveryReadStatements(stack, clusters)
    : mergeBySid(regions.flatMap((region) => discoveryReadStatements(stack, clusters, region)));

/**
 * Everything the role that runs discovery needs for its sources: the own account's reads (unless
 * `includeOwnAccount` is false) and `sts:AssumeRole` on exactly the member role ARNs.
 */
export const sourceStatements = (
  stack: Stack,
  clusters: readonly string[],
  sources: DiscoverySources,
): PolicyStatement[] => [
  ...(sources.includeOwnAccount ? regionalReadStatements(stack, clusters, sources.regions) : []),
  ...(sources.roleArns.length > 0 ? [assumeRoleStatement(sources.roleArns)] : []),
];
