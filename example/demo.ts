/**
 * `npm run demo`: the product working in one command, with no AWS account. Starts the AWS API double
 * seeded with the sample fleet of `demo-fleet.ts`, a tiny metrics endpoint on every loopback address
 * and port that fleet advertises, and the local http_sd server (PORT, default 9001) against the double.
 * Prints the URL, a `prometheus.yml` snippet and the discovered targets. Ctrl-C stops everything.
 */
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createDefaultApp } from '../lambda/http/default-app.ts';
import { createLogger } from '../lambda/log.ts';
import { DEFAULT_PORT, startServer } from '../lambda/server.ts';
import { formatTable, type TargetGroup } from '../lambda/targets/index.ts';
import { type AwsDouble, doubleEnv, startAwsDouble } from '../test/aws-double/index.ts';
import { runEventDemo } from './demo-events.ts';
import { DEMO_OPTIONS, DEMO_TARGETS, type DemoTarget, demoFleet } from './demo-fleet.ts';

export type DemoOptions = {
  /** Port of the http_sd server; 0 picks a free one. @default 9001 */
  readonly port?: number;
  /**
   * Port of the AWS API double, fixed so the printed `AWS_ENDPOINT_URL` stays valid across runs;
   * 0 picks a free one. @default port + 1 (9002), or 0 when `port` is 0
   */
  readonly awsPort?: number;
  /** Level of the server's JSON logs (`POWERTOOLS_LOG_LEVEL`). @default POWERTOOLS_LOG_LEVEL, else 'WARN' */
  readonly logLevel?: string;
};

export type RunningDemo = {
  /** Base URL of the http_sd server, e.g. `http://127.0.0.1:9001`. */
  readonly url: string;
  /** The targets discovery must yield, each with a metrics endpoint listening on it. */
  readonly expectedTargets: readonly DemoTarget[];
  /** The environment the server runs with (AWS double endpoint, fake credentials, discovery options). */
  readonly env: Readonly<Record<string, string>>;
  /** Stops the server, the metrics endpoints and the AWS double. */
  readonly close: () => Promise<void>;
};

/** A tiny exporter: Prometheus text format on the advertised path, 404 elsewhere. */
const metricsBody = (target: DemoTarget): string =>
  [
    '# HELP demo_info Demo exporter of the sample fleet.',
    '# TYPE demo_info gauge',
    `demo_info{service="${target.service}",listen="${target.target}"} 1`,
    '# HELP demo_requests_total Requests served by this demo exporter.',
    '# TYPE demo_requests_total counter',
    `demo_requests_total ${Math.floor(Date.now() / 1000) % 1000}`,
    '',
  ].join('\n');

const startExporter = async (target: DemoTarget): Promise<Server> => {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== target.path) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(metricsBody(target));
  });
  const separator = target.target.lastIndexOf(':');
  const host = target.target.slice(0, separator);
  const port = Number(target.target.slice(separator + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`cannot listen on ${target.target}: ${error.message}`)));
    server.listen(port, host, () => resolve());
  });
  return server;
};

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** Starts the double, the exporters and the http_sd server. Sets the AWS SDK variables in `process.env`. */
export const startDemo = async (options: DemoOptions = {}): Promise<RunningDemo> => {
  const port = options.port ?? DEFAULT_PORT;
  const double: AwsDouble = await startAwsDouble(demoFleet(), {
    port: options.awsPort ?? (port === 0 ? 0 : port + 1),
  });
  const exporters: Server[] = [];
  try {
    for (const target of DEMO_TARGETS) exporters.push(await startExporter(target));
    const env: Record<string, string> = { ...doubleEnv(double), ...DEMO_OPTIONS };
    // The SDK clients read the standard variables from process.env when the core creates them.
    Object.assign(process.env, env);
    process.env.POWERTOOLS_LOG_LEVEL = options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN';
    const logger = createLogger();
    const app = createDefaultApp(env, logger);
    const server = await startServer({ port, app, logger });
    return {
      url: server.url,
      expectedTargets: DEMO_TARGETS,
      env,
      close: async () => {
        await server.close();
        await Promise.all(exporters.map(closeServer));
        await double.close();
      },
    };
  } catch (error) {
    await Promise.all(exporters.map(closeServer));
    await double.close();
    throw error;
  }
};

/** A `prometheus.yml` that scrapes everything the endpoint at `url` lists. */
export const prometheusSnippet = (url: string): string =>
  [
    'scrape_configs:',
    '  - job_name: ecs-cloudmap',
    '    http_sd_configs:',
    `      - url: ${url}/prometheus-targets`,
    '        refresh_interval: 30s',
    '    relabel_configs:',
    '      - source_labels: [_sys_ecs_cluster]',
    '        target_label: cluster',
    '',
  ].join('\n');

/** A shell word: quoted when it holds anything the shell would read (`;` in a list, spaces, ...). */
const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;

/**
 * How to point `npm run discover` and `npm start` at the demo's fleet: the environment the demo's
 * server runs with, as `export` lines, and the two commands.
 */
export const otherDoors = (env: Readonly<Record<string, string>>, serverPort: number): string => {
  const line = (names: readonly string[]) =>
    `  export ${names.map((name) => shellWord(`${name}=${env[name]}`)).join(' ')}`;
  const names = Object.keys(env);
  return [
    'The other doors on the same fleet (another shell, while the demo runs):',
    line(names.filter((name) => name.startsWith('AWS_'))),
    line(names.filter((name) => !name.startsWith('AWS_'))),
    '  npm run discover -- --table',
    `  PORT=${serverPort} npm start`,
    '',
  ].join('\n');
};

const main = async (): Promise<void> => {
  const port = process.env.PORT === undefined ? DEFAULT_PORT : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid PORT '${process.env.PORT}': expected an integer from 0 to 65535\n`);
    process.exitCode = 1;
    return;
  }
  const demo = await startDemo({ port }).catch((error: unknown) => {
    // A busy port is the usual reason; one line, no stack (the message names the address).
    process.stderr.write(`demo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the demo\n`);
    setTimeout(() => process.exit(1), 5_000).unref();
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  const response = await fetch(`${demo.url}/prometheus-targets`);
  const groups = (await response.json()) as TargetGroup[];
  process.stdout.write(
    [
      `http_sd endpoint: ${demo.url}/prometheus-targets  (also ${demo.url}/health and ${demo.url}/metrics)`,
      '',
      'AWS API double (fake ECS + Cloud Map) with the sample fleet of example/demo-fleet.ts:',
      '  clusters prod and staging; prod/worker is filtered out by EcsServiceSelectorTags=PROMETHEUS_TARGET=true',
      '',
      'prometheus.yml:',
      prometheusSnippet(demo.url),
      `Discovered ${groups.length} targets (each has a tiny metrics endpoint on its loopback address):`,
      formatTable(groups),
      otherDoors(demo.env, port === 0 ? 0 : port + 2),
      `Try: curl -s ${demo.url}/prometheus-targets | jq .`,
      'Ctrl-C stops the demo.',
      '',
    ].join('\n'),
  );
  // Snapshot mode's event path (issue 13): a task started mid-demo is served within seconds.
  await runEventDemo((line) => process.stdout.write(line));
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
