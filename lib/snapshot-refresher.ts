/**
 * `SnapshotRefresher`: one refresh per fleet. A function with reserved concurrency 1 runs a full
 * discovery on a schedule (every `CacheTtlSeconds`, at least a minute) and an incremental one for
 * each batch of ECS task state change events (EventBridge -> SQS), and writes the snapshot the
 * serving function reads to S3. A trigger runs the first refresh during the deployment.
 * docs/decisions.md, "Snapshot refresher in the CDK (issue 13)", explains each choice.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { InvocationType, Trigger } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { ENV_PREFIX } from './discovery-options.ts';
import {
  acknowledgeWildcards,
  clusterArns,
  discoveryReadStatements,
  snapshotReadStatement,
  snapshotWriteStatements,
  vpcNetworkInterfacesStatement,
} from './discovery-policy.ts';
import {
  BUNDLING,
  LOCK_FILE,
  lambdaEntry,
  PROJECT_ROOT,
  RUNTIME_PINNED_REASON,
} from './function-bundling.ts';

/** The handler's default of `DiscoveryOptions__SnapshotKey`. */
export const DEFAULT_SNAPSHOT_KEY = 'prometheus-targets.json';

/** The handler's default of `DiscoveryOptions__CacheTtlSeconds`. */
const DEFAULT_CACHE_TTL_SECONDS = 60;

/** Tuning of the refresher; every field has a default. */
export type SnapshotRefresherOptions = {
  /**
   * S3 key of the snapshot (`DiscoveryOptions__SnapshotKey`). Both roles are granted this key only,
   * so it may not contain the IAM wildcards `*` and `?`.
   * @default 'prometheus-targets.json'
   */
  readonly snapshotKey?: string;
  /**
   * Memory of the refresher in MB (CPU grows with it; building the body of a large fleet is CPU-bound).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Time one refresh may take. The 30k-task fleet needs about 90 s cold (docs/benchmarks.md).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Task state change events per invocation, 1 to 10,000.
   * @default 100
   */
  readonly eventBatchSize?: number;
  /**
   * How long events gather in the queue before an invocation, 0 to 300 s: longer means fewer
   * refreshes per burst of task changes, shorter means fresher targets.
   * @default Duration.seconds(5)
   */
  readonly eventBatchingWindow?: Duration;
  /**
   * Deliveries of an event batch before its events move to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
};

export type SnapshotRefresherProps = SnapshotRefresherOptions & {
  /**
   * Configured clusters (names or ARNs): the ECS permissions and the task event rule are scoped to
   * them. Empty: every cluster of this account and region.
   */
  readonly ecsClusters: readonly string[];
  /**
   * Whether the refresher reads container instances and EC2 for bridge/host task addresses
   * (`Ec2HostAddresses`): grants `ecs:DescribeContainerInstances` and `ec2:DescribeInstances`.
   * @default true
   */
  readonly ec2HostAddresses?: boolean;
  /**
   * `CacheTtlSeconds`: the full reconcile runs every `max(1, floor(cacheTtlSeconds / 60))` minutes.
   * @default 60
   */
  readonly cacheTtlSeconds?: number;
  /**
   * The refresher's ECS, Cloud Map and STS statements (several Regions, member roles: issue 16).
   * When given, `ec2HostAddresses` is already reflected in them.
   * @default discoveryReadStatements(stack, ecsClusters, { ec2HostAddresses })
   */
  readonly discoveryStatements?: readonly PolicyStatement[];
  /** Environment of the refresher (the `DiscoveryOptions__*` the serving function gets too). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default - not in a VPC */
  readonly vpc?: IVpc;
  /** @default - the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  /** @default - a new security group allowing all outbound traffic */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * Grant `ecs:DescribeTaskDefinition` (the discovery's `DockerLabels` is not `none`).
   * @default false
   */
  readonly readsTaskDefinitions?: boolean;
};

/**
 * Minutes between two full reconciles. EventBridge rates are whole minutes, at least one; rounding
 * down keeps a snapshot no older than `CacheTtlSeconds` asks.
 */
/**
 * Schedule periods without a full reconcile before `staleSnapshotAlarm` fires: a refresh slower
 * than one period skips the ticks it overlaps, so one or two empty periods are normal for a big
 * fleet; five is still well before the default 503 (CacheTtlSeconds + StaleIfErrorSeconds = 11 min).
 */
export const STALE_ALARM_PERIODS = 5;
/** CloudWatch namespace of the refresher's log-derived metrics (the stack name is appended). */
export const METRIC_NAMESPACE = 'PrometheusEcsSd';

export const schedulePeriodMinutes = (cacheTtlSeconds: number = DEFAULT_CACHE_TTL_SECONDS): number =>
  Math.max(1, Math.floor(cacheTtlSeconds / 60));

// S3 "safe" key characters; no "*" or "?" (they would widen the IAM resource), no leading "/".
const SNAPSHOT_KEY = /^[A-Za-z0-9!_.'()-][A-Za-z0-9!_.'()/-]{0,1023}$/;
const LAMBDA_TIMEOUT_LIMIT_SECONDS = 900;
// Lambda's SQS event source recommendation: a visibility timeout of six function timeouts, so a
// throttled batch (reserved concurrency 1) is retried by Lambda before it becomes visible again.
const VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT = 6;

const isIntegerIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** Every out-of-range refresher option, each named as the `refresher` prop of the construct. */
export const refresherProblems = (options: SnapshotRefresherOptions): string[] => {
  const problems: string[] = [];
  if (options.snapshotKey !== undefined && !SNAPSHOT_KEY.test(options.snapshotKey)) {
    problems.push(
      `refresher.snapshotKey: ${JSON.stringify(options.snapshotKey)} is not 1 to 1024 of letters, digits, "!_.'()-/", not starting with "/"`,
    );
  }
  if (options.memorySize !== undefined && !isIntegerIn(options.memorySize, 128, 10240)) {
    problems.push(`refresher.memorySize: ${options.memorySize} is not an integer from 128 to 10240 (MB)`);
  }
  const timeout = options.timeout?.toSeconds();
  if (timeout !== undefined && !isIntegerIn(timeout, 1, LAMBDA_TIMEOUT_LIMIT_SECONDS)) {
    problems.push(`refresher.timeout: ${timeout} s is outside 1..${LAMBDA_TIMEOUT_LIMIT_SECONDS} s`);
  }
  if (options.eventBatchSize !== undefined && !isIntegerIn(options.eventBatchSize, 1, 10_000)) {
    problems.push(`refresher.eventBatchSize: ${options.eventBatchSize} is not an integer from 1 to 10000`);
  }
  const window = options.eventBatchingWindow?.toSeconds();
  if (window !== undefined && !isIntegerIn(window, 0, 300)) {
    problems.push(`refresher.eventBatchingWindow: ${window} s is outside 0..300 s`);
  }
  if (options.maxReceiveCount !== undefined && !isIntegerIn(options.maxReceiveCount, 1, 1000)) {
    problems.push(`refresher.maxReceiveCount: ${options.maxReceiveCount} is not an integer from 1 to 1000`);
  }
  return problems;
};

export class SnapshotRefresher extends Construct {
  /** Holds the snapshot object, and nothing else. */
  public readonly bucket: Bucket;
  /** The snapshot's S3 key. */
  public readonly snapshotKey: string;
  /** `DiscoveryOptions__SnapshotBucket` and `DiscoveryOptions__SnapshotKey`, for both functions. */
  public readonly snapshotEnvironment: Readonly<Record<string, string>>;
  /** The refresher function (`refreshHandler`), reserved concurrency 1. */
  public readonly function: NodejsFunction;
  /** Its execution role: the discovery reads, the snapshot read and write, its queue, its logs. */
  public readonly role: Role;
  /** The refresher's log group. */
  public readonly logGroup: LogGroup;
  /** The full reconcile, every `schedulePeriodMinutes(cacheTtlSeconds)` minutes. */
  public readonly schedule: Rule;
  /** `ECS Task State Change` events of the configured clusters, into `queue`. */
  public readonly taskStateRule: Rule;
  /** Task state change events waiting for the refresher. */
  public readonly queue: Queue;
  /** Events whose batch failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: Queue;
  /** In alarm while the dead-letter queue holds a message (no action: add yours, e.g. an SNS topic). */
  public readonly deadLetterAlarm: Alarm;
  /** Counts the refresher's `snapshot written` log lines of full reconciles (`SnapshotFullReconciles`). */
  public readonly fullReconcileMetric: Metric;
  /**
   * In alarm after `STALE_ALARM_PERIODS` schedule periods without a full reconcile written (or
   * without any refresher log), before the serving function's stale window ends (no action).
   */
  public readonly staleSnapshotAlarm: Alarm;
  /** Runs one refresh during each deployment that changes the function or its configuration. */
  public readonly firstRefresh: Trigger;

  constructor(scope: Construct, id: string, props: SnapshotRefresherProps) {
    super(scope, id);
    const problems = refresherProblems(props);
    if (problems.length > 0) {
      throw new Error(`Invalid SnapshotRefresher props:\n- ${problems.join('\n- ')}`);
    }
    const stack = Stack.of(this);
    const timeout = props.timeout ?? Duration.minutes(5);
    const periodMinutes = schedulePeriodMinutes(props.cacheTtlSeconds);
    this.snapshotKey = props.snapshotKey ?? DEFAULT_SNAPSHOT_KEY;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          id: 'ExpireOldSnapshots',
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // The snapshot is rebuilt by one refresh: nothing worth keeping once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds one object written by the refresher and read by the serving function, both logging each access; server access logs would need a second bucket and add nothing.',
    });
    this.snapshotEnvironment = {
      [`${ENV_PREFIX}SnapshotBucket`]: this.bucket.bucketName,
      [`${ENV_PREFIX}SnapshotKey`]: this.snapshotKey,
    };

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'ECS / Cloud Map Prometheus service discovery refresher: read-only discovery calls, the snapshot, its queue and logs',
    });
    const statements = [
      ...(props.discoveryStatements ??
        discoveryReadStatements(stack, props.ecsClusters, {
          ec2HostAddresses: props.ec2HostAddresses ?? true,
          readsTaskDefinitions: props.readsTaskDefinitions ?? false,
        })),
      ...snapshotWriteStatements(this.bucket.bucketArn, this.bucket.arnForObjects(this.snapshotKey)),
      ...(props.vpc ? [vpcNetworkInterfacesStatement()] : []),
    ];
    for (const statement of statements) {
      this.role.addToPrincipalPolicy(statement);
    }
    acknowledgeWildcards(stack, this.role, statements);
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: lambdaEntry('refresh-handler.ts'),
      handler: 'refreshHandler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_22_X,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout,
      // Exactly one refresher at a time: no two refreshes race, and AWS sees one fleet's reads.
      reservedConcurrentExecutions: 1,
      // A scheduled run that cannot start within one period is dropped (the next one replaces
      // it), and a failed one is not retried: the next tick is the retry.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(periodMinutes),
      role: this.role,
      logGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      description: 'Prometheus http_sd for ECS and Cloud Map: refreshes the snapshot in S3',
      environment: { ...props.environment, ...this.snapshotEnvironment },
      bundling: BUNDLING,
    });
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_PINNED_REASON });
    Annotations.of(this.function).acknowledgeWarning(
      '@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'Only the trigger invokes a version, with its own identity policy; the schedule invokes the unqualified function.',
    );

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Full reconcile of the Prometheus http_sd snapshot',
      schedule: Schedule.rate(Duration.minutes(periodMinutes)),
      targets: [new LambdaFunction(this.function)],
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'TaskEvents', {
      // SQS-managed keys: EventBridge cannot send to a queue encrypted with the AWS-managed KMS key.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    const clusters = clusterArns(stack, props.ecsClusters);
    this.taskStateRule = new Rule(this, 'TaskStateChanges', {
      description: 'ECS task state changes for the Prometheus http_sd refresher',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        // Namespaces only: their services may run in any cluster, so every cluster of the account.
        ...(clusters.length > 0 && { detail: { clusterArn: clusters } }),
      },
      targets: [new SqsQueue(this.queue)],
    });
    // A failed batch throws and is retried whole (then dead-lettered): no partial batch responses.
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.eventBatchSize ?? 100,
        maxBatchingWindow: props.eventBatchingWindow ?? Duration.seconds(5),
        reportBatchItemFailures: false,
      }),
    );
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Task state change events the refresher failed on; the schedule still reconciles. See the refresher log group.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // docs/decisions.md, "Snapshot refresher in the CDK (issue 13)": the snapshot's age counts from
    // its last full reconcile, so that is what the alarm watches; event batches do not reset it.
    const reconciles = new MetricFilter(this, 'FullReconciles', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.message', '=', 'snapshot written'),
        FilterPattern.stringValue('$.kind', '=', 'full'),
      ),
      metricNamespace: `${METRIC_NAMESPACE}/${stack.stackName}`,
      metricName: 'SnapshotFullReconciles',
      metricValue: '1',
      defaultValue: 0,
    });
    this.fullReconcileMetric = reconciles.metric({
      period: Duration.minutes(periodMinutes),
      statistic: 'Sum',
    });
    this.staleSnapshotAlarm = new Alarm(this, 'StaleSnapshotAlarm', {
      alarmDescription: `No full reconcile of the Prometheus http_sd snapshot written for ${STALE_ALARM_PERIODS * periodMinutes} minutes; the serving function marks the snapshot stale and answers 503 once it passes CacheTtlSeconds + StaleIfErrorSeconds. See the refresher log group.`,
      metric: this.fullReconcileMetric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: STALE_ALARM_PERIODS,
      datapointsToAlarm: STALE_ALARM_PERIODS,
      // No refresher log at all (the schedule is disabled, the function cannot start) is as stale.
      treatMissingData: TreatMissingData.BREACHING,
    });

    // Asynchronous: with reserved concurrency 1 a synchronous call fails whenever a scheduled
    // refresh is running (always, for a fleet slower than one period); an event is queued and
    // retried by Lambda instead, and the deployment does not wait for a slow first refresh.
    this.firstRefresh = new Trigger(this, 'FirstRefresh', {
      handler: this.function,
      invocationType: InvocationType.EVENT,
      // Every new version (code or configuration) refreshes at once instead of at the next tick.
      executeOnHandlerChange: true,
      executeAfter: [this.bucket, this.role],
    });
  }

  /** Lets `role` read the snapshot (one `s3:GetObject` on the key) and nothing else of the bucket. */
  public grantReadSnapshot(role: IRole): PolicyStatement {
    const statement = snapshotReadStatement(this.bucket.arnForObjects(this.snapshotKey));
    role.addToPrincipalPolicy(statement);
    return statement;
  }
}
