import type { CfnResource } from 'aws-cdk-lib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAppSettings } from '../../lib/app-settings.ts';
import { createDiscoveryApp } from '../../lib/discovery-app.ts';
import { EcsCloudMapDiscovery, type EcsCloudMapDiscoveryProps } from '../../lib/ecs-cloudmap-discovery.ts';
import { refresherProblems, schedulePeriodMinutes } from '../../lib/snapshot-refresher.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
// Each synthesis bundles the functions with esbuild: slow on a busy machine.
const SYNTH_TIMEOUT = 180_000;

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

const getAtt = (logicalId: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

const objectArn = (bucketId: string, key: string) => ({ 'Fn::Join': ['', [getAtt(bucketId), `/${key}`]] });

/** The policy document of the role's default policy. */
const policyOf = (synthesized: Synthesized, roleId: string) => {
  const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some(
      (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
    ),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument;
};

const functionOf = (synthesized: Synthesized, functionId: string) =>
  synthesized.template.findResources('AWS::Lambda::Function')[functionId]?.Properties;

const nagViolations = (stack: Stack): string[] =>
  new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);

const discoveryReads = (clusters: unknown, clusterScoped: { services: unknown; tasks: unknown }) => [
  { Sid: 'EcsDescribeClusters', Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: clusters },
  {
    Sid: 'EcsDescribeServices',
    Effect: 'Allow',
    Action: 'ecs:DescribeServices',
    Resource: clusterScoped.services,
  },
  { Sid: 'EcsDescribeTasks', Effect: 'Allow', Action: 'ecs:DescribeTasks', Resource: clusterScoped.tasks },
];

const cloudMapReads = [
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

describe('snapshot mode (the default), clusters, Function URL + token', () => {
  let synthesized: Synthesized;
  let ids: {
    bucket: string;
    refresher: string;
    refresherRole: string;
    refresherLogs: string;
    queue: string;
    deadLetters: string;
    servingRole: string;
    servingLogs: string;
    secret: string;
  };
  beforeAll(() => {
    synthesized = synth({
      ecsClusters: ['prod', 'arn:aws:ecs:us-east-1:210987654321:cluster/staging'],
      cacheTtlSeconds: 150,
      extraPrometheusLabels: { env: 'prod' },
    });
    const refresher = synthesized.discovery.refresher!;
    ids = {
      bucket: synthesized.id(refresher.bucket),
      refresher: synthesized.id(refresher.function),
      refresherRole: synthesized.id(refresher.role),
      refresherLogs: synthesized.id(refresher.logGroup),
      queue: synthesized.id(refresher.queue),
      deadLetters: synthesized.id(refresher.deadLetterQueue),
      servingRole: synthesized.id(synthesized.discovery.role),
      servingLogs: synthesized.id(synthesized.discovery.logGroup),
      secret: synthesized.id(synthesized.discovery.secret!),
    };
  }, SYNTH_TIMEOUT);

  it('keeps the snapshot in a private, encrypted, versioned bucket whose old versions expire after a day', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::S3::Bucket', 1);
    synthesized.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'ExpireOldSnapshots',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
      },
    });
    synthesized.template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  it('denies every request to the bucket that is not over TLS', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: [getAtt(ids.bucket), { 'Fn::Join': ['', [getAtt(ids.bucket), '/*']] }],
          },
        ]),
      },
    });
  });

  it('serves with the snapshot-only door (no discovery code in its bundle)', () => {
    // Assess
    expect(synthesized.discovery.entry).toMatch(/\/lambda\/snapshot-handler\.ts$/);
  });

  it('runs refreshHandler on Node.js 22 with reserved concurrency 1, 5 minutes, 1024 MB, its own log group', () => {
    // Assess
    expect(functionOf(synthesized, ids.refresher)).toMatchObject({
      Handler: 'index.refreshHandler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 1,
      Timeout: 300,
      MemorySize: 1024,
      Role: getAtt(ids.refresherRole),
      LoggingConfig: { LogGroup: { Ref: ids.refresherLogs } },
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.refresher },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 120,
    });
  });

  it('gives both functions the same DiscoveryOptions__ and the snapshot location; only the serving one the token', () => {
    // Assess
    const shared = {
      DiscoveryOptions__EcsClusters: 'prod;arn:aws:ecs:us-east-1:210987654321:cluster/staging',
      DiscoveryOptions__ExtraPrometheusLabels: 'env=prod',
      DiscoveryOptions__CacheTtlSeconds: '150',
      DiscoveryOptions__SnapshotBucket: { Ref: ids.bucket },
      DiscoveryOptions__SnapshotKey: 'prometheus-targets.json',
      POWERTOOLS_SERVICE_NAME: 'ecs-cloudmap-prometheus-sd',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    expect(functionOf(synthesized, ids.refresher)?.Environment).toEqual({ Variables: shared });
    expect(functionOf(synthesized, synthesized.id(synthesized.discovery.function))?.Environment).toEqual({
      Variables: { ...shared, DiscoveryOptions__BearerTokenSecret: { Ref: ids.secret } },
    });
  });

  it('grants the serving role s3:GetObject on the snapshot key, its logs and the token, and no ECS or Cloud Map call', () => {
    // Assess
    expect(policyOf(synthesized, ids.servingRole)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadSnapshot',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: objectArn(ids.bucket, 'prometheus-targets.json'),
        },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: getAtt(ids.servingLogs),
        },
        {
          Sid: 'ReadBearerToken',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: { Ref: ids.secret },
        },
      ],
    });
  });

  it('grants the refresher role the discovery reads, read and write of the snapshot key, its logs and its queue', () => {
    // Assess
    const clusters = [
      arn(':ecs:eu-west-1:123456789012:cluster/prod'),
      'arn:aws:ecs:us-east-1:210987654321:cluster/staging',
    ];
    expect(policyOf(synthesized, ids.refresherRole)).toEqual({
      Version: '2012-10-17',
      Statement: [
        ...discoveryReads(clusters, {
          services: [
            arn(':ecs:eu-west-1:123456789012:service/prod/*'),
            'arn:aws:ecs:us-east-1:210987654321:service/staging/*',
          ],
          tasks: [
            arn(':ecs:eu-west-1:123456789012:task/prod/*'),
            'arn:aws:ecs:us-east-1:210987654321:task/staging/*',
          ],
        }),
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
        ...cloudMapReads,
        {
          Sid: 'ReadWriteSnapshot',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: objectArn(ids.bucket, 'prometheus-targets.json'),
        },
        { Sid: 'FindSnapshot', Effect: 'Allow', Action: 's3:ListBucket', Resource: getAtt(ids.bucket) },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: getAtt(ids.refresherLogs),
        },
        {
          Effect: 'Allow',
          Action: [
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueUrl',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
          ],
          Resource: getAtt(ids.queue),
        },
      ],
    });
  });

  it('reconciles on a schedule of whole minutes no longer than CacheTtlSeconds (150 s: every 2 minutes)', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [Match.objectLike({ Arn: getAtt(ids.refresher) })],
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(ids.refresher),
      Principal: 'events.amazonaws.com',
    });
  });

  it('routes ECS task state changes of exactly the configured clusters into the queue', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [
            arn(':ecs:eu-west-1:123456789012:cluster/prod'),
            'arn:aws:ecs:us-east-1:210987654321:cluster/staging',
          ],
        },
      },
      Targets: [Match.objectLike({ Arn: getAtt(ids.queue) })],
    });
  });

  it('encrypts both queues, dead-letters a batch after 5 deliveries, and lets only the rule send', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 1800,
      RedrivePolicy: { deadLetterTargetArn: getAtt(ids.deadLetters), maxReceiveCount: 5 },
    });
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
      RedrivePolicy: Match.absent(),
    });
    const rule = synthesized.id(synthesized.discovery.refresher!.taskStateRule);
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: getAtt(ids.queue),
          },
          {
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(rule) } },
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Resource: getAtt(ids.queue),
          },
        ],
      },
    });
    synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.deadLetters }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
  });

  it('feeds the refresher batches of up to 100 events gathered for 5 s, without partial batch responses', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(ids.queue),
      FunctionName: { Ref: ids.refresher },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: Match.absent(),
    });
  });

  it('alarms as soon as the dead-letter queue holds a message', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(ids.deadLetters, 'QueueName') }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms after 5 schedule periods without a full reconcile written, counted from the refresher log', () => {
    // Assess: CacheTtlSeconds 150 reconciles every 2 minutes.
    const filters = synthesized.template.findResources('AWS::Logs::MetricFilter');
    expect(Object.values(filters).map((filter) => filter.Properties)).toEqual([
      {
        LogGroupName: { Ref: ids.refresherLogs },
        FilterPattern: '{ ($.message = "snapshot written") && ($.kind = "full") }',
        MetricTransformations: [
          {
            MetricNamespace: 'PrometheusEcsSd/Test',
            MetricName: 'SnapshotFullReconciles',
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      },
    ]);
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'PrometheusEcsSd/Test',
      MetricName: 'SnapshotFullReconciles',
      Statistic: 'Sum',
      Period: 120,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('for 10 minutes'),
    });
  });

  it('invokes the current refresher version once per deployment that changes it, after the bucket and the role exist', () => {
    // Assess
    const triggers = Object.values(synthesized.template.findResources('Custom::Trigger'));
    expect(triggers).toHaveLength(1);
    const versions = Object.keys(
      synthesized.template.findResources('AWS::Lambda::Version', {
        Properties: { FunctionName: { Ref: ids.refresher } },
      }),
    );
    expect(versions).toHaveLength(1);
    const version = versions[0];
    expect(triggers[0]?.Properties).toMatchObject({
      HandlerArn: { Ref: version },
      InvocationType: 'Event',
      ExecuteOnHandlerChange: true,
    });
    const bucketPolicy = synthesized.id(synthesized.discovery.refresher!.bucket.policy!);
    expect(triggers[0]?.DependsOn).toEqual(
      expect.arrayContaining([ids.bucket, bucketPolicy, ids.refresherRole]),
    );
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(synthesized.stack)).toEqual([]);
  });
});

describe('snapshot mode, namespaces only, HTTP API, tuned refresher', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({
      cloudMapNamespaces: ['app.local'],
      accessMode: 'http-api-token',
      refresher: {
        snapshotKey: 'sd/targets.json',
        memorySize: 2048,
        timeout: Duration.minutes(2),
        eventBatchSize: 500,
        eventBatchingWindow: Duration.seconds(10),
        maxReceiveCount: 3,
      },
    });
  }, SYNTH_TIMEOUT);

  it('listens to task state changes of every cluster of the account (no clusterArn filter)', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectEquals({ source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'] }),
    });
  });

  it('reconciles every minute with the default CacheTtlSeconds', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('applies the tuning: key in both policies and both environments, memory, timeout, batching, receives', () => {
    // Assess
    const refresher = synthesized.discovery.refresher!;
    const bucket = synthesized.id(refresher.bucket);
    expect(functionOf(synthesized, synthesized.id(refresher.function))).toMatchObject({
      MemorySize: 2048,
      Timeout: 120,
    });
    for (const fn of [refresher.function, synthesized.discovery.function]) {
      expect(functionOf(synthesized, synthesized.id(fn))?.Environment.Variables).toMatchObject({
        DiscoveryOptions__SnapshotKey: 'sd/targets.json',
        DiscoveryOptions__SnapshotBucket: { Ref: bucket },
      });
    }
    expect(policyOf(synthesized, synthesized.id(synthesized.discovery.role)).Statement[0]).toEqual({
      Sid: 'ReadSnapshot',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objectArn(bucket, 'sd/targets.json'),
    });
    expect(policyOf(synthesized, synthesized.id(refresher.role)).Statement).toContainEqual({
      Sid: 'ReadWriteSnapshot',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: objectArn(bucket, 'sd/targets.json'),
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
    });
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 720,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
  });

  it('grants the refresher the ECS reads on every cluster of the account and region', () => {
    // Assess
    const statements = policyOf(synthesized, synthesized.id(synthesized.discovery.refresher!.role)).Statement;
    expect(statements.slice(0, 3)).toEqual(
      discoveryReads(arn(':ecs:eu-west-1:123456789012:cluster/*'), {
        services: arn(':ecs:eu-west-1:123456789012:service/*'),
        tasks: arn(':ecs:eu-west-1:123456789012:task/*'),
      }),
    );
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    // Assess
    expect(nagViolations(synthesized.stack)).toEqual([]);
  });
});

describe('snapshot mode in a VPC', () => {
  it(
    'runs both functions in the VPC and gives both roles the ENI permissions',
    () => {
      // Prepare
      const app = new App();
      const stack = new Stack(app, 'Vpc', { env: ENV });
      const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });

      // Act
      new EcsCloudMapDiscovery(stack, 'Discovery', { ecsClusters: ['prod'], vpc });

      // Assess
      const template = Template.fromStack(stack);
      const functions = Object.values(template.findResources('AWS::Lambda::Function'))
        .filter((fn) => fn.Properties.Handler !== '__entrypoint__.handler' && fn.Properties.VpcConfig)
        .map((fn) => fn.Properties.Handler)
        .sort();
      expect(functions).toEqual(['index.refreshHandler', 'index.streamingHandler']);
      const withEni = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some(
          (statement: { Sid?: string }) => statement.Sid === 'VpcNetworkInterfaces',
        ),
      );
      expect(withEni).toHaveLength(2);
    },
    SYNTH_TIMEOUT,
  );
});

describe('embedded mode (snapshot: false)', () => {
  it(
    'creates no bucket, refresher, rule, queue or trigger',
    () => {
      // Act
      const synthesized = synth({ ecsClusters: ['prod'], snapshot: false });

      // Assess
      expect(synthesized.discovery.refresher).toBeUndefined();
      expect(synthesized.discovery.entry).toMatch(/\/lambda\/handler\.ts$/);
      for (const type of [
        'AWS::S3::Bucket',
        'AWS::Events::Rule',
        'AWS::SQS::Queue',
        'AWS::CloudWatch::Alarm',
        'Custom::Trigger',
      ]) {
        synthesized.template.resourceCountIs(type, 0);
      }
      synthesized.template.resourceCountIs('AWS::Lambda::Function', 1);
    },
    SYNTH_TIMEOUT,
  );
});

describe('schedulePeriodMinutes', () => {
  it.each([
    [undefined, 1],
    [0, 1],
    [30, 1],
    [60, 1],
    [119, 1],
    [120, 2],
    [150, 2],
    [3600, 60],
  ])('CacheTtlSeconds %j reconciles every %i minute(s)', (ttl, minutes) => {
    // Act
    const period = schedulePeriodMinutes(ttl);

    // Assess
    expect(period).toBe(minutes);
  });
});

describe('refresher props validation', () => {
  it.each([
    [{ snapshotKey: '' }, 'refresher.snapshotKey: "" is not 1 to 1024'],
    [{ snapshotKey: '/targets.json' }, 'refresher.snapshotKey: "/targets.json" is not 1 to 1024'],
    [{ snapshotKey: 'targets-*.json' }, 'refresher.snapshotKey: "targets-*.json" is not 1 to 1024'],
    [{ memorySize: 100 }, 'refresher.memorySize: 100 is not an integer from 128 to 10240 (MB)'],
    [{ timeout: Duration.minutes(16) }, 'refresher.timeout: 960 s is outside 1..900 s'],
    [{ eventBatchSize: 0 }, 'refresher.eventBatchSize: 0 is not an integer from 1 to 10000'],
    [
      { eventBatchingWindow: Duration.minutes(6) },
      'refresher.eventBatchingWindow: 360 s is outside 0..300 s',
    ],
    [{ maxReceiveCount: 0 }, 'refresher.maxReceiveCount: 0 is not an integer from 1 to 1000'],
  ])('rejects %j', (options, message) => {
    // Act
    const problems = refresherProblems(options);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('accepts the documented defaults written out', () => {
    // Act
    const problems = refresherProblems({
      snapshotKey: 'prometheus-targets.json',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      eventBatchSize: 100,
      eventBatchingWindow: Duration.seconds(5),
      maxReceiveCount: 5,
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('rejects refresher options in embedded mode, together with the other problems', () => {
    // Prepare
    const stack = new Stack(new App(), 'Invalid', { env: ENV });

    // Act
    const create = () =>
      new EcsCloudMapDiscovery(stack, 'Discovery', {
        ecsClusters: ['prod'],
        snapshot: false,
        refresher: { memorySize: 64 },
      });

    // Assess
    expect(create).toThrow(
      [
        'Invalid EcsCloudMapDiscovery props:',
        '- refresher: only used in snapshot mode (snapshot is false)',
        '- refresher.memorySize: 64 is not an integer from 128 to 10240 (MB)',
      ].join('\n'),
    );
  });
});

describe('the snapshot context keys', () => {
  it.each([
    [{}, {}],
    [{ snapshot: 'false' }, { snapshot: false }],
    [{ snapshot: true }, { snapshot: true }],
    [
      { refresherMemorySize: '2048', refresherTimeoutSeconds: '120' },
      { refresher: { memorySize: 2048, timeout: Duration.seconds(120) } },
    ],
  ])('reads %j', (context, expected) => {
    // Prepare
    const values: Record<string, unknown> = { ecsClusters: 'prod', ...context };

    // Act
    const { discovery } = readAppSettings((key) => values[key]);

    // Assess
    expect({ snapshot: discovery.snapshot, refresher: discovery.refresher }).toEqual({
      snapshot: undefined,
      refresher: undefined,
      ...expected,
    });
  });

  it('names an invalid value by its key', () => {
    // Act
    const read = () => readAppSettings((key) => ({ ecsClusters: 'prod', snapshot: 'yes' })[key]);

    // Assess
    expect(read).toThrow('context \'snapshot\': "yes" is not valid; expected true or false');
  });

  it(
    'synthesizes the whole app in embedded mode with the cdk-nag plugin passing',
    () => {
      // Prepare
      const { app } = createDiscoveryApp({ context: { ecsClusters: 'prod', snapshot: 'false' } });

      // Act
      const template = app.synth().getStackByName('EcsCloudMapPrometheusSd').template;

      // Assess
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types).not.toContain('AWS::S3::Bucket');
    },
    SYNTH_TIMEOUT,
  );

  it(
    'synthesizes the whole app in snapshot mode by default with the cdk-nag plugin passing',
    () => {
      // Prepare
      const { app } = createDiscoveryApp({ context: { ecsClusters: 'prod' } });

      // Act
      const template = app.synth().getStackByName('EcsCloudMapPrometheusSd').template;

      // Assess
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((type) => type === 'AWS::S3::Bucket' || type === 'Custom::Trigger')).toEqual([
        'AWS::S3::Bucket',
        'Custom::Trigger',
      ]);
    },
    SYNTH_TIMEOUT,
  );
});
