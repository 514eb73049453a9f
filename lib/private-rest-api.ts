/**
 * `PrivateDiscoveryApi`: an API Gateway PRIVATE REST API in front of the discovery function,
 * reachable only through one interface VPC endpoint for `execute-api` (given, or created in a VPC),
 * for Prometheus servers with no route to the internet (issue 16). The resource policy allows
 * `execute-api:Invoke` only through that endpoint and denies everything else; the handler still
 * checks the bearer token. docs/decisions.md, "Accounts and Regions in the CDK (issue 16)".
 */
import { Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  type IInterfaceVpcEndpoint,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { Effect, PolicyDocument, PolicyStatement, StarPrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The stage of the private API; it is the first segment of every URL path. */
export const PRIVATE_API_STAGE = 'v1';

export type PrivateDiscoveryApiProps = {
  /** The serving function (its buffered `handler`: REST APIs cannot stream). */
  readonly handler: IFunction;
  /** The paths to route, GET and HEAD each. */
  readonly paths: readonly string[];
  /**
   * The interface VPC endpoint for `execute-api` the API accepts calls through.
   * @default - one is created in `endpointVpc`
   */
  readonly vpcEndpoint?: IInterfaceVpcEndpoint;
  /** VPC to create the endpoint in, when `vpcEndpoint` is not given. */
  readonly endpointVpc?: IVpc;
  /**
   * Subnets of the created endpoint.
   * @default - the VPC's private subnets, one per Availability Zone
   */
  readonly endpointSubnets?: SubnetSelection;
  /** Stage throttling: steady requests per second and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Access logs of the stage, kept this long. REST API logging needs the account's API Gateway
   * CloudWatch Logs role (set once per account and Region), so it is off unless asked for.
   * @default - no access logs
   */
  readonly accessLogRetention?: RetentionDays;
  /** Whether the handler checks a bearer token (the reason given to cdk-nag for APIG4). */
  readonly tokenChecked: boolean;
};

export class PrivateDiscoveryApi extends Construct {
  /** The PRIVATE REST API. */
  public readonly api: RestApi;
  /** The endpoint it accepts calls through. */
  public readonly vpcEndpoint: IInterfaceVpcEndpoint;
  /** The stage's access log group, when access logs are on. */
  public readonly accessLogs?: LogGroup;
  /**
   * Full URL of `/prometheus-targets` by the endpoint-specific host name
   * (`<api id>-<vpce id>.execute-api...`), which resolves inside the VPC whether or not the endpoint
   * has private DNS.
   */
  public readonly targetsUrl: string;

  constructor(scope: Construct, id: string, props: PrivateDiscoveryApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.vpcEndpoint) {
      this.vpcEndpoint = props.vpcEndpoint;
    } else if (props.endpointVpc) {
      // Private DNS off: with it, every *.execute-api name in the VPC resolves to this endpoint and
      // the VPC loses its way to public APIs; the endpoint-specific host name needs no private DNS.
      this.vpcEndpoint = new InterfaceVpcEndpoint(this, 'ExecuteApiEndpoint', {
        vpc: props.endpointVpc,
        service: InterfaceVpcEndpointAwsService.APIGATEWAY,
        subnets: props.endpointSubnets,
        privateDnsEnabled: false,
      });
      // `open` (the default) admits 443 from the VPC's own CIDR block, a token cdk-nag cannot read.
      Validations.of(this.vpcEndpoint).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: "The endpoint's security group admits TCP 443 from the VPC's own CIDR block only.",
      });
    } else {
      throw new Error('PrivateDiscoveryApi: give vpcEndpoint or endpointVpc');
    }
    const endpointId = this.vpcEndpoint.vpcEndpointId;
    const invoke = (sid: string, effect: Effect, operator: string) =>
      new PolicyStatement({
        sid,
        effect,
        principals: [new StarPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
        conditions: { [operator]: { 'aws:SourceVpce': endpointId } },
      });

    this.accessLogs =
      props.accessLogRetention === undefined
        ? undefined
        : new LogGroup(this, 'AccessLogs', { retention: props.accessLogRetention });
    this.api = new RestApi(this, 'Api', {
      restApiName: `${stack.stackName}-private`,
      description: 'Prometheus http_sd endpoint for ECS and Cloud Map (private)',
      endpointConfiguration: { types: [EndpointType.PRIVATE], vpcEndpoints: [this.vpcEndpoint] },
      policy: new PolicyDocument({
        statements: [
          invoke('DenyOutsideTheEndpoint', Effect.DENY, 'StringNotEquals'),
          invoke('AllowThroughTheEndpoint', Effect.ALLOW, 'StringEquals'),
        ],
      }),
      // The account-wide API Gateway logging role is the account's business, not this stack's.
      cloudWatchRole: false,
      // The handler answers gzip (base64) when asked: API Gateway decodes it only for a binary type.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: PRIVATE_API_STAGE,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        ...(this.accessLogs && {
          accessLogDestination: new LogGroupLogDestination(this.accessLogs),
          accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        }),
      },
    });
    // RestApi always outputs its stage URL by the API's own host name, which resolves only with
    // private DNS on the endpoint; `targetsUrl` (the stack's TargetsUrl) works either way.
    this.api.node.tryRemoveChild('Endpoint');
    const integration = new LambdaIntegration(props.handler, { allowTestInvoke: false });
    for (const path of props.paths) {
      const resource = this.api.root.resourceForPath(path);
      resource.addMethod('GET', integration);
      resource.addMethod('HEAD', integration);
    }
    this.targetsUrl = `https://${this.api.restApiId}-${endpointId}.execute-api.${stack.region}.${stack.urlSuffix}/${PRIVATE_API_STAGE}/prometheus-targets`;

    const acknowledge = (id: string, reason: string) => Validations.of(this.api).acknowledge({ id, reason });
    const authorization = props.tokenChecked
      ? 'The handler authorizes every data request with the bearer token (constant-time compare); the resource policy admits only the VPC endpoint.'
      : 'allowUnauthenticated was set explicitly (a synth warning says so); the resource policy admits only the VPC endpoint.';
    acknowledge('AwsSolutions-APIG4', authorization);
    acknowledge('AwsSolutions-COG4', authorization);
    acknowledge(
      'AwsSolutions-APIG2',
      'GET and HEAD without a body or required parameters; the handler answers unknown paths and methods itself.',
    );
    acknowledge(
      'AwsSolutions-APIG3',
      'Reachable only through one interface VPC endpoint (resource policy); the stage throttle and the reserved concurrency cap a flood.',
    );
    acknowledge(
      'AwsSolutions-APIG6',
      'Execution logging needs the account-wide API Gateway CloudWatch role; the function logs every request itself.',
    );
    if (!this.accessLogs) {
      acknowledge(
        'AwsSolutions-APIG1',
        'Access logs need the account-wide API Gateway CloudWatch role, which a fresh account lacks (the deployment would fail); privateApiAccessLogs turns them on. The function logs every request.',
      );
    }
  }
}
