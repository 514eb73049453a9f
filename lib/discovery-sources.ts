/**
 * The CDK side of "an organisation in one endpoint" (issue 16): the member roles discovery assumes,
 * the Regions it reads, and the IAM that follows from them. `lambda/config` is the one parser and
 * validator of these options: this module writes their `DiscoveryOptions__*` text and builds the
 * grants from the config `loadConfig` returned for the final environment (docs/decisions.md,
 * "Accounts and Regions in the CDK (issue 16)").
 */
import type { Stack } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { unique } from '../lambda/config/lists.ts';
import { variableOf } from '../lambda/config/load.ts';
import { isRegionName, isRoleArn, OPTIONS } from '../lambda/config/options.ts';
import type { DiscoveryConfig } from '../lambda/config/types.ts';
import { joinList } from './discovery-options.ts';
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

/** The props that are set, as `DiscoveryOptions__*` text in the handler's format (it parses them). */
export const sourcesEnvironment = (props: DiscoverySourcesProps): Record<string, string> => {
  const text: Record<string, string | undefined> = {
    [variableOf(OPTIONS.assumeRoleArns)]: props.assumeRoleArns && joinList(props.assumeRoleArns),
    [variableOf(OPTIONS.assumeRoleExternalId)]: props.assumeRoleExternalId,
    [variableOf(OPTIONS.includeOwnAccount)]: props.includeOwnAccount?.toString(),
    [variableOf(OPTIONS.regions)]: props.regions && joinList(props.regions),
  };
  return Object.fromEntries(
    Object.entries(text).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
};

/** What the grants are built from: the handler's checked config (`loadConfig` parsed the options). */
export type DiscoverySources = Pick<
  DiscoveryConfig,
  | 'ecsClusters'
  | 'assumeRoleArns'
  | 'regions'
  | 'includeOwnAccount'
  | 'ec2HostAddresses'
  | 'dockerLabels'
  | 'metaLabels'
>;

/** An exact role ARN: a wildcard would widen sts:AssumeRole (or a trust policy) to roles nobody named. */
export { isRoleArn };

/** A Region code (eu-west-1, us-gov-west-1): it becomes part of every ECS and Cloud Map ARN granted. */
export const isRegionCode = isRegionName;

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
  ec2HostAddresses = true,
  readsTaskDefinitions = false,
  readsNetworkInterfaces = true,
): PolicyStatement[] =>
  regions.length === 0
    ? discoveryReadStatements(stack, clusters, {
        ec2HostAddresses,
        readsTaskDefinitions,
        readsNetworkInterfaces,
      })
    : mergeBySid(
        regions.flatMap((region) =>
          discoveryReadStatements(stack, clusters, {
            region,
            ec2HostAddresses,
            readsTaskDefinitions,
            readsNetworkInterfaces,
          }),
        ),
      );

/**
 * Everything the role that runs discovery needs for its sources: the own account's reads (unless
 * `includeOwnAccount` is false) and `sts:AssumeRole` on exactly the member role ARNs.
 */
export const sourceStatements = (stack: Stack, config: DiscoverySources): PolicyStatement[] => [
  ...(config.includeOwnAccount
    ? regionalReadStatements(
        stack,
        config.ecsClusters,
        config.regions,
        config.ec2HostAddresses,
        config.dockerLabels !== 'none',
        config.metaLabels === 'full',
      )
    : []),
  ...(config.assumeRoleArns.length > 0 ? [assumeRoleStatement(config.assumeRoleArns)] : []),
];
