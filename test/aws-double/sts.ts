/**
 * STS `AssumeRole` for the AWS API double (Query protocol: a form-encoded POST with `Action=...`,
 * answered in XML), and the registry of access keys it hands out: each issued key belongs to the
 * role's account, so the double serves that account's fleet to the clients signing with it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A role the double lets callers assume. */
export type RoleSpec = {
  /** `arn:aws:iam::<account>:role/<name>`; the account is the one the issued keys read. */
  readonly arn: string;
  /** The ExternalId the trust policy demands; AssumeRole without it (or with another) is denied. */
  readonly externalId?: string;
};

/** One AssumeRole the double received (granted or denied). */
export type AssumeRoleCall = {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId: string | undefined;
  readonly granted: boolean;
};

export type StsOptions = {
  readonly roles: readonly RoleSpec[];
  /** `Expiration` of issued credentials. @default one hour after Date.now() */
  readonly expiration?: () => Date;
};

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Whether a request is an STS Query call (form-encoded POST without an `X-Amz-Target`). */
export const isQueryRequest = (request: IncomingMessage): boolean =>
  request.method === 'POST' &&
  request.headers['x-amz-target'] === undefined &&
  String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

const sendXml = (response: ServerResponse, status: number, body: string) => {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
};

const sendStsError = (response: ServerResponse, status: number, code: string, message: string) =>
  sendXml(
    response,
    status,
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

export type StsDouble = {
  /** The account an access key reads, or undefined for a key the double never issued. */
  readonly accountOfKey: (accessKeyId: string) => string | undefined;
  readonly answer: (
    response: ServerResponse,
    body: string,
    callerAccount: string | undefined,
  ) => AssumeRoleCall | undefined;
  readonly calls: () => readonly AssumeRoleCall[];
  readonly reset: () => void;
};

export const createStsDouble = (options: StsOptions, baseKeys: ReadonlyMap<string, string>): StsDouble => {
  const keys = new Map(baseKeys);
  let calls: AssumeRoleCall[] = [];
  let issued = 0;
  const expiration = options.expiration ?? (() => new Date(Date.now() + 3600_000));
  return {
    accountOfKey: (key) => keys.get(key),
    calls: () => calls,
    reset: () => {
      calls = [];
    },
    answer: (response, body, callerAccount) => {
      const params = new URLSearchParams(body);
      const action = params.get('Action');
      if (action !== 'AssumeRole') {
        sendStsError(response, 400, 'InvalidAction', `Could not find operation ${action ?? '(none)'}`);
        return undefined;
      }
      const roleArn = params.get('RoleArn') ?? '';
      const roleSessionName = params.get('RoleSessionName') ?? '';
      const externalId = params.get('ExternalId') ?? undefined;
      const role = options.roles.find((r) => r.arn === roleArn);
      const granted = callerAccount !== undefined && role !== undefined && role.externalId === externalId;
      const call = { roleArn, roleSessionName, externalId, granted };
      calls.push(call);
      if (!granted) {
        sendStsError(
          response,
          403,
          'AccessDenied',
          `User: arn:aws:sts::${callerAccount ?? '000000000000'}:assumed-role/discovery/lambda is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        );
        return call;
      }
      const account = roleArn.split(':')[4] ?? '';
      issued += 1;
      const accessKeyId = `ASIA${account}${String(issued).padStart(4, '0')}`;
      keys.set(accessKeyId, account);
      const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
      sendXml(
        response,
        200,
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>aws-double-secret-${issued}</SecretAccessKey><SessionToken>aws-double-session-${issued}</SessionToken><Expiration>${expiration().toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROADOUBLE:${xmlEscape(roleSessionName)}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(roleSessionName)}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
      return call;
    },
  };
};

/** The access key, Region and service of a SigV4 `Authorization` header's credential scope. */
export const signedBy = (
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | undefined => {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(authorization ?? '');
  return match === null ? undefined : { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
};
