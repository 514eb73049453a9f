/**
 * Real SDK v3 clients pointed at a double: static fake credentials, the double's region and
 * endpoint. No retry settings beyond what the caller passes, so tests see the SDK's own defaults.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { SSMClient } from '@aws-sdk/client-ssm';

/** What the clients need from a double (an `AwsDouble` fits). */
export type DoubleEndpoint = { readonly endpoint: string; readonly region: string };

/** Client settings shared by every SDK client (retry and other options come from `overrides`). */
export type DoubleClientConfig = {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts?: number;
  readonly retryMode?: string;
  /**
   * Always true: the double is one host, so DiscoverInstances' `data-` endpoint prefix (which would
   * make the SDK call `data-127.0.0.1`) is turned off.
   */
  readonly disableHostPrefix: boolean;
};

export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIDAWSDOUBLE000000',
  secretAccessKey: 'aws-double-secret',
} as const;

export const clientConfig = (
  double: DoubleEndpoint,
  overrides: Partial<DoubleClientConfig> = {},
): DoubleClientConfig => ({
  region: double.region,
  endpoint: double.endpoint,
  credentials: FAKE_CREDENTIALS,
  disableHostPrefix: true,
  ...overrides,
});

export type DoubleClients = {
  readonly ecs: ECSClient;
  readonly serviceDiscovery: ServiceDiscoveryClient;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
  /** Destroys every client (closes their sockets). */
  readonly destroy: () => void;
};

export const makeClients = (
  double: DoubleEndpoint,
  overrides: Partial<DoubleClientConfig> = {},
): DoubleClients => {
  const config = clientConfig(double, overrides);
  const ecs = new ECSClient(config);
  const serviceDiscovery = new ServiceDiscoveryClient(config);
  const secretsManager = new SecretsManagerClient(config);
  const ssm = new SSMClient(config);
  const ec2 = new EC2Client(config);
  return {
    ecs,
    serviceDiscovery,
    secretsManager,
    ssm,
    ec2,
    destroy: () => {
      for (const client of [ecs, serviceDiscovery, secretsManager, ssm, ec2]) client.destroy();
    },
  };
};

/**
 * Environment variables that point a process (the local server, the CLI, a bundled handler) at the
 * double through the SDK's standard settings.
 */
export const doubleEnv = (double: DoubleEndpoint): Record<string, string> => ({
  AWS_ENDPOINT_URL: double.endpoint,
  AWS_REGION: double.region,
  AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
});
