/** The bench's lean load client counts what a server really answered: full bodies, timeouts, non-2xx. */
import { createServer, type RequestListener, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadClient } from '../../bench/load-client.ts';

let server: Server | undefined;

const listen = async (listener: RequestListener): Promise<number> => {
  server = createServer(listener);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
};

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('runLoadClient', () => {
  it('reads every body in full by its Content-Length, over keep-alive connections', async () => {
    // Prepare: a 1 MB body in many chunks, and a count of connections and requests seen.
    const body = Buffer.alloc(1_000_000, 'x');
    const sockets = new Set<unknown>();
    let served = 0;
    const port = await listen((request, response) => {
      sockets.add(request.socket);
      served += 1;
      response.setHeader('Content-Length', body.length);
      response.end(body);
    });

    // Act
    const result = await runLoadClient({
      host: '127.0.0.1',
      port,
      path: '/',
      connections: 3,
      durationMs: 300,
    });

    // Assess
    expect(result.requests.total).toBe(served);
    expect(result.requests.total).toBeGreaterThan(3);
    expect([result['2xx'], result.errors, result.timeouts, result.non2xx]).toEqual([served, 0, 0, 0]);
    expect(sockets.size).toBe(3);
    expect(result.bytesPerSecond).toBeGreaterThan(0);
  });

  it('counts an answer that does not come in time as a timeout and goes on with a new connection', async () => {
    // Prepare: the first request of all is never answered.
    let requests = 0;
    const sockets = new Set<unknown>();
    const port = await listen((request, response) => {
      requests += 1;
      sockets.add(request.socket);
      if (requests === 1) return;
      response.setHeader('Content-Length', 2);
      response.end('[]');
    });

    // Act
    const result = await runLoadClient({
      host: '127.0.0.1',
      port,
      path: '/',
      connections: 1,
      durationMs: 400,
      timeoutMs: 100,
    });

    // Assess
    expect(result.timeouts).toBe(1);
    expect(sockets.size).toBe(2);
    expect(result.requests.total).toBe(requests - 1);
    expect(result.requests.total).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
  });

  it('counts non-2xx answers, an answer without Content-Length as an error, and sends the headers', async () => {
    // Prepare
    const seen: (string | undefined)[] = [];
    let requests = 0;
    const port = await listen((request, response) => {
      requests += 1;
      seen.push(request.headers['accept-encoding']);
      if (requests === 1) {
        response.write('chunked, no length'); // node then frames the answer as chunked
        response.end();
        return;
      }
      response.statusCode = 503;
      response.setHeader('Content-Length', 4);
      response.end('gone');
    });

    // Act
    const result = await runLoadClient({
      host: '127.0.0.1',
      port,
      path: '/prometheus-targets',
      headers: ['Accept-Encoding: gzip'],
      connections: 1,
      durationMs: 200,
    });

    // Assess
    expect([result.errors, result.errorKinds]).toEqual([1, { 'no content-length': 1 }]);
    expect(result.non2xx).toBe(requests - 1);
    expect(result['2xx']).toBe(0);
    expect(seen.every((value) => value === 'gzip')).toBe(true);
  });
});
