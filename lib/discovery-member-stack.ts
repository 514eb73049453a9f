/**
 * The member stack (`cdk deploy -c stack=member -c discoveryRoleArn=...`): one `DiscoveryMemberRole`
 * in a member account, and its ARN as the output to add to the discovery stack's `assumeRoleArns`.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DiscoveryMemberRole, type DiscoveryMemberRoleProps } from './discovery-member-role.ts';

export type DiscoveryMemberStackProps = StackProps & {
  /** Everything the construct takes. */
  readonly member: DiscoveryMemberRoleProps;
};

export class DiscoveryMemberStack extends Stack {
  public readonly member: DiscoveryMemberRole;

  constructor(scope: Construct, id: string, props: DiscoveryMemberStackProps) {
    super(scope, id, props);
    this.member = new DiscoveryMemberRole(this, 'Member', props.member);
    new CfnOutput(this, 'MemberRoleArn', {
      description: "Add to the discovery stack's assumeRoleArns (-c 'assumeRoleArns=<arn>;...')",
      value: this.member.role.roleArn,
    });
  }
}
