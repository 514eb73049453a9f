import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDiscoveryEnvironment } from '../../lib/discovery-options.ts';
import { sourcesEnvironment } from '../../lib/discovery-sources.ts';
import { EcsCloudMapDiscovery, type EcsCloudMapDiscoveryProps } from '../../lib/ecs-cloudmap-discovery.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const MEMBER_A = 'arn:aws:iam::210987654321:role/ecs-cloudmap-prometheus-sd-read';
const MEMBER_B = 'arn:aws:iam::333333333333:role/team/sd-read';

/** `arn:${AWS::Partition}<rest>` as CloudFormation renders it. */
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

type Statement = { Sid?: string; Action: unknown; Resource: unknown; Condition?: unknown };

const synth = (props: EcsCloudMapDiscoveryProps) => {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const discovery = new EcsCloudMapDiscovery(stack, 'Discovery', props);
  const template = Template.fromStack(stack);
  /** The statements of one role's policy, by the role's logical id. */
  const statementsOf = (role: typeof discovery.role): Statement[] => {
    const roleId = stack.getLogicalId(role.node.defaultChild as never);
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((resource) =>
      (resource.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    );
    return policy?.Properties.PolicyDocument.Statement ?? [];
  };
  return { stack, discovery, template, statementsOf };
};

const sids = (statements: readonly Statement[]) => statements.map((statement) => statement.Sid ?? '(none)');

describe('the source options as the function environment', () => {
  it('writes each set prop as its DiscoveryOptions__ variable, escaped as the handler parses it', () => {
    // Act
    const environment = sourcesEnvironment({
      assumeRoleArns: [MEMBER_A, MEMBER_B],
      assumeRoleExternalId: 'ext-1',
      includeOwnAccount: false,
      regions: ['eu-west-1', 'us-east-1'],
    });

    // Assess
    expect(environment).toEqual({
      DiscoveryOptions__AssumeRoleArns: `${MEMBER_A};${MEMBER_B}`,
      DiscoveryOptions__AssumeRoleExternalId: 'ext-1',
      DiscoveryOptions__IncludeOwnAccount: 'false',
      DiscoveryOptions__Regions: 'eu-west-1;us-east-1',
    });
    expect(sourcesEnvironment({})).toEqual({});
  });

  it.each([
    [{}, { assumeRoleArns: [], regions: [], includeOwnAccount: true }],
    [
      {
        DiscoveryOptions__AssumeRoleArns: ` ${MEMBER_A} ;;${MEMBER_A}`,
        DiscoveryOptions__IncludeOwnAccount: 'FALSE',
      },
      { assumeRoleArns: [MEMBER_A], regions: [], includeOwnAccount: false },
    ],
    [
      { DiscoveryOptions__Regions: 'us-east-1; eu-west-1', DiscoveryOptions__IncludeOwnAccount: 'true' },
      { assumeRoleArns: [], regions: ['us-east-1', 'eu-west-1'], includeOwnAccount: true },
    ],
  ])("builds the grants from the handler's parsed config of %j", (environment, sources) => {
    // Act
    const checked = checkDiscoveryEnvironment({ DiscoveryOptions__EcsClusters: 'prod', ...environment });

    // Assess
    expect(
      checked.ok && {
        assumeRoleArns: checked.config.assumeRoleArns,
        regions: checked.config.regions,
        includeOwnAccount: checked.config.includeOwnAccount,
      },
    ).toEqual(sources);
  });

  it('rejects bad source props at construction, naming each prop', () => {
    // Prepare
    const stack = new Stack(new App(), 'Invalid', { env: ENV });

    // Act
    const create = () =>
      new EcsCloudMapDiscovery(stack, 'Discovery', {
        ecsClusters: ['prod'],
        assumeRoleArns: ['arn:aws:iam::1:role/x'],
        regions: ['mars-1a'],
      });

    // Assess
    expect(create).toThrow(
      [
        'Invalid EcsCloudMapDiscovery props:',
        '- assumeRoleArns: DiscoveryOptions__AssumeRoleArns="arn:aws:iam::1:role/x" is invalid: entry "arn:aws:iam::1:role/x" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)',
        '- regions: DiscoveryOptions__Regions="mars-1a" is invalid: entry "mars-1a" is not a Region name (expected e.g. eu-west-1)',
      ].join('\n'),
    );
  });
});

describe('member roles and Regions, embedded mode', () => {
  let synthesized: ReturnType<typeof synth>;
  beforeAll(() => {
    synthesized = synth({
      snapshot: false,
      ecsClusters: ['prod'],
      assumeRoleArns: [MEMBER_A, MEMBER_B],
      assumeRoleExternalId: 'ext-1',
      regions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('grants sts:AssumeRole on exactly the member role ARNs, in one statement', () => {
    // Assess
    const statements = synthesized.statementsOf(synthesized.discovery.role);
    expect(statements.find((statement) => statement.Sid === 'AssumeMemberRoles')).toEqual({
      Sid: 'AssumeMemberRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [MEMBER_A, MEMBER_B],
    });
    expect(JSON.stringify(statements).match(/sts:/g)).toEqual(['sts:']);
  });

  it("grants the own account's reads in every configured Region, one statement per Sid", () => {
    // Assess
    const statements = synthesized.statementsOf(synthesized.discovery.role);
    const clusters = [
      arn(':ecs:eu-west-1:123456789012:cluster/prod'),
      arn(':ecs:us-east-1:123456789012:cluster/prod'),
    ];
    expect(statements.slice(0, 4)).toEqual([
      { Sid: 'EcsDescribeClusters', Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: clusters },
      {
        Sid: 'EcsDescribeServices',
        Effect: 'Allow',
        Action: 'ecs:DescribeServices',
        Resource: [
          arn(':ecs:eu-west-1:123456789012:service/prod/*'),
          arn(':ecs:us-east-1:123456789012:service/prod/*'),
        ],
      },
      {
        Sid: 'EcsDescribeTasks',
        Effect: 'Allow',
        Action: 'ecs:DescribeTasks',
        Resource: [
          arn(':ecs:eu-west-1:123456789012:task/prod/*'),
          arn(':ecs:us-east-1:123456789012:task/prod/*'),
        ],
      },
      {
        Sid: 'EcsListInClusters',
        Effect: 'Allow',
        Action: ['ecs:ListServices', 'ecs:ListTasks'],
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': clusters } },
      },
    ]);
    expect(statements.find((statement) => statement.Sid === 'CloudMapServiceReads')?.Resource).toEqual([
      arn(':servicediscovery:eu-west-1:123456789012:service/*'),
      arn(':servicediscovery:us-east-1:123456789012:service/*'),
    ]);
    // The EC2 host-address reads (Ec2HostAddresses, on by default) follow the Regions too.
    expect(
      statements.find((statement) => statement.Sid === 'EcsDescribeContainerInstances')?.Resource,
    ).toEqual([
      arn(':ecs:eu-west-1:123456789012:container-instance/prod/*'),
      arn(':ecs:us-east-1:123456789012:container-instance/prod/*'),
    ]);
    expect(statements.find((statement) => statement.Sid === 'Ec2DescribeInstances')).toEqual({
      Sid: 'Ec2DescribeInstances',
      Effect: 'Allow',
      Action: 'ec2:DescribeInstances',
      Resource: '*',
    });
    expect(sids(statements)).toEqual([
      'EcsDescribeClusters',
      'EcsDescribeServices',
      'EcsDescribeTasks',
      'EcsListInClusters',
      'EcsListServicesByNamespace',
      'EcsDescribeContainerInstances',
      'Ec2DescribeInstances',
      'Ec2DescribeNetworkInterfaces',
      'CloudMapList',
      'CloudMapServiceReads',
      'AssumeMemberRoles',
      '(none)',
      'ReadBearerToken',
    ]);
  });

  it('hands the four options to the function as its DiscoveryOptions__ variables', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          DiscoveryOptions__AssumeRoleArns: `${MEMBER_A};${MEMBER_B}`,
          DiscoveryOptions__AssumeRoleExternalId: 'ext-1',
          DiscoveryOptions__Regions: 'eu-west-1;us-east-1',
          DiscoveryOptions__EcsClusters: 'prod',
          DiscoveryOptions__BearerTokenSecret: {
            Ref: synthesized.stack.getLogicalId(synthesized.discovery.secret!.node.defaultChild as never),
          },
          POWERTOOLS_SERVICE_NAME: 'ecs-cloudmap-prometheus-sd',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(synthesized.discovery.discoveryRole).toBe(synthesized.discovery.role);
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(new AwsSolutionsChecks().validateScope(synthesized.stack).violations).toEqual([]);
  });
});

describe('member roles, snapshot mode', () => {
  let synthesized: ReturnType<typeof synth>;
  beforeAll(() => {
    synthesized = synth({ ecsClusters: ['prod'], assumeRoleArns: [MEMBER_A] });
  });

  it("puts sts:AssumeRole on the refresher's role, which does the reads, and not on the serving role", () => {
    // Assess
    const refresher = synthesized.statementsOf(synthesized.discovery.refresher!.role);
    expect(refresher.find((statement) => statement.Sid === 'AssumeMemberRoles')).toEqual({
      Sid: 'AssumeMemberRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: MEMBER_A,
    });
    expect(sids(synthesized.statementsOf(synthesized.discovery.role))).toEqual([
      'ReadSnapshot',
      '(none)',
      'ReadBearerToken',
    ]);
    expect(synthesized.discovery.discoveryRole).toBe(synthesized.discovery.refresher!.role);
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(new AwsSolutionsChecks().validateScope(synthesized.stack).violations).toEqual([]);
  });
});

describe('member accounts only (includeOwnAccount false)', () => {
  it('grants no ECS or Cloud Map action of the own account, only the AssumeRole', () => {
    // Act
    const synthesized = synth({
      snapshot: false,
      ecsClusters: ['prod'],
      assumeRoleArns: [MEMBER_A],
      includeOwnAccount: false,
      accessMode: 'function-url-iam',
    });

    // Assess
    const statements = synthesized.statementsOf(synthesized.discovery.role);
    expect(sids(statements)).toEqual(['AssumeMemberRoles', '(none)']);
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { DiscoveryOptions__IncludeOwnAccount: 'false' } },
    });
  });
});
