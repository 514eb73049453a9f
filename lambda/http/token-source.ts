/**
 * Where the bearer token comes from: the configuration itself, or a secret read once at cold start.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { DiscoveryConfig } from '../config/types.ts';

/** Reads the value of a `BearerTokenSecret` reference. */
export type SecretReader = (reference: string) => Promise<string>;

const SSM_PREFIX = 'ssm:';
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter\//;

/** Whether a `BearerTokenSecret` reference names an SSM parameter rather than a Secrets Manager secret. */
export const ssmParameterName = (reference: string): string | undefined => {
  if (reference.startsWith(SSM_PREFIX)) return reference.slice(SSM_PREFIX.length);
  // GetParameter accepts the full ARN as `Name` (required for parameters shared from another account).
  if (SSM_PARAMETER_ARN.test(reference)) return reference;
  return undefined;
};

const asText = (value: string | Uint8Array | undefined): string =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : (value ?? '');

/**
 * Reads a token with Powertools Parameters: `ssm:<name>` or an SSM parameter ARN through
 * `GetParameter` with decryption (SecureString), anything else as a Secrets Manager secret id.
 * Surrounding whitespace is removed (a secret pasted with a trailing newline still works).
 */
export const readTokenSecret: SecretReader = async (reference) => {
  const parameter = ssmParameterName(reference);
  const value =
    parameter === undefined
      ? await getSecret(reference)
      : await getParameter(parameter, { decrypt: true, maxAge: 0 });
  return asText(value).trim();
};

/**
 * The token callers must present, or `undefined` when no auth is configured.
 * @throws Error when the secret cannot be read or is empty (message without the value).
 */
export const resolveBearerToken = async (
  config: Pick<DiscoveryConfig, 'bearerToken' | 'bearerTokenSecret'>,
  readSecret: SecretReader,
): Promise<string | undefined> => {
  if (config.bearerToken !== undefined && config.bearerToken !== '') return config.bearerToken;
  if (config.bearerTokenSecret === undefined || config.bearerTokenSecret === '') return undefined;
  const token = await readSecret(config.bearerTokenSecret);
  if (token === '') throw new Error(`The bearer token secret ${config.bearerTokenSecret} is empty`);
  return token;
};
