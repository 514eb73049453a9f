/**
 * End to end: the demo fleet (AWS API double + loopback metrics endpoints + local http_sd server) scraped
 * by a real Prometheus, and the bundled Lambda artifact of `cdk synth` answering a Function URL event.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../example/demo.ts';
import type { DemoTarget } from '../../example/demo-fleet.ts';
import type { Warning } from '../../lambda/aws/call-context.ts';
import { createAwsClients } from '../../lambda/aws/clients.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscover } from '../../lambda/discover.ts';
import { createApp } from '../../lambda/http/app.ts';
import { readTokenSecret } from '../../lambda/http/token-source.ts';
import { createLogger } from '../../lambda/log.ts';
import { type RunningServer, startServer } from '../../lambda/server.ts';
import { type AwsDouble, defineFleet, startAwsDouble } from '../aws-double/index.ts';
import {
  installAwsLambdaGlobal,
  invokeStreaming,
  removeAwsLambdaGlobal,
} from '../http/awslambda-polyfill.ts';
import { functionUrlEvent, lambdaContext } from '../http/support.ts';
import { hasTool } from '../support/e2e-tools.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const JOB = 'ecs-cloudmap';
const hasPrometheus = hasTool('prometheus');

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `probe` until it returns a value, or fails with the last reason after `timeoutMs`. */
const waitFor = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'never probed';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = error;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}: ${String(last)}`);
};

const stopProcess = async (child: ChildProcess | undefined): Promise<void> => {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};

/** Runs `npx cdk synth` (embedded mode) into `outdir`; resolves with the path of the bundled handler `index.mjs`. */
const synthBundle = async (outdir: string): Promise<string> => {
  // Embedded mode: its serving function (lambda/handler.ts) discovers in the request, against the
  // demo's double; snapshot mode's door serves from S3 (test/snapshot-handler-module.test.ts).
  const child = spawn(
    'npx',
    ['cdk', 'synth', '--quiet', '--output', outdir, '-c', 'ecsClusters=prod', '-c', 'snapshot=false'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((done) => child.once('exit', (status) => done(status)));
  if (code !== 0) throw new Error(`cdk synth failed (${code}): ${stderr.slice(-2000)}`);
  const manifest = JSON.parse(
    await readFile(join(outdir, 'EcsCloudMapPrometheusSd.assets.json'), 'utf8'),
  ) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  // The stack has several functions (refresher, custom resource providers): take the serving one's code.
  const template = JSON.parse(
    await readFile(join(outdir, 'EcsCloudMapPrometheusSd.template.json'), 'utf8'),
  ) as {
    Resources: Record<string, { Type: string; Properties?: { Handler?: string; Code?: { S3Key?: string } } }>;
  };
  const serving = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Handler === 'index.streamingHandler',
  );
  const lambdaCode = manifest.files[serving?.Properties?.Code?.S3Key?.replace(/\.zip$/, '') ?? ''];
  if (lambdaCode === undefined)
    throw new Error('no zip asset of the serving function in the assets manifest');
  return join(outdir, lambdaCode.source.path, 'index.mjs');
};

type Group = { readonly targets: readonly string[]; readonly labels: Readonly<Record<string, string>> };

/** What one expected target looks like in an http_sd body: target, path, name, cluster, service. */
const summary = (group: Group) => ({
  target: group.targets[0],
  path: group.labels.__metrics_path__,
  name: group.labels.scrape_target_name,
  cluster: group.labels._sys_ecs_cluster,
  service: group.labels._sys_ecs_service,
});

const expectedSummary = (target: DemoTarget) => ({
  target: target.target,
  path: target.path,
  name: target.name,
  cluster: target.cluster,
  service: target.service,
});

let demo: RunningDemo;
let demoClosed = false;
let savedEnv: NodeJS.ProcessEnv;
let scratch: string;
let bundle: Promise<string>;

beforeAll(async () => {
  savedEnv = { ...process.env };
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  demo = await startDemo({ port: 0 });
  scratch = await mkdtemp(join(tmpdir(), 'e2e-'));
  // Synth runs while Prometheus converges; the Lambda test awaits it. Its output goes under the project so
  // the bundle resolves node_modules exactly as in the repository (.tmp/ is git-ignored).
  bundle = synthBundle(join(ROOT, '.tmp', `e2e-cdk-out-${process.pid}`));
  bundle.catch(() => undefined); // awaited (and reported) by the Lambda test
});

afterAll(async () => {
  if (!demoClosed) await demo?.close();
  await bundle?.catch(() => undefined);
  await rm(join(ROOT, '.tmp', `e2e-cdk-out-${process.pid}`), { recursive: true, force: true });
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  process.env = savedEnv;
});

type ActiveTarget = {
  readonly labels: Record<string, string>;
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
};

describe.skipIf(!hasPrometheus)('a real Prometheus with http_sd_configs against the demo', () => {
  let prometheus: ChildProcess | undefined;
  let api: string;
  let log = '';

  beforeAll(async () => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const config = join(scratch, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 2s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        `  - job_name: ${JOB}`,
        '    http_sd_configs:',
        `      - url: ${demo.url}/prometheus-targets`,
        '        refresh_interval: 2s',
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(scratch, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      log = `${log}${chunk.toString('utf8')}`.slice(-4000);
    });
  });

  afterAll(async () => {
    await stopProcess(prometheus);
  });

  const activeTargets = async (): Promise<readonly ActiveTarget[]> => {
    const response = await fetch(`${api}/api/v1/targets?state=active`);
    const body = (await response.json()) as { data: { activeTargets: ActiveTarget[] } };
    return body.data.activeTargets;
  };

  it('shows every expected target active and up, with the labels from ECS, Cloud Map and tags', async () => {
    // Prepare: wait until every target has been scraped successfully at least once (bounded).
    const expected = demo.expectedTargets;
    const targets = await waitFor(
      async () => {
        const active = await activeTargets();
        return active.length === expected.length && active.every((t) => t.health === 'up')
          ? active
          : undefined;
      },
      40_000,
      `${expected.length} healthy targets (prometheus log tail: ${log.slice(-500)})`,
    );

    // Act
    const byUrl = new Map(targets.map((t) => [t.scrapeUrl, t]));

    // Assess
    expect([...byUrl.keys()].sort()).toEqual(expected.map((t) => `http://${t.target}${t.path}`).sort());
    for (const target of expected) {
      const active = byUrl.get(`http://${target.target}${target.path}`)!;
      expect(active.labels).toMatchObject({
        job: JOB,
        instance: target.target.slice(0, target.target.lastIndexOf(':')),
        _sys_ecs_cluster: target.cluster,
        _sys_ecs_service: target.service,
        PROMETHEUS_TARGET: 'true',
        ...(target.name === undefined ? {} : { scrape_target_name: target.name }),
        ...target.labels,
      });
      if (target.name === undefined) expect(active.labels).not.toHaveProperty('scrape_target_name');
      expect(Object.keys(active.labels).filter((name) => name.startsWith('METRICS_'))).toEqual([]);
      expect(active.lastError).toBe('');
    }
  });

  it('stores up == 1 for every target, and the filtered-out service is never scraped', async () => {
    // Prepare
    const query = `up{job="${JOB}"}`;

    // Act
    const series = await waitFor(
      async () => {
        const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`);
        const body = (await response.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result.length === demo.expectedTargets.length ? body.data.result : undefined;
      },
      20_000,
      `${demo.expectedTargets.length} up series`,
    );

    // Assess
    expect(series.map((s) => s.value[1])).toEqual(demo.expectedTargets.map(() => '1'));
    expect(series.map((s) => s.metric._sys_ecs_service)).not.toContain('worker');
    expect(new Set(series.map((s) => `${s.metric.instance}/${s.metric.scrape_target_name}`)).size).toBe(
      demo.expectedTargets.length,
    );
  });

  it('reports no failed http_sd refresh', async () => {
    // Prepare: Prometheus has refreshed (every 2 s) several times by now.
    const metrics = await (await fetch(`${api}/metrics`)).text();

    // Act
    const failures = metrics
      .split('\n')
      .filter((line) => line.startsWith('prometheus_sd_http_failures_total'))
      .map((line) => Number(line.split(' ').at(-1)));

    // Assess
    expect(failures).toEqual([0]);
  });
});

/** The tags of issue 10 that used to steer Prometheus; none may reach it (docs/decisions.md). */
const HOSTILE_TAGS = {
  __scheme__: 'https',
  __param_module: 'evil',
  __scrape_interval__: '1s',
  __scrape_timeout__: '1s',
  job: 'hijacked',
  __address__: '1.2.3.4:1',
} as const;
const HOSTILE_IP = '127.0.0.51';
const HOSTILE_JOB = 'hostile-check';

describe.skipIf(!hasPrometheus)('a real Prometheus scraping a task with hostile tags', () => {
  // Its own fleet, double, exporter, http_sd server and Prometheus: the demo fleet stays as README shows it.
  let double: AwsDouble;
  let exporter: ReturnType<typeof createHttpServer>;
  let server: RunningServer;
  let prometheus: ChildProcess | undefined;
  let api: string;
  let exporterPort: number;
  const warnings: Warning[] = [];

  beforeAll(async () => {
    exporterPort = await freePort();
    double = await startAwsDouble(
      defineFleet({
        clusters: [
          {
            name: 'hostile',
            services: [
              {
                name: 'evil',
                tags: { METRICS_PORT: String(exporterPort) },
                tasks: [{ ip: HOSTILE_IP, tags: HOSTILE_TAGS }],
              },
            ],
          },
        ],
      }),
    );
    exporter = createHttpServer((request, response) => {
      const ok = request.url === '/metrics';
      response.writeHead(ok ? 200 : 404, { 'Content-Type': 'text/plain; version=0.0.4' });
      response.end(ok ? 'hostile_demo_up 1\n' : 'not found\n');
    });
    await new Promise<void>((done) => exporter.listen(exporterPort, HOSTILE_IP, () => done()));
    const env = { DiscoveryOptions__EcsClusters: 'hostile', DiscoveryOptions__CacheTtlSeconds: '1' };
    const logger = createLogger();
    // Clients pointed at this double explicitly: process.env points the SDK at the demo's double.
    const clients = createAwsClients({ endpoint: double.endpoint, region: double.region });
    const app = createApp({
      loadConfig: () => loadConfig(env),
      createDiscover: (config) => createDiscover(config, { clients, onWarning: (w) => warnings.push(w) }),
      logger,
      readSecret: readTokenSecret,
    });
    server = await startServer({ port: 0, app, logger });
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const config = join(scratch, 'prometheus-hostile.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 2s',
        '  scrape_timeout: 1500ms',
        'scrape_configs:',
        `  - job_name: ${HOSTILE_JOB}`,
        '    http_sd_configs:',
        `      - url: ${server.url}/prometheus-targets`,
        '        refresh_interval: 2s',
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(scratch, 'tsdb-hostile')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    await stopProcess(prometheus);
    await server?.close();
    if (exporter !== undefined) await new Promise<void>((done) => exporter.close(() => done()));
    await double?.close();
  });

  it('scrapes it at its plain http://<ip>:<port>/metrics URL with the configured job, healthy', async () => {
    // Prepare: wait until Prometheus has scraped the target once (bounded).
    type Target = ActiveTarget & {
      readonly discoveredLabels: Record<string, string>;
      readonly scrapeInterval: string;
      readonly scrapeTimeout: string;
    };
    const target = await waitFor(
      async () => {
        const response = await fetch(`${api}/api/v1/targets?state=active`);
        const body = (await response.json()) as { data: { activeTargets: Target[] } };
        const [only] = body.data.activeTargets;
        return body.data.activeTargets.length === 1 && only?.health === 'up' ? only : undefined;
      },
      40_000,
      'the hostile-tagged target up',
    );

    // Assess
    expect(target.scrapeUrl).toBe(`http://${HOSTILE_IP}:${exporterPort}/metrics`);
    expect([target.labels.job, target.labels.instance, target.lastError]).toEqual([
      HOSTILE_JOB,
      HOSTILE_IP,
      '',
    ]);
    expect([target.scrapeInterval, target.scrapeTimeout]).toEqual(['2s', '1s500ms']);
    expect(Object.keys(target.discoveredLabels).filter((name) => name.startsWith('__param_'))).toEqual([]);
    expect(target.discoveredLabels.__address__).toBe(`${HOSTILE_IP}:${exporterPort}`);
    expect(warnings.filter((w) => w.data.reason === 'reserved_name').map((w) => w.data.tag)).toEqual(
      expect.arrayContaining(Object.keys(HOSTILE_TAGS)),
    );
  }, 60_000);
});

describe('the bundled Lambda artifact of cdk synth', () => {
  let module: {
    handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
    streamingHandler: unknown;
  };

  beforeAll(async () => {
    // Cold start reads process.env: the demo set the AWS SDK variables and the discovery options.
    installAwsLambdaGlobal();
    const path = await bundle;
    module = await import(/* @vite-ignore */ pathToFileURL(path).href);
  }, 90_000);

  afterAll(() => removeAwsLambdaGlobal());

  it('answers a Function URL event (buffered handler) with 200 and exactly the demo targets', async () => {
    // Prepare
    const event = functionUrlEvent({ path: '/prometheus-targets' });

    // Act
    const response = await module.handler(event, lambdaContext());

    // Assess
    expect([response.statusCode, response.headers?.['Content-Type']]).toEqual([
      200,
      'application/json; charset=utf-8',
    ]);
    const groups = JSON.parse(response.body ?? '') as Group[];
    expect(groups.map(summary)).toEqual(demo.expectedTargets.map(expectedSummary));
  });

  it('streams the same body through streamingHandler, the export the stack deploys', async () => {
    // Prepare
    const event = functionUrlEvent({ path: '/prometheus-targets' });

    // Act
    const streamed = await invokeStreaming(module.streamingHandler, event, lambdaContext());

    // Assess
    expect(streamed.prelude.statusCode).toBe(200);
    const groups = JSON.parse(streamed.body.toString('utf8')) as Group[];
    expect(groups.map(summary)).toEqual(demo.expectedTargets.map(expectedSummary));
  });
});

describe('npm run demo', () => {
  beforeAll(async () => {
    // The demo process listens on the same loopback addresses and ports as the in-process demo.
    await demo.close();
    demoClosed = true;
  });

  it('prints the URL, a prometheus.yml snippet and the table, and stops cleanly on SIGINT', async () => {
    // Prepare
    const port = await freePort();
    // node itself (not npx), so the signal reaches the demo as Ctrl-C would.
    const child = spawn(process.execPath, ['--import', 'tsx', 'example/demo.ts'], {
      cwd: ROOT,
      env: { ...savedEnv, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    // Act
    try {
      await waitFor(
        async () => (stdout.includes('Ctrl-C stops the demo.') ? true : undefined),
        20_000,
        'demo',
      );
    } finally {
      child.kill('SIGINT');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const code = await exited;
    clearTimeout(timer);

    // Assess
    expect(stdout).toContain(`http_sd endpoint: http://127.0.0.1:${port}/prometheus-targets`);
    expect(stdout).toContain(`      - url: http://127.0.0.1:${port}/prometheus-targets`);
    expect(stdout).toContain('Discovered 7 targets');
    expect(stdout).toMatch(
      /127\.0\.0\.41:9901 +staging +payments +[0-9a-f]{32} +envoy +\/stats\/prometheus\n/,
    );
    expect(stdout).toContain('SIGINT: stopping the demo');
    expect(code).toBe(0);
  });
});
