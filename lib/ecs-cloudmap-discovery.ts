/**
 * `EcsCloudMapDiscovery`: the discovery Lambda, its least-privilege role, its log group and its
 * front door (Function URL or API Gateway HTTP API), secured by default with a bearer token that the
 * stack generates into Secrets Manager.
 */
import { Annotations, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IInterfaceVpcEndpoint, ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type FunctionUrl,
  FunctionUrlAuthType,
  InvokeMode,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  checkDiscoveryEnvironment,
  type DiscoveryOptionsProps,
  discoveryEnvironment,
  ENV_PREFIX,
  LogLevel,
  type OptionText,
} from './discovery-options.ts';
import {
  acknowledgeWildcards,
  tokenSecretStatement,
  vpcNetworkInterfacesStatement,
} from './discovery-policy.ts';
import { type DiscoverySourcesProps, sourceStatements, sourcesEnvironment } from './discovery-sources.ts';
import {
  BUNDLING,
  LOCK_FILE,
  lambdaEntry,
  PROJECT_ROOT,
  RUNTIME_PINNED_REASON,
} from './function-bundling.ts';
import { PrivateDiscoveryApi } from './private-rest-api.ts';
import { refresherProblems, SnapshotRefresher, type SnapshotRefresherOptions } from './snapshot-refresher.ts';

/** How callers reach the endpoint and prove who they are. */
export const AccessMode = {
  /** Function URL with auth NONE; the handler checks a bearer token kept in Secrets Manager. */
  FunctionUrlToken: 'function-url-token',
  /** Function URL with AWS_IAM auth: callers sign requests with SigV4; no token. */
  FunctionUrlIam: 'function-url-iam',
  /** API Gateway HTTP API in front of the function; the handler checks the bearer token. */
  HttpApiToken: 'http-api-token',
  /**
   * API Gateway PRIVATE REST API, reachable only through an interface VPC endpoint for
   * `execute-api`; the handler checks the bearer token (issue 16).
   */
  PrivateApi: 'private-api',
} as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

/** Stage throttling of the HTTP API (and of the private REST API). */
export type HttpApiThrottle = {
  /** Steady-state requests per second. @default 50 */
  readonly rateLimit?: number;
  /** Requests allowed at once above the steady rate. @default 100 */
  readonly burstLimit?: number;
};

/**
 * Cost caps (docs/decisions.md, "Endpoint hardening (issue 10)"): Prometheus polls once per
 * `refresh_interval` (tens of seconds) from a few servers, so 10 concurrent executions and
 * 50 requests/s (burst 100) leave it ample room while bounding what an unauthenticated flood is
 * billed and how much account concurrency it can take.
 */
export const DEFAULT_RESERVED_CONCURRENCY = 10;
export const DEFAULT_HTTP_API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export type EcsCloudMapDiscoveryProps = DiscoveryOptionsProps &
  DiscoverySourcesProps & {
    /**
     * Discovery options already in the handler's text format, by option key, e.g.
     * `{ ecsClusters: 'prod;staging' }`; each becomes its `DiscoveryOptions__*` variable verbatim and
     * wins over the typed prop of the same name. The CDK app passes `-c` values this way, so only the
     * handler's parser ever reads them.
     * @default - none
     */
    readonly optionText?: OptionText;
    /**
     * Snapshot mode: a `SnapshotRefresher` (reserved concurrency 1; schedule, task events) writes the
     * target list to S3 and the serving function only reads it there, never calling ECS or Cloud
     * Map. false: every serving environment runs discovery itself (embedded mode).
     * @default true
     */
    readonly snapshot?: boolean;
    /**
     * Tuning of the refresher (snapshot mode only).
     * @default - the `SnapshotRefresherOptions` defaults
     */
    readonly refresher?: SnapshotRefresherOptions;
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
     * Concurrency reserved for, and capping, the function: a flood of requests (authenticated or not,
     * every one is billed) cannot take more than this from the account's Lambda concurrency, and
     * Prometheus needs one or two. Reserving needs the account to keep at least 10 unreserved.
     * @default 10
     */
    readonly reservedConcurrentExecutions?: number;
    /**
     * Throttling of the API Gateway stage (`http-api-token`: the HTTP API's `$default` stage;
     * `private-api`: the REST API's stage): steady requests per second and burst. Requests over it
     * get 429 from API Gateway without invoking the function.
     * @default { rateLimit: 50, burstLimit: 100 }
     */
    readonly httpApiThrottle?: HttpApiThrottle;
    /**
     * `private-api` mode: the interface VPC endpoint for `execute-api` that Prometheus calls through.
     * Give this or `privateApiVpc`.
     * @default - one is created in `privateApiVpc`
     */
    readonly vpcEndpoint?: IInterfaceVpcEndpoint;
    /**
     * `private-api` mode: the VPC to create the `execute-api` interface endpoint in (private DNS off;
     * the targets URL uses the endpoint-specific host name). Unrelated to `vpc`, which places the
     * functions.
     * @default - none: give `vpcEndpoint`
     */
    readonly privateApiVpc?: IVpc;
    /**
     * `private-api` mode: access logs of the REST API stage. They need the account's API Gateway
     * CloudWatch Logs role (`aws apigateway update-account`), or the deployment fails.
     * @default false
     */
    readonly privateApiAccessLogs?: boolean;
    /**
     * VPC to run in (both functions in snapshot mode). It needs a route to the ECS, Cloud Map and
     * Secrets Manager APIs, and in snapshot mode to S3 (NAT, interface or gateway endpoints).
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
export const ENDPOINT_PATHS = ['/prometheus-targets', '/metrics', '/health', '/debug/targets'] as const;

const HTTP_API_TIMEOUT_LIMIT_SECONDS = 30;
// A REST API's default integration timeout (raising it is a quota request).
const REST_API_TIMEOUT_LIMIT_SECONDS = 29;
const LAMBDA_TIMEOUT_LIMIT_SECONDS = 900;

/** Thrown for invalid props: every problem, one line each, each naming the prop. */
export class InvalidPropsError extends Error {
  override readonly name = 'InvalidPropsError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid EcsCloudMapDiscovery props:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

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
  problems.push(...privateApiProblems(props, accessMode));
  const timeout = props.timeout?.toSeconds();
  if (timeout !== undefined) {
    if (timeout < 1 || timeout > LAMBDA_TIMEOUT_LIMIT_SECONDS) {
      problems.push(`timeout: ${timeout} s is outside 1..${LAMBDA_TIMEOUT_LIMIT_SECONDS} s`);
    } else if (accessMode === AccessMode.HttpApiToken && timeout > HTTP_API_TIMEOUT_LIMIT_SECONDS) {
      problems.push(
        `timeout: ${timeout} s exceeds the HTTP API integration limit of ${HTTP_API_TIMEOUT_LIMIT_SECONDS} s`,
      );
    } else if (accessMode === AccessMode.PrivateApi && timeout > REST_API_TIMEOUT_LIMIT_SECONDS) {
      problems.push(
        `timeout: ${timeout} s exceeds the REST API integration limit of ${REST_API_TIMEOUT_LIMIT_SECONDS} s`,
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
  const throttle = props.httpApiThrottle;
  if (throttle !== undefined) {
    if (accessMode !== AccessMode.HttpApiToken && accessMode !== AccessMode.PrivateApi) {
      problems.push(
        `httpApiThrottle: only used with accessMode '${AccessMode.HttpApiToken}' or '${AccessMode.PrivateApi}'`,
      );
    }
    const { rateLimit, burstLimit } = throttle;
    if (rateLimit !== undefined && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
      problems.push(`httpApiThrottle.rateLimit: ${rateLimit} is not a number above 0 (requests per second)`);
    }
    if (burstLimit !== undefined && !(Number.isInteger(burstLimit) && burstLimit >= 1)) {
      problems.push(`httpApiThrottle.burstLimit: ${burstLimit} is not an integer of 1 or more`);
    }
  }
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    problems.push('vpcSubnets, securityGroups: only valid together with vpc');
  }
  if (props.refresher && props.snapshot === false) {
    problems.push('refresher: only used in snapshot mode (snapshot is false)');
  }
  problems.push(...refresherProblems(props.refresher ?? {}));
  return problems;
};

/** The private REST API's props: only in its mode, and exactly one endpoint source. */
const privateApiProblems = (props: EcsCloudMapDiscoveryProps, accessMode: AccessMode): string[] => {
  const given = (['vpcEndpoint', 'privateApiVpc', 'privateApiAccessLogs'] as const).filter(
    (key) => props[key] !== undefined,
  );
  if (accessMode !== AccessMode.PrivateApi) {
    return given.length === 0
      ? []
      : [`${given.join(', ')}: only used with accessMode '${AccessMode.PrivateApi}'`];
  }
  const problems: string[] = [];
  if ((props.vpcEndpoint === undefined) === (props.privateApiVpc === undefined)) {
    problems.push(
      `vpcEndpoint, privateApiVpc: accessMode '${AccessMode.PrivateApi}' needs exactly one (the execute-api endpoint, or the VPC to create it in)`,
    );
  }
  if (props.responseStreaming) {
    problems.push(
      `responseStreaming: API Gateway REST APIs cannot stream Lambda responses (accessMode '${AccessMode.PrivateApi}')`,
    );
  }
  return problems;
};

export class EcsCloudMapDiscovery extends Construct {
  /** The discovery function. */
  public readonly function: NodejsFunction;
  /** Its execution role (the policy explained in docs/deploy.md). */
  public readonly role: Role;
  /**
   * The role that runs discovery: the refresher's in snapshot mode, else `role`. It holds the ECS,
   * Cloud Map and `sts:AssumeRole` grants; member roles (`DiscoveryMemberRole`) trust this ARN.
   */
  public readonly discoveryRole: Role;
  /** The function's log group. */
  public readonly logGroup: LogGroup;
  /** The Function URL, in the Function URL access modes. */
  public readonly url?: FunctionUrl;
  /** The HTTP API, in `http-api-token` mode. */
  public readonly httpApi?: HttpApi;
  /** The private REST API and its VPC endpoint, in `private-api` mode. */
  public readonly privateApi?: PrivateDiscoveryApi;
  /** The secret holding the bearer token, when a token is checked. */
  public readonly secret?: ISecret;
  /** The access mode in effect. */
  public readonly accessMode: AccessMode;
  /** Full URL of `/prometheus-targets` (a token at synth). */
  public readonly targetsUrl: string;
  /** The serving function's entry file: `lambda/snapshot-handler.ts` in snapshot mode, else `lambda/handler.ts`. */
  public readonly entry: string;
  /** The refresher, its bucket, schedule and event queue, in snapshot mode. */
  public readonly refresher?: SnapshotRefresher;

  constructor(scope: Construct, id: string, props: EcsCloudMapDiscoveryProps) {
    super(scope, id);
    const accessMode = props.accessMode ?? AccessMode.FunctionUrlToken;
    // The handler's own loadConfig checks the environment it will read: one parser, one verdict.
    const discoveryVariables = {
      ...sourcesEnvironment(props),
      ...discoveryEnvironment(props, props.optionText),
    };
    const checked = checkDiscoveryEnvironment(discoveryVariables);
    const problems = [
      ...(checked.ok ? [] : checked.problems.map((problem) => `${problem.key}: ${problem.message}`)),
      ...deploymentProblems(props, accessMode),
    ];
    if (!checked.ok || problems.length > 0) throw new InvalidPropsError(problems);
    const config = checked.config;
    this.accessMode = accessMode;
    const stack = Stack.of(this);
    const withToken = accessMode !== AccessMode.FunctionUrlIam && !props.allowUnauthenticated;
    const viaHttpApi = accessMode === AccessMode.HttpApiToken;
    const viaPrivateApi = accessMode === AccessMode.PrivateApi;
    const streaming = !viaHttpApi && !viaPrivateApi && (props.responseStreaming ?? true);
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const environment = {
      ...discoveryVariables,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? LogLevel.Info,
      NODE_OPTIONS: '--enable-source-maps',
    };

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
    // Own account in each Region, member roles (issue 16): for whichever role runs discovery.
    // From the checked config: loadConfig parsed and validated the four source options.
    const discoveryStatements = sourceStatements(stack, config);
    if (props.snapshot ?? true) {
      this.refresher = new SnapshotRefresher(this, 'Refresher', {
        ...props.refresher,
        discoveryStatements,
        ecsClusters: config.ecsClusters,
        ec2HostAddresses: config.ec2HostAddresses,
        cacheTtlSeconds: config.cacheTtlSeconds,
        environment,
        architecture: props.architecture,
        logRetention: retention,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups: props.securityGroups,
        readsTaskDefinitions: config.dockerLabels !== 'none',
      });
      // Snapshot mode: the serving role reads the snapshot object and calls neither ECS nor Cloud Map.
      this.refresher.grantReadSnapshot(this.role);
    }
    const statements = [
      ...(this.refresher ? [] : discoveryStatements),
      ...(props.vpc ? [vpcNetworkInterfacesStatement()] : []),
    ];
    for (const statement of statements) {
      this.role.addToPrincipalPolicy(statement);
    }
    acknowledgeWildcards(stack, this.role, statements);
    this.logGroup.grantWrite(this.role);
    this.discoveryRole = this.refresher?.role ?? this.role;

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

    // Snapshot mode serves from S3 only: its door bundles no discovery code (docs/decisions.md,
    // "Snapshot-only serving bundle (issue 10)"), half the size of handler.ts.
    this.entry = lambdaEntry(this.refresher === undefined ? 'handler.ts' : 'snapshot-handler.ts');
    this.function = new NodejsFunction(this, 'Function', {
      entry: this.entry,
      handler: streaming ? 'streamingHandler' : 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_22_X,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout:
        props.timeout ??
        Duration.seconds(viaPrivateApi ? REST_API_TIMEOUT_LIMIT_SECONDS : HTTP_API_TIMEOUT_LIMIT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY,
      role: this.role,
      logGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      description: 'Prometheus http_sd endpoint for ECS and Cloud Map',
      environment: { ...environment, ...this.refresher?.snapshotEnvironment, ...tokenEnvironment },
      bundling: BUNDLING,
    });
    Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_PINNED_REASON });

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
        throttle: {
          rateLimit: props.httpApiThrottle?.rateLimit ?? DEFAULT_HTTP_API_THROTTLE.rateLimit,
          burstLimit: props.httpApiThrottle?.burstLimit ?? DEFAULT_HTTP_API_THROTTLE.burstLimit,
        },
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
    } else if (viaPrivateApi) {
      this.privateApi = new PrivateDiscoveryApi(this, 'PrivateApi', {
        handler: this.function,
        paths: ENDPOINT_PATHS,
        vpcEndpoint: props.vpcEndpoint,
        endpointVpc: props.privateApiVpc,
        throttle: {
          rateLimit: props.httpApiThrottle?.rateLimit ?? DEFAULT_HTTP_API_THROTTLE.rateLimit,
          burstLimit: props.httpApiThrottle?.burstLimit ?? DEFAULT_HTTP_API_THROTTLE.burstLimit,
        },
        accessLogRetention: props.privateApiAccessLogs ? retention : undefined,
        tokenChecked: withToken,
      });
      this.targetsUrl = this.privateApi.targetsUrl;
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
}
