/**
 * `npx tsx bench/snapshot.ts` (`npm run bench:snapshot`): the snapshot mode of issue 13 against the
 * AWS double, through the real refresher, S3 store and serving source. Prints, and writes into
 * docs/benchmarks.md, four tables: AWS calls per minute by Prometheus replicas (snapshot vs embedded),
 * calls per event batch, event-to-served freshness, and serve latency from the snapshot at 10k
 * targets. Simulated time (a manual clock) for schedules and polls; wall time only for latencies.
 * A bench script, not a timed test.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createDiscover } from '../lambda/discover.ts';
import { createApp } from '../lambda/http/app.ts';
import { PayloadVersion } from '../lambda/http/request.ts';
import type { FleetSpec } from '../test/aws-double/index.ts';
import { generateFleetSpec, makeClients } from '../test/aws-double/index.ts';
import { type SnapshotWorld, snapshotApp, startSnapshotWorld } from '../test/refresh/support.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTION_HEADING = '## Snapshot mode: one refresh per fleet (issue 13)';
const POLL_SECONDS = 30;
const SIMULATED_MINUTES = 5;
/** The SQS batching window the freshness figure assumes (the stack's setting). */
const BATCHING_WINDOW_SECONDS = 5;

const fleetOf = (tasks: number): FleetSpec =>
  generateFleetSpec({ clusters: 2, servicesPerCluster: 10, tasksPerService: Math.ceil(tasks / 20) });

const envFor = (spec: FleetSpec) => ({
  DiscoveryOptions__EcsClusters: (spec.clusters ?? []).map((c) => c.name).join(';'),
});

/** The first service of the first cluster with `extra` more tasks. */
const withExtraTasks = (spec: FleetSpec, extra: number): FleetSpec => ({
  ...spec,
  clusters: (spec.clusters ?? []).map((cluster, c) => ({
    ...cluster,
    services: (cluster.services ?? []).map((service, s) =>
      c === 0 && s === 0 && typeof service.tasks === 'number'
        ? { ...service, tasks: service.tasks + extra }
        : service,
    ),
  })),
});

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 0);

const request = {
  method: 'GET',
  path: '/prometheus-targets',
  headers: {},
  requestId: 'bench',
  payloadVersion: PayloadVersion.V2,
};

const serverApp = snapshotApp;

const embeddedApp = (world: SnapshotWorld) => {
  const clients = makeClients(world.double, { maxAttempts: 1 });
  return createApp({
    loadConfig: () => world.config,
    createDiscover: (config) =>
      createDiscover(config, {
        clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
        now: world.clock.now,
      }),
    logger: world.logger,
    readSecret: () => Promise.reject(new Error('no secret')),
    now: world.clock.now,
  });
};

/** Calls per minute with `replicas` polling every 30 s, round-robin over 2 × replicas environments. */
const callsPerMinute = async (replicas: number, mode: 'snapshot' | 'embedded') => {
  const spec = fleetOf(1000);
  const world = await startSnapshotWorld(spec, envFor(spec));
  const environments = Array.from({ length: 2 * replicas }, () =>
    mode === 'snapshot' ? serverApp(world) : embeddedApp(world),
  );
  let next = 0;
  for (let second = 0; second < SIMULATED_MINUTES * 60; second += 1) {
    if (mode === 'snapshot' && second % 60 === 0) await world.refresher.full();
    const polling = Array.from({ length: replicas }, (_, r) => r).filter(
      (r) => (second - r * 7 + POLL_SECONDS * 10) % POLL_SECONDS === 0,
    );
    await Promise.all(polling.map(() => environments[next++ % environments.length]?.handle(request)));
    world.clock.advanceSeconds(1);
  }
  const s3 = world.double.s3.calls();
  const row = {
    aws: world.double.totalCalls() / SIMULATED_MINUTES,
    gets: (s3['s3:GetObject'] ?? 0) / SIMULATED_MINUTES,
    puts: (s3['s3:PutObject'] ?? 0) / SIMULATED_MINUTES,
  };
  await world.close();
  return row;
};

const eventBatchCalls = async (started: number) => {
  const spec = fleetOf(1000);
  const world = await startSnapshotWorld(spec, envFor(spec));
  await world.refresher.full();
  world.double.mutate(() => withExtraTasks(spec, started));
  const events = world.double.drainTaskEvents();
  world.double.resetCalls();
  world.double.s3.resetCalls();
  await world.refresher.events(events.map((event) => event.detail));
  const row = {
    events: events.length,
    describe: world.double.calls()['ecs:DescribeTasks'] ?? 0,
    aws: world.double.totalCalls(),
    s3: world.double.s3.calls(),
  };
  await world.close();
  return row;
};

/** Event → served: the refresher applies the batch, the next request after the 1 s memo serves it. */
const freshness = async (trials: number) => {
  const spec = fleetOf(1000);
  const world = await startSnapshotWorld(spec, envFor(spec));
  world.double.setLatency(25);
  await world.refresher.full();
  const app = serverApp(world);
  await app.handle(request);
  const measured: number[] = [];
  for (let trial = 1; trial <= trials; trial += 1) {
    world.double.mutate(() => withExtraTasks(spec, trial % 2));
    const events = world.double.drainTaskEvents();
    const startedAt = performance.now();
    await world.refresher.events(events.map((event) => event.detail));
    world.clock.advanceSeconds(1);
    const response = await app.handle(request);
    measured.push(performance.now() - startedAt);
    if (response.statusCode !== 200) throw new Error(`trial ${trial}: ${response.statusCode}`);
  }
  await world.close();
  return measured;
};

const serveLatency = async (requests: number) => {
  const spec = fleetOf(10_000);
  const world = await startSnapshotWorld(spec, envFor(spec));
  await world.refresher.full();
  const app = serverApp(world);
  const firstAt = performance.now();
  const first = await app.handle(request);
  const firstMs = performance.now() - firstAt;
  const times: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    world.clock.advanceSeconds(0.1);
    const at = performance.now();
    await app.handle(request);
    times.push(performance.now() - at);
  }
  const stored = world.stored();
  const row = {
    targets: Number(stored?.targetCount),
    // The app answers a target list as its prepared bytes (an EncodedBody), other routes as text.
    bodyMb: (typeof first.body === 'string' ? Buffer.byteLength(first.body) : first.body.byteLength) / 1e6,
    objectMb: (world.double.s3.object('sd-snapshots', 'prometheus-targets.json')?.body.length ?? 0) / 1e6,
    firstMs,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    gets: world.double.s3.calls()['s3:GetObject'] ?? 0,
  };
  await world.close();
  return row;
};

const main = async () => {
  const lines: string[] = [
    SECTION_HEADING,
    '',
    'Made by `npm run bench:snapshot` (`tsx bench/snapshot.ts`), against the AWS double (S3 included) on loopback,',
    `Node ${process.version}. Simulated time for schedules and polls; wall time for latencies.`,
    '',
    `### AWS calls per minute (1k tasks, CacheTtlSeconds 60, each replica polls every ${POLL_SECONDS} s, 2 serving environments per replica, ${SIMULATED_MINUTES} simulated minutes)`,
    '',
    '| Prometheus replicas | environments | snapshot: ECS + Cloud Map calls/min | snapshot: S3 GET/min | snapshot: S3 PUT/min | embedded: ECS + Cloud Map calls/min |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const replicas of [1, 2, 5]) {
    const snapshot = await callsPerMinute(replicas, 'snapshot');
    const embedded = await callsPerMinute(replicas, 'embedded');
    lines.push(
      `| ${replicas} | ${2 * replicas} | ${snapshot.aws.toFixed(1)} | ${snapshot.gets.toFixed(1)} | ${snapshot.puts.toFixed(1)} | ${embedded.aws.toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    'Goal: snapshot-mode AWS calls the same whatever the replicas and environments. The S3 GETs (the',
    "refresher's one read per run included) grow with the requests: at most one per second per",
    'environment, most answered 304.',
    '',
    '### Calls per event batch (1k-task fleet, tasks started in one known service)',
    '',
    '| events in the batch | DescribeTasks | other ECS / Cloud Map calls | S3 GET | S3 PUT |',
    '| ---: | ---: | ---: | ---: | ---: |',
  );
  for (const started of [1, 10, 100, 250]) {
    const row = await eventBatchCalls(started);
    lines.push(
      `| ${row.events} | ${row.describe} | ${row.aws - row.describe} | ${row.s3['s3:GetObject'] ?? 0} | ${row.s3['s3:PutObject'] ?? 0} |`,
    );
  }
  const trials = 40;
  const measured = await freshness(trials);
  const p95 = percentile(measured, 95);
  lines.push(
    '',
    `### Freshness: a task's event to its presence in the served list (${trials} trials, 1k tasks, 25 ms per ECS call)`,
    '',
    '| part | p50 | p95 | max |',
    '| --- | ---: | ---: | ---: |',
    `| measured: refresher applies the batch (S3 GET, DescribeTasks, rebuild, S3 PUT) + the next request re-reads S3 | ${ms(percentile(measured, 50))} ms | ${ms(p95)} ms | ${ms(Math.max(...measured))} ms |`,
    `| modelled: SQS batching window ${BATCHING_WINDOW_SECONDS} s + serving memo ≤ 1 s + measured | | ${(((BATCHING_WINDOW_SECONDS + 1) * 1000 + p95) / 1000).toFixed(1)} s | |`,
    '',
    'Goal: p95 under 10 s. Not measured here: EventBridge delivery to SQS (typically well under a second)',
    "and Lambda's SQS poller; Prometheus's own `refresh_interval` comes on top.",
  );
  const serve = await serveLatency(2000);
  lines.push(
    '',
    `### Serve latency from the snapshot (${serve.targets} targets, 2000 requests 100 ms apart: one in ten re-reads S3 and gets a 304)`,
    '',
    '| body | S3 object | first request (GET + parse) | p50 | p99 | max | S3 GETs |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${serve.bodyMb.toFixed(1)} MB | ${serve.objectMb.toFixed(1)} MB | ${ms(serve.firstMs)} ms | ${ms(serve.p50)} ms | ${ms(serve.p99)} ms | ${ms(serve.max)} ms | ${serve.gets} |`,
    '',
    'Latency of `app.handle` (auth, source, headers), without writing the body to a socket.',
  );
  const section = lines.join('\n');
  process.stdout.write(`${section}\n`);
  const doc = `${ROOT}docs/benchmarks.md`;
  const previous = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const at = previous.indexOf(SECTION_HEADING);
  const head = (at === -1 ? previous : previous.slice(0, at)).trimEnd();
  const rest = at === -1 ? '' : previous.slice(at + SECTION_HEADING.length);
  const nextHeading = rest.search(/\n## /);
  const tail = nextHeading === -1 ? '' : rest.slice(nextHeading + 1).trimEnd();
  writeFileSync(doc, `${head}\n\n${section}\n${tail ? `\n${tail}\n` : ''}`);
};

await main();
