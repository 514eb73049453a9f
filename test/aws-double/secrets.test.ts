import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoubleClients } from './clients.ts';
import { clientConfig, makeClients } from './clients.ts';
import { defineFleet } from './fleet.ts';
import type { AwsDouble } from './server.ts';
import { startAwsDouble } from './server.ts';

const fleet = defineFleet({
  secrets: [{ name: 'discovery/token', value: 's3cret-token' }],
  parameters: [
    { name: '/discovery/token', value: 'param-token' },
    { name: '/discovery/plain', value: 'visible', type: 'String' },
  ],
});
const secret = fleet.secrets[0]!;

let double: AwsDouble;
let clients: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble(fleet);
  clients = makeClients(double);
});
afterAll(async () => {
  clients.destroy();
  await double.close();
});

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata: { httpStatusCode: number } };
    return { name: e.name, message: e.message, status: e.$metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
};

describe('Secrets Manager GetSecretValue', () => {
  it.each([
    ['its name', 'discovery/token'],
    ['its full ARN', secret.arn],
    ['its partial ARN (without the random suffix)', secret.arn.slice(0, -7)],
  ])('finds a secret by %s', async (_case, secretId) => {
    // Act
    const result = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));

    // Assess
    expect(result).toMatchObject({
      Name: 'discovery/token',
      ARN: secret.arn,
      SecretString: 's3cret-token',
      VersionStages: ['AWSCURRENT'],
    });
    expect(secret.arn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:discovery\/token-[0-9a-f]{6}$/,
    );
  });

  it('fails for an unknown secret', async () => {
    // Act
    const error = await errorOf(clients.secretsManager.send(new GetSecretValueCommand({ SecretId: 'nope' })));

    // Assess
    expect(error).toEqual({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      status: 400,
    });
  });

  it('serves Powertools Parameters through the SDK client', async () => {
    // Prepare
    const provider = new SecretsProvider({ clientConfig: clientConfig(double) });

    // Act
    const value = await provider.get('discovery/token');

    // Assess
    expect(value).toBe('s3cret-token');
  });
});

describe('SSM GetParameter', () => {
  it.each([
    ['a SecureString with decryption', '/discovery/token', true, 'param-token'],
    ['a String', '/discovery/plain', false, 'visible'],
    ['a parameter by ARN', 'arn:aws:ssm:us-east-1:123456789012:parameter/discovery/plain', false, 'visible'],
  ])('reads %s', async (_case, name, withDecryption, expected) => {
    // Act
    const result = await clients.ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: withDecryption }),
    );

    // Assess
    expect(result.Parameter?.Value).toBe(expected);
  });

  it('returns ciphertext, not the value, for a SecureString read without decryption', async () => {
    // Act
    const result = await clients.ssm.send(new GetParameterCommand({ Name: '/discovery/token' }));

    // Assess
    expect(result.Parameter?.Type).toBe('SecureString');
    expect(result.Parameter?.Value).not.toContain('param-token');
    expect(result.Parameter?.Value).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('fails for an unknown parameter', async () => {
    // Act
    const error = await errorOf(clients.ssm.send(new GetParameterCommand({ Name: '/nope' })));

    // Assess
    expect(error).toEqual({ name: 'ParameterNotFound', message: 'Parameter /nope not found.', status: 400 });
  });

  it('serves Powertools Parameters with decryption through the SDK client', async () => {
    // Prepare
    const provider = new SSMProvider({ clientConfig: clientConfig(double) });

    // Act
    const value = await provider.get('/discovery/token', { decrypt: true });

    // Assess
    expect(value).toBe('param-token');
  });
});
