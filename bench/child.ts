/**
 * One fleet's measurements in a process of its own (for a clean peak RSS): the discovery core
 * through the real SDK clients against the AWS double the parent runs. Driven over IPC: the parent
 * sends a command, snapshots the double's counters after each answer.
 */
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createAwsClients } from '../lambda/aws/clients.ts';
import { loadConfig } from '../lambda/config/load.ts';
import { createDiscoverDetailed } from '../lambda/discover.ts';
import { createApp } from '../lambda/http/app.ts';
import { createHandler } from '../lambda/http/lambda-adapter.ts';
import { type HttpRequest, PayloadVersion } from '../lambda/http/request.ts';
import type { Log } from '../lambda/log.ts';
import type { DiscoveryResult } from '../lambda/model/discovery.ts';
import { functionUrlEvent, lambdaContext } from '../test/http/support.ts';

export const ChildCommand = { Cold: 'cold', Warm: 'warm', Hits: 'hits', Exit: 'exit' } as const;
export type ChildCommand = (typeof ChildCommand)[keyof typeof ChildCommand];

export type RefreshReport = {
  readonly ok: boolean;
  readonly error?: string;
  readonly wallMs: number;
  readonly targetGroups: number;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  /** Calls the core counted (SDK retries of a throttled call are not counted again). */
  readonly coreCalls: Readonly<Record<string, number>>;
  /** Peak resident set size of this process so far, MiB. */
  readonly peakRssMiB: number;
};

export type Percentiles = { readonly p50Ms: number; readonly p99Ms: number };

export type HitReport = {
  readonly requests: number;
  /** `App.handle` (shared by the Lambda handler and the local server), no `Accept-Encoding`. */
  readonly plain: Percentiles;
  /** `App.handle` with `Accept-Encoding: gzip`. */
  readonly gzip: Percentiles;
  /** The buffered Middy Lambda handler, Function URL event, `Accept-Encoding: gzip` (base64 body). */
  readonly handlerGzip: Percentiles;
};

export type ChildAnswer =
  | { readonly command: 'cold' | 'warm'; readonly report: RefreshReport }
  | { readonly command: 'hits'; readonly report: HitReport }
  | { readonly command: 'exit'; readonly peakRssMiB: number };

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

const silent: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const main = () => {
  const send = (answer: ChildAnswer) => process.send?.(answer);
  const config = loadConfig(process.env);
  const clients = createAwsClients({
    endpoint: process.env.BENCH_ENDPOINT ?? '',
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  const discover = createDiscoverDetailed(config, { clients });
  let last: DiscoveryResult | undefined;

  const refresh = async (): Promise<RefreshReport> => {
    const started = performance.now();
    try {
      const { snapshot: _snapshot, groups: _groups, ...result } = await discover();
      const wallMs = performance.now() - started;
      last = result;
      return {
        ok: true,
        wallMs,
        targetGroups: result.targetCount,
        rawBytes: Buffer.byteLength(result.body),
        gzipBytes: gzipSync(result.body).length,
        coreCalls: result.awsCalls,
        peakRssMiB: peakRssMiB(),
      };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.name}` : '';
      return {
        ok: false,
        error: `${error instanceof Error ? error.message : String(error)}${cause}`,
        wallMs: performance.now() - started,
        targetGroups: 0,
        rawBytes: 0,
        gzipBytes: 0,
        coreCalls: {},
        peakRssMiB: peakRssMiB(),
      };
    }
  };

  /** The handler app on a cache hit: the cached entry is the cold refresh's result. */
  const hits = async (): Promise<HitReport> => {
    const result = last;
    if (result === undefined) throw new Error('no refresh to serve');
    const app = createApp({
      loadConfig: () => config,
      createDiscover: () => async () => ({ ...result, completedAt: Date.now() }),
      logger: silent,
      readSecret: async () => '',
    });
    const request = (gzip: boolean, i: number): HttpRequest => ({
      method: 'GET',
      path: '/prometheus-targets',
      headers: gzip ? { 'accept-encoding': 'gzip' } : {},
      requestId: `bench-${i}`,
      payloadVersion: PayloadVersion.V2,
    });
    const requests = 2000;
    const measure = async (call: (i: number) => Promise<unknown>): Promise<Percentiles> => {
      for (let i = 0; i < 200; i += 1) await call(i); // warm-up; the first one fills the cache
      const times: number[] = [];
      for (let i = 0; i < requests; i += 1) {
        const started = performance.now();
        await call(i);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
    };
    const plain = await measure((i) => app.handle(request(false, i)));
    const gzip = await measure((i) => app.handle(request(true, i)));
    const handler = createHandler(app);
    const event = functionUrlEvent({ headers: { 'accept-encoding': 'gzip' } });
    const handlerGzip = await measure(() => handler(event, lambdaContext()));
    return { requests, plain, gzip, handlerGzip };
  };

  process.on('message', (command: ChildCommand) => {
    const run = async () => {
      if (command === 'cold' || command === 'warm') send({ command, report: await refresh() });
      else if (command === 'hits') send({ command, report: await hits() });
      else {
        send({ command: 'exit', peakRssMiB: peakRssMiB() });
        clients.ecs.destroy();
        clients.cloudMap.destroy();
        process.disconnect();
      }
    };
    run().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
};

main();
