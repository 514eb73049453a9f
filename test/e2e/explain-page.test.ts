/**
 * The explain page in a real browser: Debian's headless Chromium loads `GET /debug/targets` from the
 * local server on the demo fleet and options (no token; tokens never go in URLs), takes a
 * screenshot, and dumps the DOM after the page's script ran, so the filter (`?q=`, `?only=1`) and the
 * Content-Security-Policy (the script runs only if its hash is right) are checked for real. A second
 * server on a fleet with hostile tags checks that they arrive as text, never as markup.
 *
 * The screenshot goes to `$EXPLAIN_SCREENSHOT` (README's docs/explain.png:
 * `EXPLAIN_SCREENSHOT=docs/explain.png npx vitest run test/e2e/explain-page.test.ts`), else
 * `.tmp/explain.png` (git-ignored); the test prints the path.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPTIONS, DEMO_TARGETS, demoFleet } from '../../example/demo-fleet.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscover } from '../../lambda/discover.ts';
import { createApp } from '../../lambda/http/app.ts';
import { readTokenSecret } from '../../lambda/http/token-source.ts';
import { createLogger } from '../../lambda/log.ts';
import { startServer } from '../../lambda/server.ts';
import { defineFleet, type Fleet, makeClients, startAwsDouble } from '../aws-double/index.ts';
import { hasTool } from '../support/e2e-tools.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = hasTool(CHROMIUM);

let profile: string;

/** Runs headless Chromium with a throw-away profile; asynchronous, since the server runs in this process. */
const chromium = async (...args: string[]): Promise<string> => {
  const { stdout } = await run(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--virtual-time-budget=5000',
      '--window-size=1280,900',
      ...args,
    ],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
};

type Row = { readonly hidden: boolean; readonly text: string };

/** The table rows of a dumped DOM: whether the script hid each, and its text. */
const rowsOf = (dom: string): Row[] =>
  [...dom.matchAll(/<tr class="[^"]*"[^>]*>([\s\S]*?)<\/tr>/g)].map((match) => ({
    hidden: /^<tr[^>]*\bhidden\b/.test(match[0]),
    text: (match[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  }));

const countOf = (dom: string): string => /<span id="count">([^<]*)<\/span>/.exec(dom)?.[1] ?? '';

let savedEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  savedEnv = { ...process.env };
  profile = await mkdtemp(join(tmpdir(), 'explain-chromium-'));
});
afterAll(async () => {
  process.env = savedEnv;
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

/** The local server over the AWS double with `fleet` (no exporters: nothing here scrapes). */
const startFleetServer = async (fleet: Fleet, env: Record<string, string>) => {
  const double = await startAwsDouble(fleet);
  const clients = makeClients(double, { maxAttempts: 1 });
  const logger = createLogger();
  const app = createApp({
    loadConfig: () => loadConfig(env),
    createDiscover: (config) =>
      createDiscover(config, { clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery } }),
    logger,
    readSecret: readTokenSecret,
  });
  const server = await startServer({ port: 0, app, logger });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      clients.destroy();
      await double.close();
    },
  };
};

type FleetServer = Awaited<ReturnType<typeof startFleetServer>>;

// The demo's fleet and options, not `startDemo`: its exporters listen on fixed loopback addresses,
// which the demo of the Prometheus end-to-end test holds while the two files run in parallel.
describe.skipIf(!hasChromium)('the explain page in headless Chromium, on the demo fleet', () => {
  let demo: FleetServer;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    demo = await startFleetServer(demoFleet(), { ...DEMO_OPTIONS });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('renders every entry of the demo fleet, the filtered-out worker as not a target, and saves a screenshot', async () => {
    // Prepare
    const file = resolve(process.env.EXPLAIN_SCREENSHOT ?? join(ROOT, '.tmp', 'explain.png'));

    await mkdir(dirname(file), { recursive: true });

    // Act
    await chromium(`--screenshot=${file}`, `${demo.url}/debug/targets`);
    const dom = await chromium('--dump-dom', `${demo.url}/debug/targets`);

    // Assess
    process.stdout.write(`explain page screenshot: ${file}\n`);
    expect((await stat(file)).size).toBeGreaterThan(10_000);
    const rows = rowsOf(dom);
    expect(
      rows.filter((row) => row.text.startsWith('scrape group') && row.text.includes('target 127.')),
    ).toHaveLength(DEMO_TARGETS.length);
    expect(rows.find((row) => row.text.includes('worker'))?.text).toBe(
      'service prod worker not a target service_selector left out by EcsServiceSelectorTags: wanted=PROMETHEUS_TARGET=true had=PROMETHEUS_TARGET=false',
    );
    expect(rows.every((row) => !row.hidden)).toBe(true);
    expect(countOf(dom)).toBe(`${rows.length} of ${rows.length} shown`);
  });

  it('filters by the ?q= text and by ?only=1 (only not targets) when the page loads', async () => {
    // Act
    const byText = rowsOf(await chromium('--dump-dom', `${demo.url}/debug/targets?q=payments`));
    const onlyNot = rowsOf(await chromium('--dump-dom', `${demo.url}/debug/targets?only=1`));

    // Assess
    const shown = byText.filter((row) => !row.hidden).map((row) => row.text.split(' ').slice(0, 4).join(' '));
    expect(shown).toEqual([
      'service staging payments target',
      expect.stringMatching(/^task staging payments [0-9a-f]{32}$/),
      expect.stringMatching(/^scrape group staging payments$/),
      expect.stringMatching(/^scrape group staging payments$/),
    ]);
    expect(
      onlyNot.filter((row) => !row.hidden).map((row) => row.text.split(' ').slice(0, 3).join(' ')),
    ).toEqual(['service prod worker']);
  });
});

const SCRIPT_TAG = '<script>alert(1)</script>';
const IMG_TAG = '"><img src=x onerror=alert(1)>';

describe.skipIf(!hasChromium)('the explain page in headless Chromium, with hostile tags', () => {
  let server: FleetServer;

  beforeAll(async () => {
    server = await startFleetServer(
      defineFleet({
        clusters: [
          {
            name: 'hostile',
            services: [
              { name: 'excluded', tags: { PROMETHEUS_TARGET: SCRIPT_TAG, METRICS_PORT: '80' } },
              {
                name: 'evil',
                tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: IMG_TAG },
                tasks: [{ ip: '10.9.0.1', tags: { [`__${IMG_TAG}`]: SCRIPT_TAG } }],
              },
            ],
          },
        ],
      }),
      {
        DiscoveryOptions__EcsClusters: 'hostile',
        DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
      },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows tag keys and values as text: no element, no script from a tag', async () => {
    // Act
    const dom = await chromium('--dump-dom', `${server.url}/debug/targets`);

    // Assess
    expect(dom).not.toContain('<img');
    expect(dom.match(/<script>/g)).toHaveLength(1);
    // Chromium serialises text with `<`, `>` and `&` escaped (a `"` needs none in text): these are text nodes.
    const texts = rowsOf(dom).map((row) => row.text.replace(/[0-9a-f]{32}/g, 'TASKID'));
    const img = '"&gt;&lt;img src=x onerror=alert(1)&gt;';
    expect(texts).toEqual([
      'cluster hostile not a target',
      'service hostile evil not a target',
      'task hostile evil TASKID not a target bad_port port is not a decimal 1..65535: tag=METRICS_PORT ' +
        'reserved_tag tag left out: its label name is reserved for Prometheus: ' +
        `resource=arn:aws:ecs:us-east-1:123456789012:task/hostile/TASKID tag=__${img}`,
      `scrape group hostile evil TASKID METRICS_PORT not a target bad_port port is not a decimal 1..65535: tag=METRICS_PORT value=${img}`,
      'service hostile excluded not a target service_selector left out by EcsServiceSelectorTags: ' +
        'wanted=PROMETHEUS_TARGET=true had=PROMETHEUS_TARGET=&lt;script&gt;alert(1)&lt;/script&gt;',
    ]);
    // The page's own script ran (its CSP hash is right): it wrote the count.
    expect(countOf(dom)).toMatch(/^\d+ of \d+ shown$/);
  });
});

describe.skipIf(!hasChromium)('the explain page in headless Chromium, with Cloud Map-only instances', () => {
  let server: FleetServer;

  beforeAll(async () => {
    server = await startFleetServer(
      defineFleet({
        namespaces: [
          {
            name: 'corp.local',
            type: 'HTTP',
            services: [
              {
                name: 'legacy',
                instances: [
                  { id: 'i-good', ip: '10.9.0.1', port: 9100 },
                  { id: 'i-evil', ip: '10.9.0.2', attributes: { AWS_INSTANCE_PORT: SCRIPT_TAG } },
                ],
              },
            ],
          },
        ],
      }),
      {
        DiscoveryOptions__CloudMapNamespaces: 'corp.local',
        DiscoveryOptions__CloudMapInstanceTargets: 'true',
      },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists each instance under its namespace, its attribute values as text, and filters ?only=1', async () => {
    // Act
    const dom = await chromium('--dump-dom', `${server.url}/debug/targets`);
    const onlyNot = rowsOf(await chromium('--dump-dom', `${server.url}/debug/targets?only=1`));

    // Assess
    expect(dom).not.toContain('<script>alert');
    expect(dom.match(/<script>/g)).toHaveLength(1);
    expect(rowsOf(dom).map((row) => row.text)).toEqual([
      'Cloud Map instance corp.local legacy i-evil not a target no_instance_port no port tag and no valid ' +
        'AWS_INSTANCE_PORT: lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT AWS_INSTANCE_PORT=&lt;script&gt;alert(1)&lt;/script&gt;',
      'Cloud Map instance corp.local legacy i-good target',
      'scrape group corp.local legacy i-good AWS_INSTANCE_PORT target 10.9.0.1:9100',
    ]);
    expect(/<p class="summary">([^<]*)<\/p>/.exec(dom)?.[1]).toMatch(
      /^1 targets; tasks without a target: 0; services without a target: 0; Cloud Map instances without a target: 1; refreshed /,
    );
    expect(
      onlyNot.filter((row) => !row.hidden).map((row) => row.text.split(' ').slice(0, 6).join(' ')),
    ).toEqual(['Cloud Map instance corp.local legacy i-evil']);
  });
});
