import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  InvalidContextError,
  readAppSettings,
  readMemberSettings,
  readStackKind,
} from '../../lib/app-settings.ts';
import { createDiscoveryApp } from '../../lib/discovery-app.ts';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

const DISCOVERY_ROLE = 'arn:aws:iam::123456789012:role/EcsCloudMapPrometheusSd-DiscoveryRefresherRole-AbC';
const MEMBER = 'arn:aws:iam::210987654321:role/ecs-cloudmap-prometheus-sd-read';

const problemsOf = (read: () => unknown): readonly string[] => {
  try {
    read();
  } catch (error) {
    if (error instanceof InvalidContextError) return error.problems;
    throw error;
  }
  return [];
};

describe('the source and private-API settings', () => {
  it('reads -c strings with the handler list syntax and cdk.json arrays alike', () => {
    // Act
    const fromCli = readAppSettings(
      contextOf({
        ecsClusters: 'prod',
        assumeRoleArns: `${MEMBER}; arn:aws:iam::333333333333:role/sd-read`,
        regions: 'eu-west-1;us-east-1',
        assumeRoleExternalId: 'ext-1',
        includeOwnAccount: 'false',
        accessMode: 'private-api',
        vpcEndpointId: 'vpce-0123456789abcdef0',
        privateApiAccessLogs: 'true',
      }),
    );
    const fromJson = readAppSettings(
      contextOf({
        ecsClusters: 'prod',
        assumeRoleArns: [MEMBER],
        regions: ['eu-west-1'],
        includeOwnAccount: true,
      }),
    );

    // Assess: the four source options are handler options, handed on as their text (loadConfig
    // checked it); the private-API settings are CDK-only.
    expect(fromCli.discovery).toMatchObject({
      optionText: {
        assumeRoleArns: `${MEMBER}; arn:aws:iam::333333333333:role/sd-read`,
        regions: 'eu-west-1;us-east-1',
        assumeRoleExternalId: 'ext-1',
        includeOwnAccount: 'false',
      },
      accessMode: 'private-api',
      privateApiAccessLogs: true,
    });
    expect(fromCli.vpcEndpointId).toBe('vpce-0123456789abcdef0');
    expect(fromJson.discovery).toMatchObject({
      optionText: { assumeRoleArns: MEMBER, regions: 'eu-west-1', includeOwnAccount: 'true' },
    });
    expect(fromJson.vpcEndpointId).toBeUndefined();
  });

  it.each([
    [
      { accessMode: 'private-api' },
      "context 'vpcEndpointId': required with accessMode=private-api; the id of an interface VPC endpoint for execute-api (vpce-...)",
    ],
    [
      { vpcEndpointId: 'vpce-0123456789abcdef0' },
      "context 'vpcEndpointId': only used with accessMode=private-api",
    ],
    [
      { accessMode: 'private-api', vpcEndpointId: 'endpoint-1' },
      'context \'vpcEndpointId\': "endpoint-1" is not valid; expected a VPC endpoint id (vpce-0123456789abcdef0)',
    ],
    [
      // The source options are the handler's: loadConfig's message, under the context key.
      { assumeRoleArns: 42 },
      'context \'assumeRoleArns\': DiscoveryOptions__AssumeRoleArns="42" is invalid: entry "42" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)',
    ],
    [
      { includeOwnAccount: 'no' },
      'context \'includeOwnAccount\': DiscoveryOptions__IncludeOwnAccount="no" is invalid: expected true or false',
    ],
  ])('rejects %j, naming the key', (extra, problem) => {
    // Assess
    expect(problemsOf(() => readAppSettings(contextOf({ ecsClusters: 'prod', ...extra })))).toEqual([
      problem,
    ]);
  });
});

describe('the member settings', () => {
  it('reads the member role from context, the external id under the key the discovery side uses', () => {
    // Act
    const settings = readMemberSettings(
      contextOf({
        discoveryRoleArn: DISCOVERY_ROLE,
        assumeRoleExternalId: 'ext-1',
        ecsClusters: 'prod;staging',
        regions: ['eu-west-1', 'us-east-1'],
        memberRoleName: 'sd-read',
        stackName: 'EcsCloudMapPrometheusSd',
      }),
    );

    // Assess
    expect(settings).toEqual({
      stackName: 'EcsCloudMapPrometheusSdMember',
      member: {
        discoveryRoleArn: DISCOVERY_ROLE,
        externalId: 'ext-1',
        ecsClusters: ['prod', 'staging'],
        regions: ['eu-west-1', 'us-east-1'],
        roleName: 'sd-read',
        ec2HostAddresses: undefined,
        readsTaskDefinitions: false,
        readsNetworkInterfaces: true,
      },
    });
  });

  it("grants what the discovery side's options read, under the same context keys", () => {
    // Act
    const settings = readMemberSettings(
      contextOf({
        discoveryRoleArn: DISCOVERY_ROLE,
        ec2HostAddresses: 'false',
        dockerLabels: 'teralytics',
        metaLabels: 'compact',
      }),
    );

    // Assess
    expect(settings.member).toMatchObject({
      ec2HostAddresses: false,
      readsTaskDefinitions: true,
      readsNetworkInterfaces: false,
    });
  });

  it.each([
    [
      {},
      [
        "context 'discoveryRoleArn': required with stack=member; the DiscoveryRoleArn output of the discovery stack",
      ],
    ],
    [
      {
        discoveryRoleArn: 'arn:aws:iam::123456789012:role/*',
        assumeRoleExternalId: 'x',
        memberRoleName: 'a b',
      },
      [
        'context \'discoveryRoleArn\': "arn:aws:iam::123456789012:role/*" is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name> (the DiscoveryRoleArn output of the discovery stack)',
        "context 'assumeRoleExternalId': expected 2 to 1224 letters, digits or +=,.@:/-",
        'context \'memberRoleName\': "a b" is not 1 to 64 letters, digits or +=,.@_-',
      ],
    ],
    [
      { discoveryRoleArn: DISCOVERY_ROLE, dockerLabels: 'docker', metaLabels: 'all', ec2HostAddresses: 'no' },
      [
        'context \'ec2HostAddresses\': "no" is not valid; expected true or false',
        'context \'dockerLabels\': "docker" is not valid; expected one of none, teralytics, ecs-observer',
        'context \'metaLabels\': "all" is not valid; expected one of full, compact',
      ],
    ],
  ])('rejects %j with every problem named by its context key', (context, problems) => {
    // Assess
    expect(problemsOf(() => readMemberSettings(contextOf(context)))).toEqual(problems);
  });

  it('knows two stacks', () => {
    // Assess
    expect(readStackKind(contextOf({}))).toBe('discovery');
    expect(readStackKind(contextOf({ stack: 'member' }))).toBe('member');
    expect(problemsOf(() => readStackKind(contextOf({ stack: 'members' })))).toEqual([
      'context \'stack\': "members" is not valid; expected one of discovery, member',
    ]);
  });
});

describe('the CDK app, offline, in the issue 16 modes', () => {
  it('-c stack=member synthesises a member stack with only the role and its policy, cdk-nag passing', () => {
    // Prepare
    const { app, stack } = createDiscoveryApp({
      context: { stack: 'member', discoveryRoleArn: DISCOVERY_ROLE, ecsClusters: 'prod' },
    });

    // Act
    const assembly = app.synth();

    // Assess
    const template = assembly.getStackByName('EcsCloudMapPrometheusSdMember').template;
    expect(
      Object.values(template.Resources as Record<string, { Type: string }>)
        .map((resource) => resource.Type)
        .sort(),
    ).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    expect(Object.keys(template.Outputs)).toEqual(['MemberRoleArn']);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ecs-cloudmap-prometheus-sd-read',
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: DISCOVERY_ROLE } }],
      },
    });
  });

  it('-c accessMode=private-api -c vpcEndpointId=... synthesises with cdk-nag passing and outputs the role to trust', () => {
    // Prepare
    const { app, stack } = createDiscoveryApp({
      context: {
        ecsClusters: 'prod',
        accessMode: 'private-api',
        vpcEndpointId: 'vpce-0123456789abcdef0',
        assumeRoleArns: MEMBER,
      },
    });

    // Act
    const assembly = app.synth();

    // Assess
    const template = assembly.getStackByName('EcsCloudMapPrometheusSd').template;
    expect(Object.keys(template.Outputs).sort()).toEqual([
      'BearerTokenSecretArn',
      'DiscoveryRoleArn',
      'FetchTokenCommand',
      'PrometheusScrapeConfig',
      'TargetsUrl',
    ]);
    const refresherRole = Object.keys(template.Resources).find(
      (id) => id.startsWith('DiscoveryRefresherRole') && template.Resources[id].Type === 'AWS::IAM::Role',
    );
    expect(template.Outputs.DiscoveryRoleArn.Value).toEqual({ 'Fn::GetAtt': [refresherRole, 'Arn'] });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['PRIVATE'], VpcEndpointIds: ['vpce-0123456789abcdef0'] },
    });
  });
});
