/**
 * `npm run bench [-- --quick]`: the discovery core, through the real SDK clients, against the AWS
 * API double with fleets of about 1k, 10k and 30k tasks, 25 ms per call and AWS's token buckets.
 * Prints one table per fleet; the full run also writes docs/benchmarks.md and docs/bench-scaling.svg.
 * `--quick`: the 1k fleet only (CI smoke), nothing written.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Heading of the section `bench/load.ts` writes at the end of docs/benchmarks.md. */
export const LOAD_SECTION_HEADING = '## Load: the local server under sustained concurrent requests';

import { availableParallelism, cpus, totalmem } from 'node:os';
import { loadConfig } from '../lambda/config/load.ts';
import type { AwsDouble } from '../test/aws-double/index.ts';
import { defineFleet, startAwsDouble } from '../test/aws-double/index.ts';
import { renderAnalysis } from './analysis.ts';
import { BundleEntry, measureBundle } from './bundle.ts';
import { renderSvg } from './chart.ts';
import type { ChildAnswer, ChildCommand, HitReport, RefreshReport } from './child.ts';
import { discoveryEnv, FLEETS, type FleetPlan, fleetSpec } from './fleets.ts';
import { fleetFacts, minimumCalls, originalCalls } from './formulas.ts';
import { renderGlobSection } from './globs.ts';
import { doubleBuckets } from './limits.ts';
import { type FleetResult, type Machine, renderBundle, renderFleet, renderMarkdown } from './report.ts';

/** Per-call latency of the double, ms. */
export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 25);
const HIT_FLEET = '10k';
const IMPORT_RUNS = 7;

const buckets = doubleBuckets;

/** Full buckets for each refresh: refreshes are `CacheTtlSeconds` (60 s) apart, time enough to refill. */
const refillBuckets = (double: AwsDouble) => {
  double.clearThrottling();
  for (const bucket of buckets()) double.throttle(bucket);
};

const childAsker = (child: ChildProcess) => {
  const waiting: ((answer: ChildAnswer) => void)[] = [];
  child.on('message', (answer: ChildAnswer) => waiting.shift()?.(answer));
  return (command: ChildCommand) =>
    new Promise<ChildAnswer>((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`benchmark child exited with ${code}`)));
      child.send(command);
    });
};

const refreshReport = (answer: ChildAnswer): RefreshReport => {
  if (answer.command !== 'cold' && answer.command !== 'warm') throw new Error('unexpected answer');
  return answer.report;
};

const runFleet = async (
  plan: FleetPlan,
  measureHits: boolean,
  latencyMs = LATENCY_MS,
): Promise<FleetResult> => {
  const fleet = defineFleet(fleetSpec(plan));
  const env = discoveryEnv(plan);
  const config = loadConfig(env);
  const double = await startAwsDouble(fleet, { latencyMs, buckets: buckets() });
  const child = fork(new URL('./child.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      BENCH_ENDPOINT: double.endpoint,
      AWS_REGION: double.region,
      AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
      AWS_SECRET_ACCESS_KEY: 'benchmark-secret',
      NODE_NO_WARNINGS: '1',
    },
  });
  const ask = childAsker(child);
  try {
    double.resetCalls();
    const cold = refreshReport(await ask('cold'));
    const coldCalls = double.calls();
    const coldThrottled = double.throttled();
    refillBuckets(double);
    double.resetCalls();
    const warm = refreshReport(await ask('warm'));
    const warmCalls = double.calls();
    const warmThrottled = double.throttled();
    let hits: HitReport | undefined;
    if (measureHits) {
      const answer = await ask('hits');
      if (answer.command === 'hits') hits = answer.report;
    }
    const exit = await ask('exit');
    return {
      plan,
      facts: fleetFacts(fleet, config),
      concurrency: config.awsMaxConcurrency,
      cold: { report: cold, calls: coldCalls, throttled: coldThrottled },
      warm: { report: warm, calls: warmCalls, throttled: warmThrottled },
      minimum: { cold: minimumCalls(fleet, config, false), warm: minimumCalls(fleet, config, true) },
      original: { cold: originalCalls(fleet, config, false), warm: originalCalls(fleet, config, true) },
      hits,
      peakRssMiB: exit.command === 'exit' ? exit.peakRssMiB : cold.peakRssMiB,
    };
  } finally {
    if (child.connected) child.disconnect();
    await double.close();
  }
};

const machine = (): Machine => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  nproc: availableParallelism(),
  memoryGiB: totalmem() / 1024 ** 3,
  node: process.version,
  date: new Date().toISOString(),
});

const main = async () => {
  const quick = process.argv.includes('--quick');
  const plans = quick ? FLEETS.slice(0, 1) : FLEETS;
  const results: FleetResult[] = [];
  for (const plan of plans) {
    process.stderr.write(`bench: fleet ${plan.name}...\n`);
    const result = await runFleet(plan, quick || plan.name === HIT_FLEET);
    results.push(result);
    process.stdout.write(`${renderFleet(result, LATENCY_MS)}\n`);
  }
  // The same smallest fleet with no latency: what the refresh costs in CPU alone on this machine.
  process.stderr.write('bench: CPU floor (1k fleet, 0 ms latency)...\n');
  const smallest = plans[0];
  if (smallest === undefined) throw new Error('no fleet to run');
  const floor = await runFleet(smallest, false, 0);
  process.stderr.write('bench: bundle...\n');
  const bundle = await measureBundle(quick ? 3 : IMPORT_RUNS, BundleEntry.Snapshot);
  const embeddedBundle = await measureBundle(quick ? 3 : IMPORT_RUNS, BundleEntry.Embedded);
  const info = machine();
  const command = quick ? 'npm run bench -- --quick' : 'npm run bench';
  const globs = renderGlobSection();
  process.stdout.write(`${globs}\n`);
  const markdown = `${renderMarkdown(
    { results, bundle, embeddedBundle, machine: info, command, latencyMs: LATENCY_MS },
    renderAnalysis(results, bundle, LATENCY_MS, floor),
  ).trimEnd()}\n\n${globs}`;
  if (quick) {
    process.stdout.write(
      `${renderBundle(bundle, embeddedBundle)}\n${renderAnalysis(results, bundle, LATENCY_MS, floor)}`,
    );
    return;
  }
  // The load run (`npm run bench:load`) appends its own section; keep it when these tables are redone.
  const docUrl = new URL('../docs/benchmarks.md', import.meta.url);
  const previous = existsSync(docUrl) ? readFileSync(docUrl, 'utf8') : '';
  const loadAt = previous.indexOf(LOAD_SECTION_HEADING);
  writeFileSync(docUrl, loadAt < 0 ? markdown : `${markdown.trimEnd()}\n\n${previous.slice(loadAt)}`);
  writeFileSync(new URL('../docs/bench-scaling.svg', import.meta.url), renderSvg(results, LATENCY_MS));
  process.stdout.write(markdown);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
