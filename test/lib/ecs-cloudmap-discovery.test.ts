import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnResource } from 'aws-cdk-lib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { discoveryEnvironment } from '../../lib/discovery-options.ts';
import { cloudMapStatements, ecsStatements } from '../../lib/discovery-policy.ts';
import { sourceStatements } from '../../lib/discovery-sources.ts';
import { EcsCloudMapDiscovery, type EcsCloudMapDiscoveryProps } from '../../lib/ecs-cloudmap-discovery.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const LAMBDA_AWS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lambda', 'aws');
const CALLED_ACTION = /'((?:ecs|servicediscovery|ec2):[A-Za-z]+)'/g;

type Synthesized = {
  readonly stack: Stack;
  readonly discovery: EcsCloudMapDiscovery;
  readonly template: Template;
  readonly id: (construct: { node: { defaultChild?: unknown } }) => string;
};

/** One stack per variant; bundling is the slow part, so each variant is synthesized once. */
const synth = (props: EcsCloudMapDiscoveryProps): Synthesized => {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: ENV });
  const discovery = new EcsCloudMapDiscovery(stack, 'Discovery', props);
  return {
    stack,
    discovery,
    template: Template.fromStack(stack),
    id: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnResource),
  };
};

/** `arn:${AWS::Partition}<rest>` as CloudFormation renders it. */
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

const cloudMapPolicy = [
  {
    Sid: 'CloudMapList',
    Effect: 'Allow',
    Action: [
      'servicediscovery:ListNamespaces',
      'servicediscovery:ListServices',
      'servicediscovery:ListTagsForResource',
      'servicediscovery:DiscoverInstances',
    ],
    Resource: '*',
  },
  {
    Sid: 'CloudMapServiceReads',
    Effect: 'Allow',
    Action: ['servicediscovery:GetService', 'servicediscovery:ListInstances'],
    Resource: arn(':servicediscovery:eu-west-1:123456789012:service/*'),
  },
];

const logStatement = (logGroupId: string) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
});

const policyDocument = (template: Template) => {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument;
};

const nagViolations = (stack: Stack): string[] =>
  new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);

describe('EcsCloudMapDiscovery, embedded mode (Function URL + generated bearer token)', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({
      snapshot: false,
      ecsClusters: ['prod', 'arn:aws:ecs:us-east-1:210987654321:cluster/staging'],
      extraPrometheusLabels: { region: 'eu;west', formula: 'a=b' },
      cacheTtlSeconds: 30,
    });
  });

  it('runs Node.js 22 on arm64 with the streaming handler, 512 MB, 30 s, its own log group', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.streamingHandler',
      MemorySize: 512,
      Timeout: 30,
      LoggingConfig: { LogGroup: { Ref: synthesized.id(synthesized.discovery.logGroup) } },
    });
    synthesized.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('passes the props as escaped DiscoveryOptions__ variables, plus the secret ARN and no plaintext token', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          DiscoveryOptions__EcsClusters: 'prod;arn:aws:ecs:us-east-1:210987654321:cluster/staging',
          DiscoveryOptions__ExtraPrometheusLabels: 'region=eu%;west;formula=a%=b',
          DiscoveryOptions__CacheTtlSeconds: '30',
          DiscoveryOptions__BearerTokenSecret: { Ref: synthesized.id(synthesized.discovery.secret!) },
          POWERTOOLS_SERVICE_NAME: 'ecs-cloudmap-prometheus-sd',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('exposes a Function URL with auth NONE in RESPONSE_STREAM mode', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::Lambda::Url', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
    });
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
  });

  it('generates a 48-character alphanumeric token into a Secrets Manager secret', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 48 },
    });
  });

  it('grants exactly the discovery calls, scoped to the clusters, and reading this secret only', () => {
    // Assess
    const clusters = [
      arn(':ecs:eu-west-1:123456789012:cluster/prod'),
      'arn:aws:ecs:us-east-1:210987654321:cluster/staging',
    ];
    expect(policyDocument(synthesized.template)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EcsDescribeClusters', Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: clusters },
        {
          Sid: 'EcsDescribeServices',
          Effect: 'Allow',
          Action: 'ecs:DescribeServices',
          Resource: [
            arn(':ecs:eu-west-1:123456789012:service/prod/*'),
            'arn:aws:ecs:us-east-1:210987654321:service/staging/*',
          ],
        },
        {
          Sid: 'EcsDescribeTasks',
          Effect: 'Allow',
          Action: 'ecs:DescribeTasks',
          Resource: [
            arn(':ecs:eu-west-1:123456789012:task/prod/*'),
            'arn:aws:ecs:us-east-1:210987654321:task/staging/*',
          ],
        },
        {
          Sid: 'EcsListInClusters',
          Effect: 'Allow',
          Action: ['ecs:ListServices', 'ecs:ListTasks'],
          Resource: '*',
          Condition: { ArnEquals: { 'ecs:cluster': clusters } },
        },
        {
          Sid: 'EcsListServicesByNamespace',
          Effect: 'Allow',
          Action: 'ecs:ListServicesByNamespace',
          Resource: '*',
        },
        {
          Sid: 'EcsDescribeContainerInstances',
          Effect: 'Allow',
          Action: 'ecs:DescribeContainerInstances',
          Resource: [
            arn(':ecs:eu-west-1:123456789012:container-instance/prod/*'),
            'arn:aws:ecs:us-east-1:210987654321:container-instance/staging/*',
          ],
        },
        { Sid: 'Ec2DescribeInstances', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
        {
          Sid: 'Ec2DescribeNetworkInterfaces',
          Effect: 'Allow',
          Action: 'ec2:DescribeNetworkInterfaces',
          Resource: '*',
        },
        ...cloudMapPolicy,
        logStatement(synthesized.id(synthesized.discovery.logGroup)),
        {
          Sid: 'ReadBearerToken',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: { Ref: synthesized.id(synthesized.discovery.secret!) },
        },
      ],
    });
  });

  it('attaches no managed policy to the role', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Act
    const violations = nagViolations(synthesized.stack);

    // Assess
    expect(violations).toEqual([]);
  });

  it('renders a Prometheus scrape config that reads the token from a file', () => {
    // Act
    const snippet = synthesized.stack.resolve(synthesized.discovery.prometheusScrapeConfig('/run/token'));

    // Assess
    const urlId = synthesized.id(synthesized.discovery.url!);
    expect(snippet).toEqual({
      'Fn::Join': [
        '',
        [
          '- job_name: ecs-cloudmap\n  http_sd_configs:\n    - url: ',
          { 'Fn::GetAtt': [urlId, 'FunctionUrl'] },
          'prometheus-targets\n      refresh_interval: 60s\n      authorization:\n        type: Bearer\n        credentials_file: /run/token',
        ],
      ],
    });
  });
});

describe('EcsCloudMapDiscovery, embedded mode, Function URL with AWS_IAM, namespaces only', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({
      snapshot: false,
      cloudMapNamespaces: ['app.local'],
      accessMode: 'function-url-iam',
      responseStreaming: false,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: 5,
      logLevel: 'DEBUG',
    });
  });

  it('uses AWS_IAM auth, the buffered handler, and creates no secret', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      InvokeMode: 'BUFFERED',
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 60,
      ReservedConcurrentExecutions: 5,
      Environment: {
        Variables: Match.objectEquals({
          DiscoveryOptions__CloudMapNamespaces: 'app.local',
          POWERTOOLS_SERVICE_NAME: 'ecs-cloudmap-prometheus-sd',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    synthesized.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    synthesized.template.resourceCountIs('AWS::Lambda::Permission', 0);
    expect(synthesized.discovery.secret).toBeUndefined();
  });

  it('grants the ECS calls on every cluster of the account and region, with no secret access', () => {
    // Assess
    expect(policyDocument(synthesized.template)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'EcsDescribeClusters',
          Effect: 'Allow',
          Action: 'ecs:DescribeClusters',
          Resource: arn(':ecs:eu-west-1:123456789012:cluster/*'),
        },
        {
          Sid: 'EcsDescribeServices',
          Effect: 'Allow',
          Action: 'ecs:DescribeServices',
          Resource: arn(':ecs:eu-west-1:123456789012:service/*'),
        },
        {
          Sid: 'EcsDescribeTasks',
          Effect: 'Allow',
          Action: 'ecs:DescribeTasks',
          Resource: arn(':ecs:eu-west-1:123456789012:task/*'),
        },
        {
          Sid: 'EcsListInClusters',
          Effect: 'Allow',
          Action: ['ecs:ListServices', 'ecs:ListTasks'],
          Resource: '*',
        },
        {
          Sid: 'EcsListServicesByNamespace',
          Effect: 'Allow',
          Action: 'ecs:ListServicesByNamespace',
          Resource: '*',
        },
        {
          Sid: 'EcsDescribeContainerInstances',
          Effect: 'Allow',
          Action: 'ecs:DescribeContainerInstances',
          Resource: arn(':ecs:eu-west-1:123456789012:container-instance/*'),
        },
        { Sid: 'Ec2DescribeInstances', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
        {
          Sid: 'Ec2DescribeNetworkInterfaces',
          Effect: 'Allow',
          Action: 'ec2:DescribeNetworkInterfaces',
          Resource: '*',
        },
        ...cloudMapPolicy,
        logStatement(synthesized.id(synthesized.discovery.logGroup)),
      ],
    });
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(synthesized.stack)).toEqual([]);
  });

  it('renders a scrape config without authorization', () => {
    // Act
    const snippet = JSON.stringify(synthesized.stack.resolve(synthesized.discovery.prometheusScrapeConfig()));

    // Assess
    expect(snippet).not.toContain('authorization');
  });
});

describe('EcsCloudMapDiscovery, API Gateway HTTP API + bearer token', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ ecsClusters: ['prod'], accessMode: 'http-api-token', architecture: undefined });
  });

  it('routes GET and HEAD of each endpoint to the buffered handler, with no Function URL', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::Lambda::Url', 0);
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler' });
    const routeKeys = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual([
      'GET /debug/targets',
      'GET /health',
      'GET /metrics',
      'GET /prometheus-targets',
      'HEAD /debug/targets',
      'HEAD /health',
      'HEAD /metrics',
      'HEAD /prometheus-targets',
    ]);
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('deploys the $default stage with access logs', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('caps cost by default: 10 reserved concurrent executions and a 50 rps / 100 burst stage throttle', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('wires the token secret into the function and lets only API Gateway invoke it', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DiscoveryOptions__BearerTokenSecret: { Ref: synthesized.id(synthesized.discovery.secret!) },
        }),
      },
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(synthesized.stack)).toEqual([]);
  });
});

describe('EcsCloudMapDiscovery cost caps', () => {
  it('reserves 10 concurrent executions by default in Function URL mode too', () => {
    // Act
    const { template } = synth({ ecsClusters: ['prod'] });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
  });

  it('takes the reserved concurrency and the stage throttle from props', () => {
    // Act
    const { template } = synth({
      ecsClusters: ['prod'],
      accessMode: 'http-api-token',
      reservedConcurrentExecutions: 3,
      httpApiThrottle: { rateLimit: 5, burstLimit: 20 },
    });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 },
    });
  });

  it('refuses a stage throttle that cannot work', () => {
    // Prepare
    const stack = new Stack(new App(), 'Test', { env: ENV });

    // Act
    const create = () =>
      new EcsCloudMapDiscovery(stack, 'Discovery', {
        ecsClusters: ['prod'],
        httpApiThrottle: { rateLimit: 0, burstLimit: 2.5 },
      });

    // Assess
    expect(create).toThrow(
      [
        'Invalid EcsCloudMapDiscovery props:',
        "- httpApiThrottle: only used with accessMode 'http-api-token' or 'private-api'",
        '- httpApiThrottle.rateLimit: 0 is not a number above 0 (requests per second)',
        '- httpApiThrottle.burstLimit: 2.5 is not an integer of 1 or more',
      ].join('\n'),
    );
  });
});

describe('EcsCloudMapDiscovery, explicit unauthenticated opt-out', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ ecsClusters: ['prod'], allowUnauthenticated: true });
  });

  it('creates no secret and sets no token variable', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DiscoveryOptions__BearerTokenSecret: Match.absent() }) },
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('warns at synth that the endpoint is public', () => {
    // Assess
    Annotations.fromStack(synthesized.stack).hasWarning(
      '/Test/Discovery',
      Match.stringLikeRegexp('allowUnauthenticated is set: the discovery endpoint is public'),
    );
  });
});

describe('EcsCloudMapDiscovery in a VPC', () => {
  it('adds the ENI permissions Lambda needs and nothing else', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Vpc', { env: ENV });
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });

    // Act
    new EcsCloudMapDiscovery(stack, 'Discovery', { ecsClusters: ['prod'], vpc });

    // Assess
    const statements = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const vpcStatement = Object.values(statements)[0]?.Properties.PolicyDocument.Statement.find(
      (statement: { Sid?: string }) => statement.Sid === 'VpcNetworkInterfaces',
    );
    expect(vpcStatement).toEqual({
      Sid: 'VpcNetworkInterfaces',
      Effect: 'Allow',
      Action: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: '*',
    });
  });
});

describe('EcsCloudMapDiscovery props validation', () => {
  it('rejects contradictory and out-of-range props with every message at once', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Invalid', { env: ENV });
    const props: EcsCloudMapDiscoveryProps = {
      accessMode: 'http-api-token',
      responseStreaming: true,
      timeout: Duration.minutes(2),
      memorySize: 64,
      reservedConcurrentExecutions: 0,
      securityGroups: [],
      cacheTtlSeconds: -1,
    };

    // Act
    const create = () => new EcsCloudMapDiscovery(stack, 'Discovery', props);

    // Assess
    expect(create).toThrow(
      [
        'Invalid EcsCloudMapDiscovery props:',
        // The discovery options in the handler's own words (its loadConfig judges them).
        '- cacheTtlSeconds: DiscoveryOptions__CacheTtlSeconds="-1" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
        '- ecsClusters: DiscoveryOptions__EcsClusters=(unset) and DiscoveryOptions__CloudMapNamespaces=(unset) name nothing: expected at least one ECS cluster or Cloud Map namespace',
        "- responseStreaming: API Gateway HTTP API cannot stream Lambda responses (accessMode 'http-api-token')",
        '- timeout: 120 s exceeds the HTTP API integration limit of 30 s',
        '- memorySize: 64 is not an integer from 128 to 10240 (MB)',
        '- reservedConcurrentExecutions: 0 is not an integer of 1 or more',
        '- vpcSubnets, securityGroups: only valid together with vpc',
      ].join('\n'),
    );
  });

  it.each([
    [
      { accessMode: 'function-url-iam', allowUnauthenticated: true },
      "allowUnauthenticated: cannot be combined with accessMode 'function-url-iam'",
    ],
    [
      { accessMode: 'public' },
      'accessMode: "public" is not one of function-url-token, function-url-iam, http-api-token, private-api',
    ],
    [{ timeout: Duration.minutes(20) }, 'timeout: 1200 s is outside 1..900 s'],
  ] as const)('rejects %j', (extra, message) => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Invalid', { env: ENV });
    const props = { ecsClusters: ['prod'], ...extra } as EcsCloudMapDiscoveryProps;

    // Act
    const create = () => new EcsCloudMapDiscovery(stack, 'Discovery', props);

    // Assess
    expect(create).toThrow(`Invalid EcsCloudMapDiscovery props:\n- ${message}`);
  });
});

describe('the cdk-nag check used above', () => {
  it('reports an unacknowledged finding, so a clean result means something', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Bare', { env: ENV });
    new Secret(stack, 'Unrotated');

    // Act
    const violations = nagViolations(stack);

    // Assess
    expect(violations).toEqual(['AwsSolutions-SMG4']);
  });
});

describe('ec2HostAddresses: false', () => {
  it('leaves ecs:DescribeContainerInstances and ec2:DescribeInstances out and tells the handler', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'NoEc2', { env: ENV });

    // Act
    const actions = ecsStatements(stack, ['prod'], { ec2HostAddresses: false }).flatMap(
      (statement) => statement.actions,
    );

    // Assess
    expect(actions).not.toContain('ecs:DescribeContainerInstances');
    expect(actions).not.toContain('ec2:DescribeInstances');
    expect(actions).not.toContain('ec2:DescribeNetworkInterfaces');
    expect(discoveryEnvironment({ ecsClusters: ['prod'], ec2HostAddresses: false })).toEqual({
      DiscoveryOptions__EcsClusters: 'prod',
      DiscoveryOptions__Ec2HostAddresses: 'false',
    });
  });
});

describe('ec2:DescribeNetworkInterfaces (EC2 labels, MetaLabels=full)', () => {
  it('is granted with MetaLabels=full (the default) and left out with MetaLabels=compact', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Enis', { env: ENV });
    const actionsOf = (metaLabels: string) =>
      sourceStatements(
        stack,
        loadConfig({ DiscoveryOptions__EcsClusters: 'prod', DiscoveryOptions__MetaLabels: metaLabels }),
      ).flatMap((statement) => statement.actions);

    // Act
    const [full, compact] = [actionsOf('full'), actionsOf('compact')];

    // Assess
    expect(full).toContain('ec2:DescribeNetworkInterfaces');
    expect(compact).not.toContain('ec2:DescribeNetworkInterfaces');
    expect(compact).toContain('ec2:DescribeInstances');
  });
});

describe('the IAM actions and the discovery core', () => {
  it('grant exactly the ECS and Cloud Map actions the core names in its AWS calls', () => {
    // Prepare: every 'ecs:…' / 'servicediscovery:…' action the readers pass to ctx.call (limits.ts
    // lists AWS's throttling buckets, which name actions the core never calls).
    const sources = readdirSync(LAMBDA_AWS_DIR)
      .filter((file) => file.endsWith('.ts') && file !== 'limits.ts')
      .map((file) => readFileSync(join(LAMBDA_AWS_DIR, file), 'utf8'));
    const called = new Set(
      sources.flatMap((source) => [...source.matchAll(CALLED_ACTION)].map((match) => match[1])),
    );
    const app = new App();
    const stack = new Stack(app, 'Actions', { env: ENV });

    // Act: every optional grant on (EC2 hosts, DockerLabels' task definitions).
    const granted = [
      ...ecsStatements(stack, ['prod'], { ec2HostAddresses: true, readsTaskDefinitions: true }),
      ...cloudMapStatements(stack),
    ].flatMap((statement) => statement.actions);

    // Assess
    expect([...called].sort()).toEqual([...granted].sort());
  });
});
