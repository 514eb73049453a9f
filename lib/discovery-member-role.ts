/**
 * `DiscoveryMemberRole`: in a member account, the read-only role the discovery function assumes
 * (issue 16). It trusts exactly the discovery role's ARN (with `sts:ExternalId` when one is set)
 * and carries the same least-privilege ECS and Cloud Map statements as the discovery role itself.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { ArnPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './discovery-policy.ts';
import { isRegionCode, isRoleArn, regionalReadStatements } from './discovery-sources.ts';

/** The member role's name unless `roleName` says otherwise; its ARN goes into `assumeRoleArns`. */
export const DEFAULT_MEMBER_ROLE_NAME = 'ecs-cloudmap-prometheus-sd-read';

export type DiscoveryMemberRoleProps = {
  /**
   * ARN of the role that runs discovery in the discovery account: the `DiscoveryRoleArn` output
   * of the discovery stack (the refresher's role in snapshot mode).
   */
  readonly discoveryRoleArn: string;
  /**
   * Required `sts:ExternalId` of every `AssumeRole` (the discovery side's `assumeRoleExternalId`).
   * @default - none required
   */
  readonly externalId?: string;
  /**
   * ECS cluster names or ARNs of this account to read; the ECS grants are scoped to them as for the
   * discovery role.
   * @default - every cluster of this account (namespaces mode)
   */
  readonly ecsClusters?: readonly string[];
  /**
   * Regions discovery reads in this account (the discovery side's `regions`).
   * @default - this stack's Region
   */
  readonly regions?: readonly string[];
  /**
   * The discovery side's `ec2HostAddresses`: grant `ecs:DescribeContainerInstances` and
   * `ec2:DescribeInstances` (host addresses, EC2 labels).
   * @default true
   */
  readonly ec2HostAddresses?: boolean;
  /**
   * Grant `ecs:DescribeTaskDefinition`: needed when the discovery side sets `DockerLabels` to
   * `teralytics` or `ecs-observer` (task definitions also hold the containers' environment values,
   * so only then).
   * @default false
   */
  readonly readsTaskDefinitions?: boolean;
  /**
   * Grant `ec2:DescribeNetworkInterfaces` (`__meta_ecs_public_ip` of awsvpc tasks): needed with the
   * discovery side's `MetaLabels=full` (its default); false for `compact`.
   * @default true
   */
  readonly readsNetworkInterfaces?: boolean;
  /**
   * Name of the role. A fixed name makes its ARN known before it exists
   * (`arn:aws:iam::<account>:role/<name>`).
   * @default 'ecs-cloudmap-prometheus-sd-read'
   */
  readonly roleName?: string;
};

// IAM's ExternalId: 2 to 1224 of these characters.
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Every invalid prop, each named. */
export const memberRoleProblems = (props: DiscoveryMemberRoleProps): string[] => {
  const problems: string[] = [];
  const arn = props.discoveryRoleArn;
  // One exact role: a wildcard or an account root would let other principals read the fleet.
  if (!Token.isUnresolved(arn) && !isRoleArn(arn)) {
    problems.push(
      `discoveryRoleArn: ${JSON.stringify(arn)} is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name> (the DiscoveryRoleArn output of the discovery stack)`,
    );
  }
  const externalId = props.externalId;
  if (externalId !== undefined && !Token.isUnresolved(externalId) && !EXTERNAL_ID.test(externalId)) {
    problems.push('externalId: expected 2 to 1224 letters, digits or +=,.@:/-');
  }
  const badRegions = (props.regions ?? []).filter((region) => !isRegionCode(region));
  if (badRegions.length > 0) {
    problems.push(
      `regions: ${badRegions.map((region) => JSON.stringify(region)).join(', ')}: expected Region codes such as eu-west-1`,
    );
  }
  const name = props.roleName;
  if (name !== undefined && !Token.isUnresolved(name) && !ROLE_NAME.test(name)) {
    problems.push(`roleName: ${JSON.stringify(name)} is not 1 to 64 letters, digits or +=,.@_-`);
  }
  return problems;
};

export class DiscoveryMemberRole extends Construct {
  /** The read-only role; its ARN is what the discovery side lists in `assumeRoleArns`. */
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: DiscoveryMemberRoleProps) {
    super(scope, id);
    const problems = memberRoleProblems(props);
    if (problems.length > 0) {
      throw new Error(`Invalid DiscoveryMemberRole props:\n- ${problems.join('\n- ')}`);
    }
    const stack = Stack.of(this);
    const trusted = new ArnPrincipal(props.discoveryRoleArn);
    this.role = new Role(this, 'Role', {
      roleName: props.roleName ?? DEFAULT_MEMBER_ROLE_NAME,
      assumedBy:
        props.externalId === undefined
          ? trusted
          : trusted.withConditions({ StringEquals: { 'sts:ExternalId': props.externalId } }),
      description:
        'ECS / Cloud Map Prometheus service discovery: read-only discovery calls for another account',
    });
    // The same reads as the discovery side's options ask for, and no more (docs/decisions.md,
    // "Accounts and Regions in the CDK (issue 16)").
    const statements = regionalReadStatements(
      stack,
      props.ecsClusters ?? [],
      props.regions ?? [],
      props.ec2HostAddresses ?? true,
      props.readsTaskDefinitions ?? false,
      props.readsNetworkInterfaces ?? true,
    );
    for (const statement of statements) {
      this.role.addToPrincipalPolicy(statement);
    }
    // The same wildcard lines as the discovery role, acknowledged with the same reasons.
    acknowledgeWildcards(stack, this.role, statements);
  }
}
