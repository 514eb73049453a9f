import { App, type CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { InterfaceVpcEndpoint, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EcsCloudMapDiscovery, type EcsCloudMapDiscoveryProps } from '../../lib/ecs-cloudmap-discovery.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const ENDPOINT_ID = 'vpce-0123456789abcdef0';

const policyFor = (endpoint: unknown) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOutsideTheEndpoint',
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': endpoint } },
    },
    {
      Sid: 'AllowThroughTheEndpoint',
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*',
      Condition: { StringEquals: { 'aws:SourceVpce': endpoint } },
    },
  ],
});

const nagViolations = (stack: Stack) =>
  new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);

describe('EcsCloudMapDiscovery, private REST API through a given VPC endpoint', () => {
  let stack: Stack;
  let discovery: EcsCloudMapDiscovery;
  let template: Template;
  beforeAll(() => {
    stack = new Stack(new App(), 'Private', { env: ENV });
    const vpcEndpoint = InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'Endpoint', {
      vpcEndpointId: ENDPOINT_ID,
      port: 443,
    });
    discovery = new EcsCloudMapDiscovery(stack, 'Discovery', {
      ecsClusters: ['prod'],
      accessMode: 'private-api',
      vpcEndpoint,
    });
    template = Template.fromStack(stack);
  });

  it('is a PRIVATE REST API associated with the endpoint, with no Function URL and no HTTP API', () => {
    // Assess
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [ENDPOINT_ID] },
      BinaryMediaTypes: ['*/*'],
    });
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('allows execute-api:Invoke only from that endpoint and denies everything else', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Policy: policyFor(ENDPOINT_ID) });
  });

  it('routes GET and HEAD of each endpoint path to the buffered handler, without authorizer', () => {
    // Assess
    const resources = template.findResources('AWS::ApiGateway::Resource');
    const pathOf = (id: string) => `/${resources[id]?.Properties.PathPart}`;
    const routes = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .map((method) => `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId.Ref)}`)
      .sort();
    expect(routes).toEqual([
      'GET /health',
      'GET /metrics',
      'GET /prometheus-targets',
      'GET /targets', // /debug/targets (the explain view): its last path part
      'HEAD /health',
      'HEAD /metrics',
      'HEAD /prometheus-targets',
      'HEAD /targets',
    ]);
    template.allResourcesProperties('AWS::ApiGateway::Method', {
      AuthorizationType: 'NONE',
      Integration: Match.objectLike({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 29 });
  });

  it('throttles the stage at 50 rps / 100 burst and keeps no access log by default', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
      AccessLogSetting: Match.absent(),
    });
  });

  it('keeps the bearer token: the secret is wired into the function', () => {
    // Assess
    const secretId = stack.getLogicalId(discovery.secret!.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ DiscoveryOptions__BearerTokenSecret: { Ref: secretId } }),
      },
    });
  });

  it('gives the endpoint-specific URL, which resolves without private DNS', () => {
    // Assess
    const apiId = stack.getLogicalId(discovery.privateApi!.api.node.defaultChild as CfnResource);
    expect(stack.resolve(discovery.targetsUrl)).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: apiId },
          `-${ENDPOINT_ID}.execute-api.eu-west-1.`,
          { Ref: 'AWS::URLSuffix' },
          '/v1/prometheus-targets',
        ],
      ],
    });
    expect(template.findOutputs('*')).toEqual({});
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(stack)).toEqual([]);
  });
});

describe('EcsCloudMapDiscovery, private REST API with an endpoint created in a VPC', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = new Stack(new App(), 'PrivateVpc', { env: ENV });
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    Validations.of(vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason: 'The test fixture, not the product.',
    });
    new EcsCloudMapDiscovery(stack, 'Discovery', {
      cloudMapNamespaces: ['app.local'],
      accessMode: 'private-api',
      privateApiVpc: vpc,
      privateApiAccessLogs: true,
      httpApiThrottle: { rateLimit: 5, burstLimit: 10 },
    });
    template = Template.fromStack(stack);
  });

  it('creates an execute-api interface endpoint with private DNS off, and admits only it', () => {
    // Assess
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: 'com.amazonaws.eu-west-1.execute-api',
      PrivateDnsEnabled: false,
    });
    const endpointId = Object.keys(template.findResources('AWS::EC2::VPCEndpoint'))[0];
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: [{ Ref: endpointId }] },
      Policy: policyFor({ Ref: endpointId }),
    });
  });

  it('writes JSON access logs to its own log group and takes the throttle from props', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(stack)).toEqual([]);
  });
});

describe('EcsCloudMapDiscovery, private REST API props', () => {
  it.each([
    [
      { accessMode: 'private-api' },
      "vpcEndpoint, privateApiVpc: accessMode 'private-api' needs exactly one (the execute-api endpoint, or the VPC to create it in)",
    ],
    [
      { accessMode: 'private-api', responseStreaming: true },
      [
        "vpcEndpoint, privateApiVpc: accessMode 'private-api' needs exactly one (the execute-api endpoint, or the VPC to create it in)",
        "responseStreaming: API Gateway REST APIs cannot stream Lambda responses (accessMode 'private-api')",
      ].join('\n- '),
    ],
    [{ privateApiAccessLogs: true }, "privateApiAccessLogs: only used with accessMode 'private-api'"],
  ] as const)('rejects %j', (extra, message) => {
    // Prepare
    const stack = new Stack(new App(), 'Invalid', { env: ENV });
    const props = { ecsClusters: ['prod'], ...extra } as EcsCloudMapDiscoveryProps;

    // Act
    const create = () => new EcsCloudMapDiscovery(stack, 'Discovery', props);

    // Assess
    expect(create).toThrow(`Invalid EcsCloudMapDiscovery props:\n- ${message}`);
  });

  it('refuses a function timeout the REST API integration cannot wait for', () => {
    // Prepare
    const stack = new Stack(new App(), 'Invalid', { env: ENV });
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });

    // Act
    const create = () =>
      new EcsCloudMapDiscovery(stack, 'Discovery', {
        ecsClusters: ['prod'],
        accessMode: 'private-api',
        privateApiVpc: vpc,
        timeout: Duration.seconds(30),
      });

    // Assess
    expect(create).toThrow('- timeout: 30 s exceeds the REST API integration limit of 29 s');
  });
});
