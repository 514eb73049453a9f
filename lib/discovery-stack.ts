/**
 * The deployable stack: one `EcsCloudMapDiscovery` and the outputs an operator pastes into
 * Prometheus or the ADOT collector.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { InterfaceVpcEndpoint } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { EcsCloudMapDiscovery, type EcsCloudMapDiscoveryProps } from './ecs-cloudmap-discovery.ts';

export type DiscoveryStackProps = StackProps & {
  /** Everything the construct takes. */
  readonly discovery: EcsCloudMapDiscoveryProps;
  /**
   * `private-api` mode: the id of an existing interface VPC endpoint for `execute-api`, imported
   * as `discovery.vpcEndpoint` (the CDK app's `-c vpcEndpointId`).
   * @default - none
   */
  readonly vpcEndpointId?: string;
};

/** Where the stack output's snippet expects the token file. */
export const TOKEN_FILE = '/etc/prometheus/ecs-sd-token';

export class DiscoveryStack extends Stack {
  public readonly discovery: EcsCloudMapDiscovery;

  constructor(scope: Construct, id: string, props: DiscoveryStackProps) {
    super(scope, id, props);
    const vpcEndpoint =
      props.vpcEndpointId === undefined
        ? undefined
        : InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(this, 'ExecuteApiEndpoint', {
            vpcEndpointId: props.vpcEndpointId,
            port: 443,
          });
    this.discovery = new EcsCloudMapDiscovery(this, 'Discovery', {
      ...props.discovery,
      ...(vpcEndpoint && { vpcEndpoint }),
    });

    new CfnOutput(this, 'TargetsUrl', {
      description: 'http_sd URL for Prometheus (GET /prometheus-targets)',
      value: this.discovery.targetsUrl,
    });
    if (this.discovery.secret) {
      new CfnOutput(this, 'BearerTokenSecretArn', {
        description: 'Secrets Manager secret holding the bearer token',
        value: this.discovery.secret.secretArn,
      });
      new CfnOutput(this, 'FetchTokenCommand', {
        description: 'Writes the token where the Prometheus snippet expects it',
        value: `aws secretsmanager get-secret-value --secret-id ${this.discovery.secret.secretArn} --query SecretString --output text > ${TOKEN_FILE}`,
      });
    }
    new CfnOutput(this, 'DiscoveryRoleArn', {
      description:
        'The role that runs discovery: member roles trust it (cdk deploy -c stack=member -c discoveryRoleArn=<this>)',
      value: this.discovery.discoveryRole.roleArn,
    });
    new CfnOutput(this, 'PrometheusScrapeConfig', {
      description: 'Paste under scrape_configs: in prometheus.yml',
      value: this.discovery.prometheusScrapeConfig(TOKEN_FILE),
    });
  }
}
