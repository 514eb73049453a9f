/**
 * Where the bearer token comes from: the configuration itself, or a secret read at cold start.
 * A failed (or blank) secret read is retried with an exponential back-off, and only a data request
 * may start a read: `/health` reports the state without touching Secrets Manager / SSM
 * (docs/decisions.md, "Endpoint hardening (issue 10)").
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DiscoveryConfig } from '../config/types.ts';
import { createTokenCheck, type TokenCheck } from './auth.ts';

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

export type SecretReaderClients = {
  /** @default a client from the standard SDK settings (`AWS_REGION`, `AWS_ENDPOINT_URL`, ...) */
  readonly secretsManager?: SecretsManagerClient;
  /** @default a client from the standard SDK settings */
  readonly ssm?: SSMClient;
};

/**
 * A reader with Powertools Parameters: `ssm:<name>` or an SSM parameter ARN through `GetParameter`
 * with decryption (SecureString), anything else as a Secrets Manager secret id. Surrounding
 * whitespace is removed (a secret pasted with a trailing newline still works). Powertools' own
 * cache is off (`maxAge: 0`): the token source below decides when to read again. The providers
 * (and their SDK clients) are made on the first read, so a container without a secret makes none.
 */
export const createSecretReader = (clients: SecretReaderClients = {}): SecretReader => {
  let secrets: SecretsProvider | undefined;
  let parameters: SSMProvider | undefined;
  return async (reference) => {
    const parameter = ssmParameterName(reference);
    if (parameter === undefined) {
      secrets ??= new SecretsProvider(
        clients.secretsManager === undefined ? {} : { awsSdkV3Client: clients.secretsManager },
      );
      return asText(await secrets.get(reference, { maxAge: 0 })).trim();
    }
    parameters ??= new SSMProvider(clients.ssm === undefined ? {} : { awsSdkV3Client: clients.ssm });
    return asText(await parameters.get(parameter, { decrypt: true, maxAge: 0 })).trim();
  };
};

/** The reader of the deployed function and the local server. */
export const readTokenSecret: SecretReader = createSecretReader();

/** The secret held only whitespace: as useless as one that cannot be read, so it is treated the same. */
export class BlankSecretError extends Error {
  constructor(reference: string) {
    super(`The bearer token secret ${reference} is empty`);
    this.name = 'BlankSecretError';
  }
}

/**
 * The token callers must present, or `undefined` when no auth is configured.
 * @throws BlankSecretError when the secret holds only whitespace; the reader's error when it fails
 *   (messages never carry the value).
 */
export const resolveBearerToken = async (
  config: Pick<DiscoveryConfig, 'bearerToken' | 'bearerTokenSecret'>,
  readSecret: SecretReader,
): Promise<string | undefined> => {
  if (config.bearerToken !== undefined) {
    // Configuration loading already refuses a blank token; this keeps a hand-made config closed too.
    if (config.bearerToken.trim() === '') throw new Error('The configured bearer token is blank');
    return config.bearerToken;
  }
  if (config.bearerTokenSecret === undefined) return undefined;
  const token = await readSecret(config.bearerTokenSecret);
  if (token.trim() === '') throw new BlankSecretError(config.bearerTokenSecret);
  return token;
};

/** First wait after a failed read; it doubles with each further failure. */
export const FIRST_RETRY_DELAY_MS = 1000;
/** Longest wait between two reads of an unreadable secret. */
export const MAX_RETRY_DELAY_MS = 60_000;

/** Milliseconds to wait after the `failures`-th failed read in a row (1, 2, 4, … s, capped at 60 s). */
export const retryDelayMs = (failures: number): number =>
  Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, Math.min(failures - 1, 30)));

/** The token is not available: the last read failed and the next one is not due yet (or failed too). */
export class TokenUnavailableError extends Error {
  /** Whole seconds until the next read may be tried (at least 1). */
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number, options?: ErrorOptions) {
    super('The bearer token could not be read', options);
    this.name = 'TokenUnavailableError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

export type TokenSourceOptions = {
  readonly config: Pick<DiscoveryConfig, 'bearerToken' | 'bearerTokenSecret'>;
  readonly readSecret: SecretReader;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Called once per failed read (for the log), with the wait before the next one. */
  readonly onReadFailed?: (error: unknown, failures: number, retryInMs: number) => void;
};

export type TokenSource = {
  /**
   * The check for a data request (`undefined` = no auth). Starts a read when none has succeeded,
   * none is in flight and the back-off has passed; joins a read in flight.
   * @throws TokenUnavailableError while the secret cannot be read
   */
  readonly check: () => Promise<TokenCheck | undefined>;
  /** Whether the token is loaded (or not needed), waiting for a read in flight but never starting one. */
  readonly ready: () => Promise<boolean>;
};

export const createTokenSource = (options: TokenSourceOptions): TokenSource => {
  const now = options.now ?? Date.now;
  let loaded: { readonly check: TokenCheck | undefined } | undefined;
  let inFlight: Promise<TokenCheck | undefined> | undefined;
  let failures = 0;
  let nextReadAt = 0;
  let lastError: unknown;

  const read = (): Promise<TokenCheck | undefined> => {
    inFlight = resolveBearerToken(options.config, options.readSecret)
      .then(
        (token) => {
          const check = token === undefined ? undefined : createTokenCheck(token);
          loaded = { check };
          failures = 0;
          return check;
        },
        (error: unknown) => {
          failures += 1;
          const retryInMs = retryDelayMs(failures);
          nextReadAt = now() + retryInMs;
          lastError = error;
          options.onReadFailed?.(error, failures, retryInMs);
          throw new TokenUnavailableError(retryInMs, { cause: error });
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const check = async (): Promise<TokenCheck | undefined> => {
    if (loaded !== undefined) return loaded.check;
    if (inFlight !== undefined) return inFlight;
    const waitMs = nextReadAt - now();
    if (failures > 0 && waitMs > 0) throw new TokenUnavailableError(waitMs, { cause: lastError });
    return read();
  };

  const ready = async (): Promise<boolean> => {
    if (loaded !== undefined) return true;
    if (inFlight === undefined) return false;
    return inFlight.then(
      () => true,
      () => false,
    );
  };

  return { check, ready };
};
