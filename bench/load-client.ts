/**
 * A lean HTTP/1.1 load client for `bench:load`: `connections` keep-alive sockets, each sending one
 * GET at a time for `durationMs`, reading each answer by its `Content-Length` without parsing the
 * body (as a Go scraper reads it into a buffer). Requests in flight at the end are waited for (up
 * to the timeout) and counted, so nothing is cut off uncounted.
 *
 * Why not autocannon: on this 2-core machine its JavaScript response parsing, not the server, was
 * the limit for 20 MB bodies (measured 2026-12-02 against the same server: 100 connections gave
 * autocannon 178 MB/s, p99 12.3 s and 57 timeouts in 20 s; this client 897 MB/s, p99 3.0 s, none).
 */
import { connect, type Socket } from 'node:net';

export type LoadClientOptions = {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** Extra request headers, `name: value`. */
  readonly headers?: readonly string[];
  readonly connections: number;
  readonly durationMs: number;
  /** A request not answered in full within this is a timeout; its socket is replaced. @default 10000 */
  readonly timeoutMs?: number;
};

export type LoadClientResult = {
  readonly requests: { readonly total: number; readonly average: number };
  /** Milliseconds, whole (of requests answered in full). */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Connection failures and answers without `Content-Length`. */
  readonly errors: number;
  /** `errors` by kind (`no content-length`, `closed by server`, or the socket error's code). */
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  /** Bytes read (headers and bodies), per second. */
  readonly bytesPerSecond: number;
};

const HEADER_END = Buffer.from('\r\n\r\n');

const percentile = (sorted: readonly number[], fraction: number): number =>
  sorted.length === 0
    ? 0
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0);

export const runLoadClient = async (options: LoadClientOptions): Promise<LoadClientResult> => {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const request = Buffer.from(
    [
      `GET ${options.path} HTTP/1.1`,
      `Host: ${options.host}:${options.port}`,
      ...(options.headers ?? []),
      '',
      '',
    ].join('\r\n'),
  );
  const latencies: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const failed = (kind: string) => {
    errors += 1;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  let timeouts = 0;
  let non2xx = 0;
  let ok = 0;
  let bytes = 0;
  const startedAt = performance.now();
  const endsAt = startedAt + options.durationMs;

  /** One connection's loop: resolves when the run is over for it. */
  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      let socket: Socket;
      let sentAt = 0;
      let head: Buffer[] = [];
      let remaining = -1; // body bytes still due; -1 while the headers are being read
      let timer: NodeJS.Timeout | undefined;
      let done = false;

      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve();
      };
      const replace = () => {
        clearTimeout(timer);
        socket.removeAllListeners();
        socket.destroy();
        if (performance.now() >= endsAt) finish();
        else open();
      };
      const send = () => {
        if (performance.now() >= endsAt) return finish();
        sentAt = performance.now();
        head = [];
        remaining = -1;
        timer = setTimeout(() => {
          timeouts += 1;
          replace();
        }, timeoutMs);
        socket.write(request);
      };
      const answered = () => {
        clearTimeout(timer);
        latencies.push(performance.now() - sentAt);
        send();
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        if (remaining >= 0) {
          remaining -= chunk.length;
          if (remaining <= 0) answered();
          return;
        }
        head.push(chunk);
        const text = Buffer.concat(head);
        const end = text.indexOf(HEADER_END);
        if (end < 0) return;
        const headers = text.subarray(0, end).toString('latin1');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1];
        if (length === undefined) {
          failed('no content-length');
          return replace();
        }
        if (status >= 200 && status < 300) ok += 1;
        else non2xx += 1;
        remaining = Number(length) - (text.length - end - HEADER_END.length);
        if (remaining <= 0) answered();
      };
      const open = () => {
        socket = connect(options.port, options.host);
        socket.on('connect', send);
        socket.on('data', onData);
        socket.on('error', (error: NodeJS.ErrnoException) => {
          failed(error.code ?? error.message);
          replace();
        });
        // The server closing a connection that still waits for an answer (this client never idles one).
        socket.on('close', () => {
          if (done) return;
          failed(
            remaining === -1 && head.length === 0
              ? 'closed by server before an answer'
              : 'closed by server mid-answer',
          );
          replace();
        });
      };
      open();
    });

  await Promise.all(Array.from({ length: options.connections }, connection));
  const seconds = (performance.now() - startedAt) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: { total: latencies.length, average: Number((latencies.length / seconds).toFixed(2)) },
    latency: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) },
    errors,
    errorKinds,
    timeouts,
    non2xx,
    '2xx': ok,
    bytesPerSecond: bytes / seconds,
  };
};
