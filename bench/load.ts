/**
 * `npx tsx bench/load.ts [--duration 30] [--connections 50] [--ttl 10]`: the local server (`npm start`,
 * a child process) under sustained concurrent load from autocannon (its CLI, JSON output), reading a
 * 10k-task fleet from the AWS API double. Prints a Markdown table for docs/benchmarks.md and exits
 * non-zero when any request failed or when the server refreshed more than once per `CacheTtlSeconds`.
 * A bench script, not a timed test.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { doubleEnv, generateFleet, startAwsDouble } from '../test/aws-double/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bench's knobs, from `--name value` arguments. */
type LoadOptions = {
  /** @default 30 */
  readonly durationSeconds: number;
  /** @default 50 */
  readonly connections: number;
  /** `DiscoveryOptions__CacheTtlSeconds` of the server. @default 10 */
  readonly ttlSeconds: number;
  /** Per-call latency of the AWS double, ms. @default 25 */
  readonly awsLatencyMs: number;
};

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
};

const FLEET = { clusters: 4, servicesPerCluster: 25, tasksPerService: 100 } as const;

/** What autocannon's `--json` prints (the fields used here). */
type AutocannonResult = {
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly requests: { readonly average: number; readonly total: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const waitForHealth = async (url: string, child: ChildProcess): Promise<void> => {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become healthy within 30 s');
};

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export const runLoad = async (options: LoadOptions): Promise<boolean> => {
  const double = await startAwsDouble(generateFleet(FLEET), { latencyMs: options.awsLatencyMs });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clusters = Array.from({ length: FLEET.clusters }, (_, c) => `cluster-${c}`).join(';');
  const server = spawn(process.execPath, ['--import', 'tsx', 'lambda/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...doubleEnv(double),
      PORT: String(port),
      POWERTOOLS_LOG_LEVEL: 'WARN',
      DiscoveryOptions__EcsClusters: clusters,
      DiscoveryOptions__CacheTtlSeconds: String(options.ttlSeconds),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(url, server);

    // One refresh alone gives the calls a refresh makes (the top-level cache then holds the clusters).
    const first = await fetch(`${url}/prometheus-targets`);
    const firstBody = await first.text();
    const targets = (JSON.parse(firstBody) as unknown[]).length;
    const bodyMegabytes = (Buffer.byteLength(firstBody) / 1e6).toFixed(1);
    double.resetCalls();
    await new Promise((resolve) => setTimeout(resolve, options.ttlSeconds * 1000));
    await fetch(`${url}/prometheus-targets`).then((response) => response.arrayBuffer());
    const listTasksPerRefresh = double.calls()['ecs:ListTasks'] ?? 0;
    double.resetCalls();

    const { stdout } = await promisify(execFile)(
      fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url)),
      [
        '-c',
        String(options.connections),
        '-d',
        String(options.durationSeconds),
        '-j',
        `${url}/prometheus-targets`,
      ],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    const result = JSON.parse(stdout) as AutocannonResult;
    const refreshes = (double.calls()['ecs:ListTasks'] ?? 0) / Math.max(1, listTasksPerRefresh);
    const maxRefreshes = Math.ceil(options.durationSeconds / options.ttlSeconds) + 1;
    const failed = result.errors + result.timeouts + result.non2xx;

    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      LOAD_SECTION_HEADING,
      '',
      `Made by \`npm run bench:load\` (\`tsx bench/load.ts --duration ${options.durationSeconds} --connections ${options.connections}\`).`,
      '',
      `Load: ${options.connections} connections for ${options.durationSeconds} s against the local server,`,
      `${targets} targets (${FLEET.clusters * FLEET.servicesPerCluster * FLEET.tasksPerService} tasks, ` +
        `${bodyMegabytes} MB uncompressed body, no Accept-Encoding as Prometheus),`,
      `CacheTtlSeconds=${options.ttlSeconds}, AWS double latency ${options.awsLatencyMs} ms per call,`,
      `Node ${process.version}, ${availableParallelism()} × ${cpu}; autocannon in the same machine.`,
      '',
      '| requests | req/s (avg) | p50 ms | p99 ms | max ms | errors / timeouts / non-2xx | AWS refreshes (max allowed) |',
      '| -------: | ----------: | -----: | -----: | -----: | --------------------------: | --------------------------: |',
      `| ${result.requests.total} | ${result.requests.average} | ${result.latency.p50} | ${result.latency.p99} | ` +
        `${result.latency.max} | ${result.errors} / ${result.timeouts} / ${result.non2xx} | ${refreshes.toFixed(2)} (${maxRefreshes}) |`,
    ].join('\n');
    console.log(section);
    recordSection(section);
    return failed === 0 && result['2xx'] > 0 && refreshes <= maxRefreshes;
  } finally {
    await stop(server);
    await double.close();
  }
};

/** Heading of this run's section at the end of docs/benchmarks.md (bench/run.ts keeps it). */
const LOAD_SECTION_HEADING = '## Load: the local server under sustained concurrent requests';

/** Writes `section` at the end of docs/benchmarks.md, replacing an earlier load section. */
const recordSection = (section: string) => {
  const doc = new URL('../docs/benchmarks.md', import.meta.url);
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const at = previous.indexOf(LOAD_SECTION_HEADING);
  const head = (at < 0 ? previous : previous.slice(0, at)).trimEnd();
  writeFileSync(doc, `${head}${head ? '\n\n' : ''}${section}\n`);
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ok = await runLoad({
    durationSeconds: option('duration', 30),
    connections: option('connections', 50),
    ttlSeconds: option('ttl', 10),
    awsLatencyMs: option('aws-latency', 25),
  });
  process.exitCode = ok ? 0 : 1;
}
