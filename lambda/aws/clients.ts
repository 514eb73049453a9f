/**
 * The SDK clients, made once per process at the edge. Region, endpoint and credentials come from the
 * standard SDK settings (`AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_ECS`, ...), so the same
 * code talks to AWS, to LocalStack-style endpoints and to the test double.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';

export type AwsClients = {
  readonly ecs: ECSClient;
  readonly cloudMap: ServiceDiscoveryClient;
  /**
   * For the host address of bridge/host tasks. Optional so that a caller reading only awsvpc fleets
   * may leave it out; such tasks are then skipped as `host_address_disabled`.
   */
  readonly ec2?: EC2Client;
};

/**
 * Adaptive retry mode rate-limits the client itself after a throttling error instead of retrying into
 * the same empty token bucket; 8 attempts ride out a throttling storm of a few seconds.
 */
const RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Whether Cloud Map calls go to an endpoint of our choosing rather than AWS's. DiscoverInstances
 * carries the endpoint host prefix `data-` (AWS serves it from `data-servicediscovery.<region>...`);
 * on a custom endpoint (`http://127.0.0.1:4566`, the test double) the prefix would name a host that
 * does not exist, so it is turned off there and only there.
 */
export const hasCustomCloudMapEndpoint = (endpoint: string | undefined, env: Environment): boolean =>
  Boolean(endpoint || env.AWS_ENDPOINT_URL_SERVICEDISCOVERY || env.AWS_ENDPOINT_URL);

/** Per-client settings: a custom endpoint, a source's Region and credentials. */
export type ClientOverrides = {
  readonly endpoint?: string;
  readonly region?: string;
  /** Static credentials or a provider (an assumed role's). @default the SDK's default chain */
  readonly credentials?: ECSClientConfig['credentials'];
};

export const createAwsClients = (
  overrides: ClientOverrides = {},
  env: Environment = process.env,
): AwsClients => ({
  ecs: new ECSClient({ ...RETRY, ...overrides }),
  cloudMap: new ServiceDiscoveryClient({
    ...RETRY,
    ...overrides,
    disableHostPrefix: hasCustomCloudMapEndpoint(overrides.endpoint, env),
  }),
  ec2: new EC2Client({ ...RETRY, ...overrides }),
});
