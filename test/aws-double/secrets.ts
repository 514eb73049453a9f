/**
 * Secrets Manager `GetSecretValue` and SSM `GetParameter`, enough for the bearer-token tests
 * (Powertools Parameters calls exactly these).
 */
import { AwsError } from './errors.ts';
import { hashId } from './fleet.ts';
import type { FleetIndex } from './fleet-index.ts';
import type { Input } from './input.ts';
import { requiredString } from './input.ts';

const secretsInvalid = (message: string) =>
  new AwsError(400, 'InvalidParameterException', message, 'Message');
const ssmInvalid = (message: string) => new AwsError(400, 'ValidationException', message, 'message');

/** A secret given by name, full ARN, or partial ARN (without the 6-character suffix). */
const findSecret = (index: FleetIndex, id: string) =>
  index.secrets.get(id) ?? index.fleet.secrets.find((s) => s.arn.slice(0, -7) === id);

const getSecretValue = (index: FleetIndex, input: Input) => {
  const id = requiredString(input, 'SecretId', secretsInvalid);
  const secret = findSecret(index, id);
  if (!secret) {
    throw new AwsError(
      400,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
      'Message',
    );
  }
  const version = hashId(`${secret.arn}/${secret.value}`, 32);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: `${version.slice(0, 8)}-${version.slice(8, 12)}-${version.slice(12, 16)}-${version.slice(16, 20)}-${version.slice(20)}`,
    SecretString: secret.value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  };
};

const getParameter = (index: FleetIndex, input: Input) => {
  const name = requiredString(input, 'Name', ssmInvalid);
  const parameter = index.parameters.get(name);
  if (!parameter) throw new AwsError(400, 'ParameterNotFound', `Parameter ${name} not found.`, 'message');
  const decrypt = input.WithDecryption === true;
  // Without decryption SSM returns the KMS ciphertext (base64), never the plain value.
  const value =
    parameter.type === 'SecureString' && !decrypt
      ? Buffer.from(`AQICAHh${hashId(parameter.value, 48)}`).toString('base64')
      : parameter.value;
  return {
    Parameter: {
      Name: parameter.name,
      Type: parameter.type,
      Value: value,
      Version: 1,
      LastModifiedDate: 1_700_000_000,
      ARN: parameter.arn,
      DataType: 'text',
    },
  };
};

export const secretsManagerOperations = {
  GetSecretValue: getSecretValue,
} as const satisfies Record<string, (index: FleetIndex, input: Input) => unknown>;

export const ssmOperations = {
  GetParameter: getParameter,
} as const satisfies Record<string, (index: FleetIndex, input: Input) => unknown>;
