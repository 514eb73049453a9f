/**
 * Hostile input on the app through the buffered Middy handler: odd and repeated `Authorization`
 * headers, odd paths, huge headers and query strings, every method. No token, secret or AWS error
 * text appears in any response, and no token (configured or presented) in any captured log line.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { createApp } from '../../lambda/http/app.ts';
import { createHandler } from '../../lambda/http/lambda-adapter.ts';
import type { SecretReader } from '../../lambda/http/token-source.ts';
import type { Discover } from '../../lambda/model/discovery.ts';
import {
  discoveryResult,
  functionUrlEvent,
  httpApiEvent,
  lambdaContext,
  recordingLogger,
  restEvent,
  scriptedDiscover,
  TARGETS_BODY,
  testConfig,
} from '../http/support.ts';

const TOKEN = 'tok-Qm9vbGVhbi1zZWNyZXQtNGY5YQ';
const SECRET_NAME = 'sd/bearer-token-8d1e';
const AWS_TEXT = 'User: arn:aws:sts::123456789012:assumed-role/sd is not authorized (AWS-TEXT-51b2)';
/** Wrong tokens the tests present: they must not be logged either. */
const GUESS = 'guess-Zm9vYmFyYmF6cXV4';

type Setup = {
  readonly config?: Partial<DiscoveryConfig>;
  readonly discover?: Discover;
  readonly readSecret?: SecretReader;
};

const setUp = (setup: Setup = {}) => {
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () => testConfig({ bearerToken: TOKEN, ...setup.config }),
    createDiscover: () => setup.discover ?? scriptedDiscover(discoveryResult()).discover,
    logger,
    readSecret: setup.readSecret ?? (async () => TOKEN),
  });
  const handler = createHandler(app, { logger });
  const invoke = (event: APIGatewayProxyEvent | APIGatewayProxyEventV2) => handler(event, lambdaContext());
  const logText = () => JSON.stringify(logger.entries);
  return { invoke, logText };
};

type Response = { statusCode: number; headers: Readonly<Record<string, string>>; body: string };

/** The whole response as text: status, every header name and value, the body. */
const responseText = (response: Response) =>
  `${response.statusCode}\n${JSON.stringify(response.headers)}\n${response.body}`;

const expectNothingLeaked = (response: Response) => {
  const text = responseText(response);
  for (const secret of [TOKEN, SECRET_NAME, 'AWS-TEXT', 'arn:aws:sts', GUESS])
    expect(text).not.toContain(secret);
};

const expectNoTokenLogged = (logText: string) => {
  for (const token of [TOKEN, GUESS, 'Bearer ']) expect(logText).not.toContain(token);
};

describe('Authorization header variants', () => {
  const cases: readonly (readonly [string, number, Record<string, string>])[] = [
    ['no header', 401, {}],
    ['the right token', 200, { authorization: `Bearer ${TOKEN}` }],
    ['the right bare token (Prometheus without a scheme)', 200, { authorization: TOKEN }],
    ['an upper-case header name', 200, { AUTHORIZATION: `Bearer ${TOKEN}` }],
    ['a mixed-case scheme', 200, { Authorization: `bEaReR ${TOKEN}` }],
    ['extra spaces after the scheme', 200, { authorization: `Bearer    ${TOKEN}` }],
    ['a tab after the scheme and blanks around', 200, { authorization: `  Bearer\t${TOKEN}  ` }],
    ['a wrong token', 401, { authorization: `Bearer ${GUESS}` }],
    ['an empty header', 401, { authorization: '' }],
    ['the scheme alone', 401, { authorization: 'Bearer' }],
    ['the scheme and a blank', 401, { authorization: 'Bearer ' }],
    ['a token one character short', 401, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['a token one character long', 401, { authorization: `Bearer ${TOKEN}x` }],
    ['the token twice', 401, { authorization: `Bearer ${TOKEN}${TOKEN}` }],
    ['a token of 64 KiB', 401, { authorization: `Bearer ${'A'.repeat(65_536)}` }],
    ['the token in another case', 401, { authorization: `Bearer ${TOKEN.toUpperCase()}` }],
    ['the token after a space inside', 401, { authorization: `Bearer x ${TOKEN}` }],
    ['the token followed by a NUL', 401, { authorization: `Bearer ${TOKEN}\u0000` }],
    ['Basic with the token', 401, { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` }],
    ['two schemes', 401, { authorization: `Bearer Bearer ${TOKEN}` }],
    ['the token in another header', 401, { 'x-authorization': `Bearer ${TOKEN}` }],
    [
      'a comma-joined duplicate of the right token',
      401,
      { authorization: `Bearer ${TOKEN},Bearer ${TOKEN}` },
    ],
  ];

  it.each(cases)('answers %s with %i', async (_name, expected, headers) => {
    // Prepare
    const { invoke, logText } = setUp();
    // Act
    const response = await invoke(functionUrlEvent({ headers }));
    // Assess
    expect(response.statusCode).toBe(expected);
    if (expected === 401) {
      expect(response.headers['WWW-Authenticate']).toBe('Bearer');
      expectNothingLeaked(response);
    } else {
      expect(response.body).toBe(TARGETS_BODY);
    }
    expectNoTokenLogged(logText());
  });

  it.each([
    ['the right token twice', [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`], 401],
    ['a wrong then the right token', [`Bearer ${GUESS}`, `Bearer ${TOKEN}`], 401],
    ['the right then a wrong token', [`Bearer ${TOKEN}`, `Bearer ${GUESS}`], 401],
    ['the right token once', [`Bearer ${TOKEN}`], 200],
  ] as const)(
    'answers a REST event repeating Authorization with %s with %i',
    async (_name, values, expected) => {
      // Prepare: API Gateway keeps only the last value in `headers`; all are in `multiValueHeaders`.
      const { invoke, logText } = setUp();
      const base = restEvent();
      const event: APIGatewayProxyEvent = {
        ...base,
        headers: { ...base.headers, Authorization: values[values.length - 1]! },
        multiValueHeaders: { ...base.multiValueHeaders, Authorization: [...values] },
      };
      // Act
      const response = await invoke(event);
      // Assess
      expect(response.statusCode).toBe(expected);
      if (expected === 401) expectNothingLeaked(response);
      expectNoTokenLogged(logText());
    },
  );
});

describe('odd paths', () => {
  const authorised = { authorization: `Bearer ${TOKEN}` };
  const cases: readonly (readonly [string, number])[] = [
    ['//prometheus-targets', 200],
    ['/prometheus-targets/../health', 200],
    ['/health/../prometheus-targets', 200],
    ['/prometheus-targets/', 404],
    ['/prometheus%2Dtargets', 404],
    ['/prometheus-targets%00', 404],
    ['/prometheus-targets%2F..%2Fhealth', 404],
    ['/%2e%2e/prometheus-targets', 200],
    ['/PROMETHEUS-TARGETS', 404],
    ['/prometheus-targets.json', 404],
    ['/prometheus-targets;x=1', 404],
    ['', 404],
    ['/', 404],
    ['/ü/../prometheus-targets', 200],
  ];

  it.each(cases)('answers %j with the right token with %i', async (path, expected) => {
    // Prepare
    const { invoke } = setUp();
    // Act
    const response = await invoke(functionUrlEvent({ path, headers: authorised }));
    // Assess
    expect(response.statusCode).toBe(expected);
    expectNothingLeaked(response);
  });

  it.each(cases.filter(([path]) => !path.endsWith('/health')))(
    'never serves targets or metrics for %j without a token',
    async (path) => {
      // Prepare
      const { invoke } = setUp();
      // Act
      const response = await invoke(functionUrlEvent({ path }));
      // Assess
      expect([401, 404]).toContain(response.statusCode);
      expect(response.body).not.toContain('"targets"');
      expectNothingLeaked(response);
    },
  );

  it('serves targets under a 20,000-character prefix, with the token only', async () => {
    // Prepare
    const { invoke } = setUp();
    const path = `/${'a/'.repeat(10_000)}prometheus-targets`;
    // Act
    const withToken = await invoke(functionUrlEvent({ path, headers: authorised }));
    const withoutToken = await invoke(functionUrlEvent({ path }));
    // Assess
    expect([withToken.statusCode, withoutToken.statusCode]).toEqual([200, 401]);
  });

  it('keeps /metrics behind the token under any prefix', async () => {
    // Prepare
    const { invoke } = setUp();
    // Act
    const responses = await Promise.all(
      ['/metrics', '//metrics', '/health/../metrics', '/x/metrics'].map((path) =>
        invoke(functionUrlEvent({ path })),
      ),
    );
    // Assess
    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 401, 401]);
  });
});

describe('huge input', () => {
  it('answers 200 to a request with a 1 MiB header and a 1 MiB query string', async () => {
    // Prepare
    const { invoke, logText } = setUp();
    const event = functionUrlEvent({
      headers: { authorization: `Bearer ${TOKEN}`, 'x-big': 'b'.repeat(1 << 20) },
    });
    // Act
    const response = await invoke({ ...event, rawQueryString: `q=${'%41'.repeat(350_000)}` });
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(TARGETS_BODY);
    expect(logText().length).toBeLessThan(100_000);
  });

  it('answers 200 to a request with 2,000 headers', async () => {
    // Prepare
    const { invoke } = setUp();
    const headers = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`x-h${i}`, `v${i}`]));
    // Act
    const response = await invoke(
      httpApiEvent({ headers: { ...headers, authorization: `Bearer ${TOKEN}` } }),
    );
    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('answers 401 to a 1 MiB wrong token without logging it', async () => {
    // Prepare
    const { invoke, logText } = setUp();
    const huge = `${GUESS}${'z'.repeat(1 << 20)}`;
    // Act
    const response = await invoke(functionUrlEvent({ headers: { authorization: `Bearer ${huge}` } }));
    // Assess
    expect(response.statusCode).toBe(401);
    expect(responseText(response).length).toBeLessThan(2_000);
    expectNoTokenLogged(logText());
  });
});

describe('every method', () => {
  const methods: readonly (readonly [string, number])[] = [
    ['GET', 200],
    ['get', 200],
    ['HEAD', 200],
    ['POST', 405],
    ['PUT', 405],
    ['DELETE', 405],
    ['PATCH', 405],
    ['OPTIONS', 405],
    ['TRACE', 405],
    ['CONNECT', 405],
    ['PROPFIND', 405],
    ['X-CUSTOM', 405],
  ];

  it.each(methods)('answers %s /prometheus-targets with %i', async (method, expected) => {
    // Prepare
    const { invoke, logText } = setUp();
    // Act
    const response = await invoke(
      functionUrlEvent({ method, headers: { authorization: `Bearer ${TOKEN}`, 'x-echo': GUESS } }),
    );
    // Assess
    expect(response.statusCode).toBe(expected);
    if (expected === 405) expect(response.headers.Allow).toBe('GET, HEAD');
    expectNothingLeaked(response);
    expectNoTokenLogged(logText());
  });
});

describe('failures carrying AWS text', () => {
  it('answers 503 without the AWS message when the first refresh fails', async () => {
    // Prepare
    const failure = Object.assign(new Error(AWS_TEXT), { name: 'AccessDeniedException' });
    const { invoke, logText } = setUp({ discover: scriptedDiscover(failure).discover });
    // Act
    const response = await invoke(functionUrlEvent({ headers: { authorization: `Bearer ${TOKEN}` } }));
    // Assess
    expect(response.statusCode).toBe(503);
    expectNothingLeaked(response);
    expect(response.body).not.toContain('AccessDenied');
    expect(logText()).toContain('AWS-TEXT'); // the operator still gets the cause in the logs
    expectNoTokenLogged(logText());
  });

  it('answers 503 without the secret name or AWS message when the token secret cannot be read', async () => {
    // Prepare
    const { invoke, logText } = setUp({
      config: { bearerToken: undefined, bearerTokenSecret: SECRET_NAME },
      readSecret: async () => {
        throw Object.assign(new Error(AWS_TEXT), { name: 'AccessDeniedException' });
      },
    });
    // Act
    const targets = await invoke(functionUrlEvent({ headers: { authorization: `Bearer ${TOKEN}` } }));
    const health = await invoke(functionUrlEvent({ path: '/health' }));
    // Assess
    expect([targets.statusCode, health.statusCode]).toEqual([503, 503]);
    expectNothingLeaked(targets);
    expectNothingLeaked(health);
    expectNoTokenLogged(logText());
  });

  it('never logs a token read from the secret', async () => {
    // Prepare
    const { invoke, logText } = setUp({
      config: { bearerToken: undefined, bearerTokenSecret: SECRET_NAME },
      readSecret: async () => TOKEN,
    });
    // Act
    const right = await invoke(functionUrlEvent({ headers: { authorization: `Bearer ${TOKEN}` } }));
    const wrong = await invoke(functionUrlEvent({ headers: { authorization: `Bearer ${GUESS}` } }));
    // Assess
    expect([right.statusCode, wrong.statusCode]).toEqual([200, 401]);
    expectNothingLeaked(wrong);
    expectNoTokenLogged(logText());
  });
});
