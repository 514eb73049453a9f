/**
 * Hostile input on the local server over real HTTP (raw request lines, not normalised by a client):
 * odd paths, oversized headers, every method. Nothing is served without the token, nothing leaks,
 * and the server keeps answering.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/http/app.ts';
import { type RunningServer, startServer } from '../../lambda/server.ts';
import { discoveryResult, recordingLogger, scriptedDiscover, testConfig } from '../http/support.ts';

const TOKEN = 'tok-c2VydmVyLXNlY3JldC05YjNk';

type Answer = { status: number; headers: Record<string, unknown>; body: string };

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const start = async () => {
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () => testConfig({ bearerToken: TOKEN }),
    createDiscover: () => scriptedDiscover(discoveryResult()).discover,
    logger,
    readSecret: async () => TOKEN,
  });
  const server = await startServer({ port: 0, app, logger });
  servers.push(server);
  const { hostname, port } = new URL(server.url);
  /** One request with the path sent exactly as given. */
  const send = (method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = request({ host: hostname, port, method, path, headers, agent: false }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  return { send, logger };
};

const leaks = (answer: Answer) => `${JSON.stringify(answer.headers)}\n${answer.body}`.includes(TOKEN);

describe('the local server under hostile requests', () => {
  const paths: readonly (readonly [string, number, number])[] = [
    // path, status with the token, status without
    ['/prometheus-targets', 200, 401],
    // Routed like the Lambda door (by the last path segment), not read as a host name.
    ['//prometheus-targets', 200, 401],
    ['/prometheus-targets/../health', 200, 200],
    ['/health/../prometheus-targets', 200, 401],
    ['/x/%2e%2e/prometheus-targets', 200, 401],
    ['/prometheus%2Dtargets', 404, 404],
    ['/prometheus-targets%00', 404, 404],
    ['/prometheus-targets?x=%00&y=../../etc/passwd', 200, 401],
    ['/metrics/..%2f..%2fprometheus-targets', 404, 404],
    ['*', 404, 404],
  ];

  it.each(paths)('answers GET %s with %i (token) and %i (no token)', async (path, withToken, without) => {
    // Prepare
    const { send } = await start();
    // Act
    const authorised = await send('GET', path, { authorization: `Bearer ${TOKEN}` });
    const anonymous = await send('GET', path);
    // Assess
    expect([authorised.status, anonymous.status]).toEqual([withToken, without]);
    expect(anonymous.body).not.toContain('"targets"');
    expect(leaks(authorised) || leaks(anonymous)).toBe(false);
  });

  it('refuses a 64 KiB header with 431 and keeps answering afterwards', async () => {
    // Prepare
    const { send } = await start();
    // Act
    const huge = await send('GET', '/prometheus-targets', { 'x-big': 'b'.repeat(65_536) });
    const after = await send('GET', '/prometheus-targets', { authorization: `Bearer ${TOKEN}` });
    // Assess
    expect([huge.status, after.status]).toEqual([431, 200]);
  });

  it('answers a 4,000-character query string with 200', async () => {
    // Prepare
    const { send } = await start();
    // Act
    const answer = await send('GET', `/prometheus-targets?${'q=1&'.repeat(1_000)}`, {
      authorization: `Bearer ${TOKEN}`,
    });
    // Assess
    expect(answer.status).toBe(200);
  });

  it.each([
    ['POST', 405],
    ['PUT', 405],
    ['DELETE', 405],
    ['PATCH', 405],
    ['OPTIONS', 405],
    ['TRACE', 405],
    ['PROPFIND', 405],
  ] as const)('answers %s with %i and Allow, echoing nothing', async (method, expected) => {
    // Prepare
    const { send, logger } = await start();
    // Act
    const answer = await send(method, '/prometheus-targets', { authorization: `Bearer ${TOKEN}` });
    // Assess
    expect(answer.status).toBe(expected);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(leaks(answer)).toBe(false);
    expect(JSON.stringify(logger.entries)).not.toContain(TOKEN);
  });
});
