/**
 * `npx tsx bench/load.ts [--duration 30] [--connections 100] [--ttl 10] [--only plain|gzip]`: the local server (`npm start`,
 * a child process, fresh for each run) under sustained concurrent load from the lean keep-alive
 * client in bench/load-client.ts (why not autocannon: see there), reading a 10k-task fleet from the
 * AWS API double, once with the plain body and once with gzip. Writes its table between the generated markers of docs/benchmarks.md and exits
 * non-zero, with one line saying why, when a request failed, when the server refreshed more than
 * once per `CacheTtlSeconds` or when its peak RSS passed the bound. A bench script, not a timed test.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { doubleEnv, generateFleet, startAwsDouble } from '../test/aws-double/index.ts';
import { type LoadClientResult, runLoadClient } from './load-client.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bench's knobs, from `--name value` arguments. */
type LoadOptions = {
  /** @default 30 */
  readonly durationSeconds: number;
  /** @default 100 */
  readonly connections: number;
  /** `DiscoveryOptions__CacheTtlSeconds` of the server. @default 10 */
  readonly ttlSeconds: number;
  /** Per-call latency of the AWS double, ms. @default 25 */
  readonly awsLatencyMs: number;
  /** Only the `plain` or the `gzip` run (`--only plain`). @default both */
  readonly only?: 'plain' | 'gzip';
};

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
};

const FLEET = { clusters: 4, servicesPerCluster: 25, tasksPerService: 100 } as const;

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

/** One load run against a fresh server (so its peak RSS is this run's alone). */
type Scenario = {
  readonly connections: number;
  /** Send `Accept-Encoding: gzip` (false: the identity body, the hardest case for the server). */
  readonly gzip: boolean;
};

type RunResult = {
  readonly scenario: Scenario;
  readonly targets: number;
  readonly bodyMegabytes: string;
  readonly result: LoadClientResult;
  readonly refreshes: number;
  readonly maxRefreshes: number;
  /** Peak resident set size of the server process (VmHWM), MiB; undefined off Linux. */
  readonly peakRssMiB: number | undefined;
  /** Why the run does not pass, one phrase each; empty when it passes. */
  readonly problems: readonly string[];
};

/**
 * The server's peak RSS may not exceed this: it holds one body (20.7 MB plain on the 10k fleet) (plus its gzip form) shared by
 * every connection, so the bound does not grow with the connection count.
 */
export const MAX_PEAK_RSS_MIB = 512;

/**
 * A request not answered in full within this counts as a timeout. Stricter than Prometheus, whose
 * http_sd client times out after its `refresh_interval` (60 s by default).
 */
const CLIENT_TIMEOUT_MS = 10_000;

/** Peak RSS of a live process from /proc (Linux), MiB. */
const peakRssOf = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  const path = `/proc/${pid}/status`;
  if (!existsSync(path)) return undefined;
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(path, 'utf8'));
  return match === null ? undefined : Number(match[1]) / 1024;
};

const runScenario = async (options: LoadOptions, scenario: Scenario): Promise<RunResult> => {
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
    const first = await fetch(`${url}/prometheus-targets`, { headers: { 'accept-encoding': 'identity' } });
    const firstBody = await first.text();
    const targets = (JSON.parse(firstBody) as unknown[]).length;
    const bodyMegabytes = (Buffer.byteLength(firstBody) / 1e6).toFixed(1);
    double.resetCalls();
    await new Promise((resolve) => setTimeout(resolve, options.ttlSeconds * 1000));
    await fetch(`${url}/prometheus-targets`).then((response) => response.arrayBuffer());
    const listTasksPerRefresh = double.calls()['ecs:ListTasks'] ?? 0;
    double.resetCalls();

    const result = await runLoadClient({
      host: '127.0.0.1',
      port,
      path: '/prometheus-targets',
      headers: [scenario.gzip ? 'Accept-Encoding: gzip' : 'Accept-Encoding: identity'],
      connections: scenario.connections,
      durationMs: options.durationSeconds * 1000,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    const refreshes = (double.calls()['ecs:ListTasks'] ?? 0) / Math.max(1, listTasksPerRefresh);
    const maxRefreshes = Math.ceil(options.durationSeconds / options.ttlSeconds) + 1;
    const peakRssMiB = peakRssOf(server.pid);
    const problems = [
      ...(result.errors > 0 ? [`${result.errors} errors (${JSON.stringify(result.errorKinds)})`] : []),
      ...(result.timeouts > 0 ? [`${result.timeouts} timeouts`] : []),
      ...(result.non2xx > 0 ? [`${result.non2xx} non-2xx answers`] : []),
      ...(result['2xx'] === 0 ? ['no 2xx answer'] : []),
      ...(refreshes > maxRefreshes ? [`${refreshes.toFixed(2)} refreshes (at most ${maxRefreshes})`] : []),
      ...(peakRssMiB !== undefined && peakRssMiB > MAX_PEAK_RSS_MIB
        ? [`server peak RSS ${peakRssMiB.toFixed(0)} MiB (at most ${MAX_PEAK_RSS_MIB})`]
        : []),
    ];
    return { scenario, targets, bodyMegabytes, result, refreshes, maxRefreshes, peakRssMiB, problems };
  } finally {
    await stop(server);
    await double.close();
  }
};

const describeScenario = (scenario: Scenario) =>
  `${scenario.connections} connections, ${scenario.gzip ? '`Accept-Encoding: gzip`' : 'no `Accept-Encoding` (plain)'}`;

const tableRow = (run: RunResult) => {
  const { result } = run;
  const rss = run.peakRssMiB === undefined ? 'n/a' : `${run.peakRssMiB.toFixed(0)} MiB`;
  return (
    `| ${describeScenario(run.scenario)} | ${result.requests.total} | ${result.requests.average} | ` +
    `${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | ` +
    `${(result.bytesPerSecond / 1e6).toFixed(0)} | ` +
    `${result.errors} / ${result.timeouts} / ${result.non2xx} | ${rss} | ` +
    `${run.refreshes.toFixed(2)} (${run.maxRefreshes}) |`
  );
};

/** The generated part of the load section (between the markers). */
const generatedText = (options: LoadOptions, runs: readonly RunResult[]): string => {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const [firstRun] = runs;
  return [
    `Made by \`npm run bench:load\` (\`tsx bench/load.ts --duration ${options.durationSeconds}\`) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Load: each row ${options.durationSeconds} s against a fresh local server (\`lambda/server.ts\`),`,
    `${firstRun?.targets ?? 0} targets (${FLEET.clusters * FLEET.servicesPerCluster * FLEET.tasksPerService} tasks, ` +
      `${firstRun?.bodyMegabytes ?? '?'} MB uncompressed body), CacheTtlSeconds=${options.ttlSeconds}, ` +
      `AWS double latency ${options.awsLatencyMs} ms per call,`,
    `Node ${process.version}, ${availableParallelism()} × ${cpu}; the load client (bench/load-client.ts, \`Connection: keep-alive\`, ${CLIENT_TIMEOUT_MS / 1000} s timeout) in the same machine.`,
    `Peak RSS is the server process's VmHWM; the run fails above ${MAX_PEAK_RSS_MIB} MiB, on any error,`,
    'timeout or non-2xx answer, and on more than one refresh per `CacheTtlSeconds`.',
    '',
    '| run | requests | req/s (avg) | p50 ms | p99 ms | max ms | MB/s read | errors / timeouts / non-2xx | server peak RSS | AWS refreshes (max allowed) |',
    '| --- | -------: | ----------: | -----: | -----: | -----: | --------: | --------------------------: | --------------: | --------------------------: |',
    ...runs.map(tableRow),
  ].join('\n');
};

export const runLoad = async (options: LoadOptions): Promise<readonly string[]> => {
  const runs: RunResult[] = [];
  const scenarios = SCENARIOS(options.connections).filter(
    (scenario) => options.only === undefined || (scenario.gzip ? 'gzip' : 'plain') === options.only,
  );
  for (const scenario of scenarios) runs.push(await runScenario(options, scenario));
  const generated = generatedText(options, runs);
  console.log(generated);
  recordSection(generated);
  return runs.flatMap((run) =>
    run.problems.map((problem) => `${describeScenario(run.scenario)}: ${problem}`),
  );
};

/** The runs: the plain body (as a client without gzip asks) and the gzip one, at `connections`. */
const SCENARIOS = (connections: number): readonly Scenario[] => [
  { connections, gzip: false },
  { connections, gzip: true },
];

/** Heading of this run's section at the end of docs/benchmarks.md (bench/run.ts keeps it). */
const LOAD_SECTION_HEADING = '## Load: the local server under sustained concurrent requests';
/** Only the text between these is rewritten; the prose around them is hand-written and kept. */
export const GENERATED_BEGIN =
  '<!-- bench:load:begin (generated by npm run bench:load; edit outside the markers) -->';
export const GENERATED_END = '<!-- bench:load:end -->';

/**
 * `doc` with `generated` between the markers. Without markers, the heading and a marked block are
 * appended (after an existing heading, the block goes right below it).
 */
export const withGeneratedSection = (doc: string, generated: string): string => {
  const block = `${GENERATED_BEGIN}\n${generated}\n${GENERATED_END}`;
  const begin = doc.indexOf(GENERATED_BEGIN);
  const end = doc.indexOf(GENERATED_END, begin);
  if (begin >= 0 && end >= 0) return `${doc.slice(0, begin)}${block}${doc.slice(end + GENERATED_END.length)}`;
  const heading = doc.indexOf(LOAD_SECTION_HEADING);
  if (heading >= 0) {
    const afterHeading = heading + LOAD_SECTION_HEADING.length;
    const rest = doc.slice(afterHeading).replace(/^\n+/, '');
    return `${doc.slice(0, afterHeading)}\n\n${block}\n${rest === '' ? '' : `\n${rest}`}`;
  }
  const head = doc.trimEnd();
  return `${head}${head ? '\n\n' : ''}${LOAD_SECTION_HEADING}\n\n${block}\n`;
};

const recordSection = (generated: string) => {
  const doc = new URL('../docs/benchmarks.md', import.meta.url);
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  writeFileSync(doc, withGeneratedSection(previous, generated));
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const onlyAt = process.argv.indexOf('--only');
  const onlyArgument = onlyAt < 0 ? undefined : process.argv[onlyAt + 1];
  const options = {
    durationSeconds: option('duration', 30),
    connections: option('connections', 100),
    ttlSeconds: option('ttl', 10),
    awsLatencyMs: option('aws-latency', 25),
    ...(onlyArgument === 'plain' || onlyArgument === 'gzip' ? { only: onlyArgument } : {}),
  } satisfies LoadOptions;
  try {
    const problems = await runLoad(options);
    if (problems.length > 0) {
      console.error(`bench:load failed: ${problems.join('; ')}`);
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(`bench:load failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
