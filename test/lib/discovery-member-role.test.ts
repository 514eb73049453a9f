import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DiscoveryMemberRole, type DiscoveryMemberRoleProps } from '../../lib/discovery-member-role.ts';

const ENV = { account: '210987654321', region: 'eu-west-1' };
const DISCOVERY_ROLE = 'arn:aws:iam::123456789012:role/EcsCloudMapPrometheusSd-DiscoveryRefresherRole-AbC';

/** `arn:${AWS::Partition}<rest>` as CloudFormation renders it. */
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

const synth = (props: DiscoveryMemberRoleProps) => {
  const stack = new Stack(new App(), 'Member', { env: ENV });
  new DiscoveryMemberRole(stack, 'Member', props);
  return { stack, template: Template.fromStack(stack) };
};

describe('DiscoveryMemberRole', () => {
  it('trusts exactly the discovery role, with the external id, under the default name', () => {
    // Act
    const { template } = synth({
      discoveryRoleArn: DISCOVERY_ROLE,
      externalId: 'ext-1',
      ecsClusters: ['prod'],
    });

    // Assess
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ecs-cloudmap-prometheus-sd-read',
      // Exactly: no other principal, action or condition may be in the trust policy.
      AssumeRolePolicyDocument: Match.objectEquals({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: DISCOVERY_ROLE },
            Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } },
          },
        ],
      }),
    });
  });

  it("carries the discovery role's least-privilege reads, scoped to this account's clusters", () => {
    // Act
    const { template } = synth({ discoveryRoleArn: DISCOVERY_ROLE, ecsClusters: ['prod'] });

    // Assess
    const clusters = arn(':ecs:eu-west-1:210987654321:cluster/prod');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EcsDescribeClusters', Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: clusters },
        {
          Sid: 'EcsDescribeServices',
          Effect: 'Allow',
          Action: 'ecs:DescribeServices',
          Resource: arn(':ecs:eu-west-1:210987654321:service/prod/*'),
        },
        {
          Sid: 'EcsDescribeTasks',
          Effect: 'Allow',
          Action: 'ecs:DescribeTasks',
          Resource: arn(':ecs:eu-west-1:210987654321:task/prod/*'),
        },
        {
          Sid: 'EcsListInClusters',
          Effect: 'Allow',
          Action: ['ecs:ListServices', 'ecs:ListTasks'],
          Resource: '*',
          Condition: { ArnEquals: { 'ecs:cluster': [clusters] } },
        },
        {
          Sid: 'EcsListServicesByNamespace',
          Effect: 'Allow',
          Action: 'ecs:ListServicesByNamespace',
          Resource: '*',
        },
        // Host addresses of bridge/host tasks in the member account (Ec2HostAddresses).
        {
          Sid: 'EcsDescribeContainerInstances',
          Effect: 'Allow',
          Action: 'ecs:DescribeContainerInstances',
          Resource: arn(':ecs:eu-west-1:210987654321:container-instance/prod/*'),
        },
        {
          Sid: 'Ec2DescribeInstances',
          Effect: 'Allow',
          Action: 'ec2:DescribeInstances',
          Resource: '*',
        },
        {
          Sid: 'Ec2DescribeNetworkInterfaces',
          Effect: 'Allow',
          Action: 'ec2:DescribeNetworkInterfaces',
          Resource: '*',
        },
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
          Resource: arn(':servicediscovery:eu-west-1:210987654321:service/*'),
        },
      ],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: DISCOVERY_ROLE } }],
      },
    });
  });

  it.each([
    [{}, ['ecs:DescribeContainerInstances', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces']],
    [{ readsNetworkInterfaces: false }, ['ecs:DescribeContainerInstances', 'ec2:DescribeInstances']],
    [{ ec2HostAddresses: false }, []],
    [
      { readsTaskDefinitions: true },
      [
        'ecs:DescribeContainerInstances',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ecs:DescribeTaskDefinition',
      ],
    ],
  ])('grants the EC2 and task-definition reads the discovery options %j ask for', (extra, expected) => {
    // Act
    const { template } = synth({ discoveryRoleArn: DISCOVERY_ROLE, ecsClusters: ['prod'], ...extra });

    // Assess
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements: { Action: string | string[] }[] = policy?.Properties.PolicyDocument.Statement ?? [];
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(
      actions
        .filter((action) => /^ec2:|DescribeContainerInstances|DescribeTaskDefinition/.test(action))
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('grants every Region given, and takes its name from props', () => {
    // Act
    const { template } = synth({
      discoveryRoleArn: DISCOVERY_ROLE,
      regions: ['eu-west-1', 'us-east-1'],
      roleName: 'sd-read',
    });

    // Assess
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'sd-read' });
    const statement = Object.values(template.findResources('AWS::IAM::Policy'))[0]?.Properties.PolicyDocument
      .Statement[0];
    expect(statement).toEqual({
      Sid: 'EcsDescribeClusters',
      Effect: 'Allow',
      Action: 'ecs:DescribeClusters',
      Resource: [arn(':ecs:eu-west-1:210987654321:cluster/*'), arn(':ecs:us-east-1:210987654321:cluster/*')],
    });
  });

  it.each([[{ ecsClusters: ['prod'] }], [{ externalId: 'ext-1', regions: ['eu-west-1', 'us-east-1'] }]])(
    'passes the cdk-nag AwsSolutions checks with %j',
    (extra) => {
      // Act
      const { stack } = synth({ discoveryRoleArn: DISCOVERY_ROLE, ...extra });

      // Assess
      expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    },
  );

  it('rejects every invalid prop at once, each named', () => {
    // Prepare
    const stack = new Stack(new App(), 'Invalid', { env: ENV });

    // Act
    const create = () =>
      new DiscoveryMemberRole(stack, 'Member', {
        discoveryRoleArn: 'arn:aws:iam::123456789012:root',
        externalId: 'x',
        regions: ['Ireland'],
        roleName: 'has space',
      });

    // Assess
    expect(create).toThrow(
      [
        'Invalid DiscoveryMemberRole props:',
        '- discoveryRoleArn: "arn:aws:iam::123456789012:root" is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name> (the DiscoveryRoleArn output of the discovery stack)',
        '- externalId: expected 2 to 1224 letters, digits or +=,.@:/-',
        '- regions: "Ireland": expected Region codes such as eu-west-1',
        '- roleName: "has space" is not 1 to 64 letters, digits or +=,.@_-',
      ].join('\n'),
    );
  });
});
