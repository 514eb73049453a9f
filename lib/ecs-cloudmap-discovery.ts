/**
 * `EcsCloudMapDiscovery`: the discovery Lambda, its least-privilege role, its log group and its
 * front door (Function URL or API Gateway HTTP API), secured by default with a bearer token that the
 * stack generates into Secrets Manager.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type FunctionUrl,
  FunctionUrlAuthType,
  InvokeMode,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  type DiscoveryOptionsProps,
  discoveryEnvironment,
  ENV_PREFIX,
  LogLevel,
  validateDiscoveryOptions,
} from './discovery-options.ts';
import { cloudMapStatements, ecsStatements, tokenSecretStatement } from './discovery-policy.ts';

/** How callers reach the endpoint and prove who they are. */
export const AccessMode = {
  /** Function URL with auth NONE; the handler checks a bearer token kept in Secrets Manager. */
  FunctionUrlToken: 'function-url-token',
  /** Function URL with AWS_IAM auth: callers sign requests with SigV4; no token. */
  FunctionUrlIam: 'function-url-iam',
  /** API Gateway HTTP API in front of the function; the handler checks the bearer token. */
  HttpApiToken: 'http-api-token',
} as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

export type EcsCloudMapDiscoveryProps = DiscoveryOptionsProps & {
  /**
   * How callers reach the endpoint.
   * @default AccessMode.FunctionUrlToken
   */
  readonly accessMode?: AccessMode;
  /**
   * Serve without any authentication (token modes only). Anyone who learns the URL can read the
   * target list and make the function call AWS; a warning is emitted at synth.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;
  /**
   * Use an existing secret (its whole SecretString is the token) instead of generating one.
   * Token modes only. A customer-managed key on it is granted `kms:Decrypt`.
   * @default - a 48-character alphanumeric token generated into a new secret
   */
  readonly bearerTokenSecret?: ISecret;
  /**
   * Function URL invoke mode RESPONSE_STREAM (`streamingHandler`), which serves target lists over
   * the 6 MB buffered response limit; false selects BUFFERED (`handler`). Not for the HTTP API,
   * which cannot stream.
   * @default true for Function URL modes
   */
  readonly responseStreaming?: boolean;
  /**
   * Memory in MB (CPU grows with it; JSON building of large fleets is CPU-bound).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Instruction set of the function.
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;
  /**
   * Function timeout. At most 30 seconds with the HTTP API (its integration limit).
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's log group (and of the HTTP API access log group).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Concurrency reserved for (and capping) the function.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * VPC to run in. It needs a route to the ECS, Cloud Map and Secrets Manager APIs (NAT or
   * interface endpoints).
   * @default - not in a VPC
   */
  readonly vpc?: IVpc;
  /**
   * Subnets of `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * Security groups of the function in `vpc`.
   * @default - a new security group allowing all outbound traffic
   */
  readonly securityGroups?: ISecurityGroup[];
};

/** Value of `POWERTOOLS_SERVICE_NAME`, the `service` field of every log line. */
export const SERVICE_NAME = 'ecs-cloudmap-prometheus-sd';

/** The paths the handler serves; the HTTP API routes exactly these. */
export const ENDPOINT_PATHS = ['/prometheus-targets', '/metrics', '/health'] as const;

const HTTP_API_TIMEOUT_LIMIT_SECONDS = 30;
const LAMBDA_TIMEOUT_LIMIT_SECONDS = 900;

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every contradiction or out-of-range value among the deployment props, each naming the prop. */
const deploymentProblems = (props: EcsCloudMapDiscoveryProps, accessMode: AccessMode): string[] => {
  const problems: string[] = [];
  const modes: readonly string[] = Object.values(AccessMode);
  if (!modes.includes(accessMode)) {
    problems.push(`accessMode: ${JSON.stringify(accessMode)} is not one of ${modes.join(', ')}`);
  }
  if (accessMode === AccessMode.FunctionUrlIam && props.allowUnauthenticated) {
    problems.push(`allowUnauthenticated: cannot be combined with accessMode '${AccessMode.FunctionUrlIam}'`);
  }
  if (props.bearerTokenSecret && (accessMode === AccessMode.FunctionUrlIam || props.allowUnauthenticated)) {
    problems.push('bearerTokenSecret: only used when a token is checked (token modes, authentication on)');
  }
  if (accessMode === AccessMode.HttpApiToken && props.responseStreaming) {
    problems.push(
      `responseStreaming: API Gateway HTTP API cannot stream Lambda responses (accessMode '${AccessMode.HttpApiToken}')`,
    );
  }
  const timeout = props.timeout?.toSeconds();
  if (timeout !== undefined) {
    if (timeout < 1 || timeout > LAMBDA_TIMEOUT_LIMIT_SECONDS) {
      problems.push(`timeout: ${timeout} s is outside 1..${LAMBDA_TIMEOUT_LIMIT_SECONDS} s`);
    } else if (accessMode === AccessMode.HttpApiToken && timeout > HTTP_API_TIMEOUT_LIMIT_SECONDS) {
      problems.push(
        `timeout: ${timeout} s exceeds the HTTP API integration limit of ${HTTP_API_TIMEOUT_LIMIT_SECONDS} s`,
      );
    }
  }
  const memory = props.memorySize;
  if (
    memory !== undefined &&
    !Token.isUnresolved(memory) &&
    !(Number.isInteger(memory) && memory >= 128 && memory <= 10240)
  ) {
    problems.push(`memorySize: ${memory} is not an integer from 128 to 10240 (MB)`);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (reserved !== undefined && !(Number.isInteger(reserved) && reserved >= 1)) {
    problems.push(`reservedConcurrentExecutions: ${reserved} is not an integer of 1 or more`);
  }
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    problems.push('vpcSubnets, securityGroups: only valid together with vpc');
  }
  return problems;
};

/** cdk-nag flattens `{"Ref": "AWS::Region"}` into `<AWS::Region>`; acknowledgments must match it. */
const flattenForNag = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flattenForNag).join('');
  if (value !== null && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flattenForNag).join(join[0]);
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined) return `<${ref}>`;
  }
  return JSON.stringify(value);
};

export class EcsCloudMapDiscovery extends Construct {
  /** The discovery function. */
  public readonly function: NodejsFunction;
  /** Its execution role (the policy explained in docs/deploy.md). */
  public readonly role: Role;
  /** The function's log group. */
  public readonly logGroup: LogGroup;
  /** The Function URL, in the Function URL access modes. */
  public readonly url?: FunctionUrl;
  /** The HTTP API, in `http-api-token` mode. */
  public readonly httpApi?: HttpApi;
  /** The secret holding the bearer token, when a token is checked. */
  public readonly secret?: ISecret;
  /** The access mode in effect. */
  public readonly accessMode: AccessMode;
  /** Full URL of `/prometheus-targets` (a token at synth). */
  public readonly targetsUrl: string;

  constructor(scope: Construct, id: string, props: EcsCloudMapDiscoveryProps) {
    super(scope, id);
    const accessMode = props.accessMode ?? AccessMode.FunctionUrlToken;
    const problems = [...validateDiscoveryOptions(props), ...deploymentProblems(props, accessMode)];
    if (problems.length > 0) {
      throw new Error(`Invalid EcsCloudMapDiscovery props:\n- ${problems.join('\n- ')}`);
    }
    this.accessMode = accessMode;
    const stack = Stack.of(this);
    const withToken = accessMode !== AccessMode.FunctionUrlIam && !props.allowUnauthenticated;
    const viaHttpApi = accessMode === AccessMode.HttpApiToken;
    const streaming = !viaHttpApi && (props.responseStreaming ?? true);
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;

    if (props.allowUnauthenticated) {
      Annotations.of(this).addWarningV2(
        'ecs-cloudmap-discovery:unauthenticated',
        'allowUnauthenticated is set: the discovery endpoint is public. Anyone with the URL can read the target list (addresses, tags) and make the function call AWS.',
      );
    }

    this.logGroup = new LogGroup(this, 'LogGroup', { retention });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ECS / Cloud Map Prometheus service discovery: read-only discovery calls and its own logs',
    });
    const statements = [
      ...ecsStatements(stack, props.ecsClusters ?? [], props.ec2HostAddresses ?? true),
      ...cloudMapStatements(stack),
    ];
    if (props.vpc) {
      // Lambda creates and removes the function's ENIs with the function's role; these EC2 actions
      // support no resource-level permissions (AWSLambdaVPCAccessExecutionRole grants the same).
      statements.push(
        new PolicyStatement({
          sid: 'VpcNetworkInterfaces',
          effect: Effect.ALLOW,
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }
    for (const statement of statements) {
      this.role.addToPrincipalPolicy(statement);
    }
    this.acknowledgeWildcards(stack, statements);
    this.logGroup.grantWrite(this.role);

    const tokenEnvironment: Record<string, string> = {};
    if (withToken) {
      const secret =
        props.bearerTokenSecret ??
        new Secret(this, 'BearerToken', {
          description: 'Bearer token for the ECS / Cloud Map Prometheus service discovery endpoint',
          generateSecretString: { excludePunctuation: true, includeSpace: false, passwordLength: 48 },
        });
      this.secret = secret;
      this.role.addToPrincipalPolicy(tokenSecretStatement(secret.secretArn));
      secret.encryptionKey?.grantDecrypt(this.role);
      tokenEnvironment[`${ENV_PREFIX}BearerTokenSecret`] = secret.secretArn;
      if (!props.bearerTokenSecret) {
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            'A static bearer token shared with Prometheus: rotating it needs the Prometheus side updated too, so it is rotated by hand (put-secret-value, then a cold start); see docs/deploy.md.',
        });
      }
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(projectRoot, 'lambda', 'handler.ts'),
      handler: streaming ? 'streamingHandler' : 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(HTTP_API_TIMEOUT_LIMIT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      description: 'Prometheus http_sd endpoint for ECS and Cloud Map',
      environment: {
        ...discoveryEnvironment(props),
        ...tokenEnvironment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? LogLevel.Info,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // CommonJS dependencies call require() for Node built-ins; ESM has no require.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // Bundled, not taken from the runtime: measured smaller cold start and a pinned SDK version
        // (docs/deploy.md, "Bundle").
        externalModules: [],
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundle is built and tested for node22, and a runtime change is a deliberate release.',
    });

    if (viaHttpApi) {
      const accessLogs = new LogGroup(this, 'AccessLogs', { retention });
      this.httpApi = new HttpApi(this, 'HttpApi', {
        description: 'Prometheus http_sd endpoint for ECS and Cloud Map',
        createDefaultStage: false,
      });
      const stage = new HttpStage(this, 'Stage', {
        httpApi: this.httpApi,
        stageName: '$default',
        autoDeploy: true,
        accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      });
      const integration = new HttpLambdaIntegration('Handler', this.function);
      for (const path of ENDPOINT_PATHS) {
        this.httpApi.addRoutes({ path, methods: [HttpMethod.GET, HttpMethod.HEAD], integration });
      }
      Validations.of(this.httpApi).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: withToken
          ? 'The handler authorizes every data request with the bearer token (constant-time compare); /health reveals only a status.'
          : 'allowUnauthenticated was set explicitly (a synth warning says so).',
      });
      this.targetsUrl = `${stage.url}prometheus-targets`;
    } else {
      this.url = this.function.addFunctionUrl({
        authType:
          accessMode === AccessMode.FunctionUrlIam ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
        invokeMode: streaming ? InvokeMode.RESPONSE_STREAM : InvokeMode.BUFFERED,
      });
      this.targetsUrl = `${this.url.url}prometheus-targets`;
    }
  }

  /**
   * A `scrape_configs` entry for Prometheus (YAML), using `credentialsFile` for the token in token
   * modes.
   */
  public prometheusScrapeConfig(credentialsFile = '/etc/prometheus/ecs-sd-token'): string {
    const lines = [
      '- job_name: ecs-cloudmap',
      '  http_sd_configs:',
      `    - url: ${this.targetsUrl}`,
      '      refresh_interval: 60s',
    ];
    if (this.secret) {
      lines.push(
        '      authorization:',
        '        type: Bearer',
        `        credentials_file: ${credentialsFile}`,
      );
    }
    return lines.join('\n');
  }

  /** IAM5 findings, one acknowledgment each, with the reason a narrower resource is impossible. */
  private acknowledgeWildcards(stack: Stack, statements: readonly PolicyStatement[]): void {
    const reasons: Record<string, string> = {
      EcsDescribeClusters:
        'Every cluster of this account and region: services of the namespaces may run in any.',
      EcsDescribeServices:
        'Services are discovered at run time; scoped to the configured clusters (service/<cluster>/*).',
      EcsDescribeTasks:
        'Tasks are discovered at run time; scoped to the configured clusters (task/<cluster>/*).',
      EcsListInClusters:
        'ListServices has no resource type and ListTasks only container-instance; the ecs:cluster condition scopes them.',
      EcsListServicesByNamespace:
        'No resource type; ecs:namespace needs namespace ARNs, unknown at synth (names, inferred namespaces).',
      CloudMapList:
        'ListNamespaces, ListServices and ListTagsForResource support no resource-level permissions.',
      CloudMapServiceReads: 'Cloud Map services are found at run time; scoped to this account and region.',
      VpcNetworkInterfaces: 'Lambda ENI management actions support no resource-level permissions.',
      EcsDescribeContainerInstances:
        'Container instances are found at run time; scoped to the configured clusters (container-instance/<cluster>/*).',
      Ec2DescribeInstances: 'EC2 DescribeInstances supports no resource-level permissions.',
    };
    // One acknowledgment per finding: "*" is shared by several statements, so their reasons join.
    const findings = new Map<string, string[]>();
    for (const statement of statements.map(
      (each) => stack.resolve(each.toStatementJson()) as { Sid?: string; Resource: unknown },
    )) {
      const reason = statement.Sid === undefined ? undefined : reasons[statement.Sid];
      if (reason === undefined) continue;
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const resource of resources.map(flattenForNag).filter((text) => text.includes('*'))) {
        const id = `AwsSolutions-IAM5[Resource::${resource}]`;
        findings.set(id, [...(findings.get(id) ?? []), `${statement.Sid}: ${reason}`]);
      }
    }
    for (const [id, why] of findings) {
      Validations.of(this.role).acknowledge({ id, reason: why.join(' ') });
    }
  }
}
