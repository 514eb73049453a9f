/**
 * Credentials of an assumed role, shared by every client of that account (ECS and Cloud Map, in
 * every Region). `fromTemporaryCredentials` of `@aws-sdk/credential-providers` calls STS AssumeRole;
 * the SDK's clients refresh an identity 5 minutes before its `Expiration`, and `shareCredentials`
 * applies the same margin once for all clients, so an account costs one AssumeRole per session,
 * not one per client (docs/decisions.md "Many accounts and Regions (issue 16)").
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

/** What a credential provider resolves to (the SDK's `AwsCredentialIdentity`). */
export type RoleCredentials = Awaited<ReturnType<ReturnType<typeof fromTemporaryCredentials>>>;
export type RoleCredentialProvider = () => Promise<RoleCredentials>;

/** Every AssumeRole names the product, so CloudTrail in the member account says who read it. */
export const ROLE_SESSION_NAME = 'ecs-cloudmap-prometheus-sd';

/** The SDK clients' own refresh margin (`@smithy/core` identity memoisation): 5 minutes. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One provider for many clients: the held credentials while they are more than
 * `REFRESH_MARGIN_MS` from expiry, else one shared call of `provider` (concurrent callers wait
 * for the same call; a failed call is tried again by the next caller).
 */
export const shareCredentials = (
  provider: RoleCredentialProvider,
  now: () => number = Date.now,
): RoleCredentialProvider => {
  let held: RoleCredentials | undefined;
  let pending: Promise<RoleCredentials> | undefined;
  const fresh = (credentials: RoleCredentials) =>
    credentials.expiration === undefined || credentials.expiration.getTime() - now() > REFRESH_MARGIN_MS;
  return () => {
    if (held !== undefined && fresh(held)) return Promise.resolve(held);
    pending ??= provider()
      .then((credentials) => {
        held = credentials;
        return credentials;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
};

export type AssumeRoleOptions = {
  readonly roleArn: string;
  /** `AssumeRoleExternalId`, when the member role's trust policy asks for one. */
  readonly externalId?: string | undefined;
  /** Region of the STS endpoint (the function's own). @default the SDK's resolution */
  readonly stsRegion?: string | undefined;
  /** STS endpoint override (tests, LocalStack). @default AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL / AWS */
  readonly endpoint?: string | undefined;
  /** The caller's credentials. @default the SDK's default chain (the function's role) */
  readonly credentials?: RoleCredentials | RoleCredentialProvider | undefined;
};

/** Credentials of `roleArn`, assumed with STS and refreshed before they expire. */
export const assumeRoleCredentials = (options: AssumeRoleOptions): RoleCredentialProvider =>
  shareCredentials(
    fromTemporaryCredentials({
      params: {
        RoleArn: options.roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
      },
      ...(options.credentials === undefined ? {} : { masterCredentials: options.credentials }),
      clientConfig: {
        ...(options.stsRegion === undefined ? {} : { region: options.stsRegion }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      },
    }),
  );
