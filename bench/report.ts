/**
 * The benchmark's results and their Markdown: a section per fleet (printed and written to
 * docs/benchmarks.md). The SVG chart of the same numbers is `chart.ts`.
 */
import type { BundleReport } from './bundle.ts';
import type { HitReport, RefreshReport } from './child.ts';
import type { FleetPlan } from './fleets.ts';
import { type CallCounts, type FleetFacts, total } from './formulas.ts';
import { lowerBoundSeconds, RATE_FAMILIES, RATE_LIMITS_NOTE } from './limits.ts';

export type Machine = {
  readonly cpu: string;
  readonly nproc: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly date: string;
};

type Refresh = { readonly report: RefreshReport; readonly calls: CallCounts; readonly throttled: CallCounts };

export type FleetResult = {
  readonly plan: FleetPlan;
  readonly facts: FleetFacts;
  readonly concurrency: number;
  readonly cold: Refresh;
  readonly warm: Refresh;
  readonly minimum: { readonly cold: CallCounts; readonly warm: CallCounts };
  readonly original: { readonly cold: CallCounts; readonly warm: CallCounts };
  readonly hits: HitReport | undefined;
  readonly peakRssMiB: number;
};

/** Goals of issue 6. */
export const GOALS = {
  callsOverMinimum: 1.1,
  wallOverBound: 1.25,
  peakRssMiB10k: 256,
  hitP99Ms: 5,
  bundleBytes: 1024 * 1024,
  importMs: 200,
} as const;

/** Operations whose results are immutable or cached by TTL: a warm refresh must not call them. */
export const CACHED_OPERATIONS = [
  'ecs:DescribeClusters',
  'servicediscovery:ListNamespaces',
  'servicediscovery:GetNamespace',
  'servicediscovery:GetService',
  'servicediscovery:ListTagsForResource',
  'ecs:DescribeContainerInstances',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
] as const;

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits = 2) => n.toFixed(digits);
const kib = (bytes: number) => `${int(bytes / 1024)} KiB`;
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

/** Calls the double answered (throttled attempts excluded): what the core logically asked for. */
export const answered = (refresh: Refresh): CallCounts =>
  Object.fromEntries(
    Object.entries(refresh.calls).map(([op, n]) => [op, n - (refresh.throttled[op] ?? 0)] as const),
  );

export const coldBound = (result: FleetResult, latencyMs: number) =>
  lowerBoundSeconds(answered(result.cold), latencyMs, result.concurrency);

/** Token-bucket bound of the original's calls (unbounded concurrency: latency does not bind). */
export const originalBound = (result: FleetResult) => lowerBoundSeconds(result.original.cold, 0, 1, 1).bucket;

const operations = (result: FleetResult) =>
  [
    ...new Set([
      ...Object.keys(result.cold.calls),
      ...Object.keys(result.minimum.cold),
      ...Object.keys(result.original.cold),
      ...Object.keys(result.warm.calls),
    ]),
  ].sort();

const describeFleet = (r: FleetResult) => {
  const f = r.facts;
  return (
    `${f.clusters} clusters, ${int(f.services)} services (${int(f.selectedServices)} selected by ` +
    `\`scrape=true\`, ${int(f.idleServices)} with 0 tasks), ${int(f.tasks)} tasks ` +
    `(${int(f.selectedTasks)} in selected services); ${f.namespaces} namespaces holding ` +
    `${int(f.cloudMapServices)} Cloud Map services and ${int(f.instances)} instances`
  );
};

export const fleetGoals = (r: FleetResult, latencyMs: number) => {
  const coldAnswered = total(answered(r.cold));
  const minimum = total(r.minimum.cold);
  const bound = coldBound(r, latencyMs);
  const wallS = r.cold.report.wallMs / 1000;
  const cachedReReads = CACHED_OPERATIONS.reduce((n, op) => n + (answered(r.warm)[op] ?? 0), 0);
  return {
    coldAnswered,
    coldAttempts: total(r.cold.calls),
    minimum,
    original: total(r.original.cold),
    callsRatio: coldAnswered / minimum,
    bound,
    wallS,
    wallRatio: wallS / bound.bound,
    throttledCold: total(r.cold.throttled),
    throttledWarm: total(r.warm.throttled),
    cachedReReads,
    warmAnswered: total(answered(r.warm)),
    warmMinimum: total(r.minimum.warm),
  };
};

/** The Markdown section of one fleet. */
export const renderFleet = (r: FleetResult, latencyMs: number): string => {
  const g = fleetGoals(r, latencyMs);
  const coldOk = answered(r.cold);
  const warmOk = answered(r.warm);
  const rows = operations(r).map(
    (op) =>
      `| \`${op}\` | ${int(coldOk[op] ?? 0)} | ${int(r.cold.throttled[op] ?? 0)} | ${int(r.minimum.cold[op] ?? 0)} ` +
      `| ${int(r.original.cold[op] ?? 0)} | ${int(warmOk[op] ?? 0)} | ${int(r.minimum.warm[op] ?? 0)} ` +
      `| ${int(r.original.warm[op] ?? 0)} |`,
  );
  const hit = r.hits;
  const lines = [
    `### Fleet ${r.plan.name}`,
    '',
    `${describeFleet(r)}.`,
    '',
    '| operation | cold calls | throttled (retried) | minimum | original | warm calls | warm minimum | original warm |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    `| **total** | **${int(g.coldAnswered)}** | **${int(g.throttledCold)}** | **${int(g.minimum)}** | ` +
      `**${int(g.original)}** | **${int(g.warmAnswered)}** | **${int(g.warmMinimum)}** | ` +
      `**${int(total(r.original.warm))}** |`,
    '',
    '| measure | value | goal | |',
    '| --- | --- | --- | --- |',
    `| cold calls / minimum | ${fixed(g.callsRatio)}× (${int(g.coldAnswered)} / ${int(g.minimum)}) | ≤ ${GOALS.callsOverMinimum}× | ${verdict(g.callsRatio <= GOALS.callsOverMinimum)} |`,
    `| cold calls / original | ${fixed(g.coldAnswered / g.original)}× (${int(g.coldAnswered)} / ${int(g.original)}) | far under | ${verdict(g.coldAnswered / g.original <= 0.5)} |`,
    `| cold refresh wall time | ${fixed(g.wallS)} s; bound ${fixed(g.bound.bound)} s (buckets ${fixed(g.bound.bucket)} s, latency ${fixed(g.bound.latency)} s) = ${fixed(g.wallRatio)}× | ≤ ${GOALS.wallOverBound}× bound | ${verdict(g.wallRatio <= GOALS.wallOverBound)} |`,
    `| throttling errors met and retried | cold ${int(g.throttledCold)}, warm ${int(g.throttledWarm)} (${int(g.coldAttempts)} cold attempts) | — | |`,
    `| throttling errors reaching the result | ${r.cold.report.ok && r.warm.report.ok ? '0 (both refreshes complete)' : `refresh failed: ${r.cold.report.error ?? r.warm.report.error}`} | 0 | ${verdict(r.cold.report.ok && r.warm.report.ok)} |`,
    `| warm refresh | ${int(g.warmAnswered)} calls (minimum ${int(g.warmMinimum)}), ${fixed(r.warm.report.wallMs / 1000)} s | — | |`,
    `| warm re-reads of immutable / TTL-cached data | ${int(g.cachedReReads)} | 0 | ${verdict(g.cachedReReads === 0)} |`,
    `| peak RSS (child process) | ${int(r.peakRssMiB)} MiB | ${r.plan.name === '10k' ? `≤ ${GOALS.peakRssMiB10k} MiB` : '—'} | ${r.plan.name === '10k' ? verdict(r.peakRssMiB <= GOALS.peakRssMiB10k) : ''} |`,
    `| response (${int(r.cold.report.targetGroups)} target groups) | ${kib(r.cold.report.rawBytes)} raw, ${kib(r.cold.report.gzipBytes)} gzip | — | |`,
  ];
  if (hit) {
    lines.push(
      `| cache hit, ${int(hit.requests)} requests each | app plain p50 ${fixed(hit.plain.p50Ms, 3)} / p99 ${fixed(hit.plain.p99Ms, 3)} ms; app gzip ${fixed(hit.gzip.p50Ms, 3)} / ${fixed(hit.gzip.p99Ms, 3)} ms; Middy handler, Function URL event, gzip ${fixed(hit.handlerGzip.p50Ms, 3)} / ${fixed(hit.handlerGzip.p99Ms, 3)} ms | p99 < ${GOALS.hitP99Ms} ms | ${verdict(Math.max(hit.plain.p99Ms, hit.gzip.p99Ms, hit.handlerGzip.p99Ms) < GOALS.hitP99Ms)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
};

const bundleRows = (b: BundleReport, goals: boolean): string[] => {
  const verdictOf = (ok: boolean) => (goals ? verdict(ok) : 'reference');
  return [
    `| \`lambda/${b.entry}\` → \`index.mjs\` (esbuild, ESM, minified, node22, SDK bundled) | ${kib(b.bytes)} (${kib(b.gzipBytes)} gzip) | < 1 MiB | ${verdictOf(b.bytes < GOALS.bundleBytes)} |`,
    `| its cold \`await import()\` in a fresh \`node\`, ${b.importRuns.length} runs | median ${fixed(b.importMedianMs, 0)} ms, max ${fixed(b.importMaxMs, 0)} ms (${b.importRuns.map((t) => fixed(t, 0)).join(', ')}) | < ${GOALS.importMs} ms | ${verdictOf(b.importMedianMs < GOALS.importMs)} |`,
  ];
};

/** The deployed default (snapshot mode's door) against the goals; the embedded door for reference. */
export const renderBundle = (b: BundleReport, embedded?: BundleReport): string =>
  [
    '## Bundle',
    '',
    '| measure | value | goal | |',
    '| --- | --- | --- | --- |',
    ...bundleRows(b, true),
    ...(embedded === undefined ? [] : bundleRows(embedded, false)),
    '',
  ].join('\n');

export type MarkdownInput = {
  readonly results: readonly FleetResult[];
  readonly bundle: BundleReport;
  /** `lambda/handler.ts` (embedded mode), shown for reference. */
  readonly embeddedBundle?: BundleReport;
  readonly machine: Machine;
  readonly command: string;
  readonly latencyMs: number;
};

const ratesTable = () => [
  '| bucket | operations | burst | per second | source |',
  '| --- | --- | ---: | ---: | --- |',
  ...RATE_FAMILIES.map(
    (f) =>
      `| ${f.name} | ${f.family.map((op) => `\`${op.split(':')[1]}\``).join(', ')} | ${f.burst} | ${f.ratePerSecond} | ${f.source} |`,
  ),
];

const summaryTable = (results: readonly FleetResult[], latencyMs: number) => [
  '| fleet | tasks | cold calls (min / original) | calls / min | cold wall (bound) | wall / bound | throttled | warm calls | peak RSS | body raw / gzip |',
  '| --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  ...results.map((r) => {
    const g = fleetGoals(r, latencyMs);
    return (
      `| ${r.plan.name} | ${int(r.facts.tasks)} | ${int(g.coldAnswered)} (${int(g.minimum)} / ${int(g.original)}) | ` +
      `${fixed(g.callsRatio)}× | ${fixed(g.wallS)} s (${fixed(g.bound.bound)} s) | ${fixed(g.wallRatio)}× | ` +
      `${int(g.throttledCold)} | ${int(g.warmAnswered)} | ${int(r.peakRssMiB)} MiB | ` +
      `${kib(r.cold.report.rawBytes)} / ${kib(r.cold.report.gzipBytes)} |`
    );
  }),
];

/** docs/benchmarks.md. `analysis` is the hand-written interpretation kept in analysis.ts. */
export const renderMarkdown = (input: MarkdownInput, analysis = ''): string =>
  [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/run.ts); edit bench/report.ts or bench/analysis.ts, not this file. -->',
    '',
    `Command: \`${input.command}\`. Machine: ${input.machine.cpu}, \`nproc\` ${input.machine.nproc}, ` +
      `${fixed(input.machine.memoryGiB, 1)} GiB RAM, Node ${input.machine.node}; run ${input.machine.date}.`,
    '',
    'What runs: the discovery core (`createDiscoverDetailed` of `lambda/discover.ts`) with the SDK clients of',
    '`lambda/aws/clients.ts` (adaptive retry, 8 attempts), the default `AwsMaxConcurrency` (8) and its pacer at the default `AwsRateShare` (0.5), against the',
    `AWS API double (\`test/aws-double\`) on loopback, every answer delayed ${input.latencyMs} ms, with one token bucket`,
    "per operation family at AWS's rates (below). Each fleet runs in a child process of its own (clean peak RSS);",
    'the double runs in the parent. Configuration: clusters mode, `EcsClusters` = every cluster,',
    '`EcsServiceSelectorTags=scrape=true`, defaults otherwise (`CacheTopLevelResources=true`).',
    'The *cold* refresh is the first of a fresh process; the *warm* one follows it with the same process',
    '(top-level cache and Cloud Map tags cached for 10 minutes), buckets refilled in between (refreshes are',
    '`CacheTtlSeconds` = 60 s apart). "Calls" are calls the double answered; throttled attempts are counted apart.',
    '',
    '`npm run bench -- --quick` runs the 1k fleet only (a few seconds) and prints its table without writing',
    'this file (CI smoke). `BENCH_LATENCY_MS` overrides the 25 ms per call.',
    '',
    '![calls and wall time against fleet size](bench-scaling.svg)',
    '',
    '## Summary',
    '',
    ...summaryTable(input.results, input.latencyMs),
    '',
    analysis,
    '## Rate limits',
    '',
    ...ratesTable(),
    '',
    ...RATE_LIMITS_NOTE,
    '',
    '## Formulas',
    '',
    'Per fleet, with C clusters, S_c services in cluster c, n_s running tasks of service s, T_c running tasks of',
    'cluster c, U the namespaces the selected services register into, M_u the Cloud Map services of namespace u,',
    'i_m the instances of Cloud Map service m; `pages(n, p) = max(1, ceil(n / p))`:',
    '',
    '| operation | minimum (cold) | minimum (warm) | original |',
    '| --- | --- | --- | --- |',
    '| `ecs:DescribeClusters` | ceil(C / 100) | 0 (10-min cache) | 1 (0 warm: top-level cache) |',
    '| `ecs:ListServices` | Σ_c pages(S_c, 100) | same | Σ_c pages(S_c, 10) (API default page) |',
    '| `ecs:DescribeServices` | Σ_c ceil(S_c / 10) (all: tags select) | same | same |',
    '| `ecs:ListTasks` | Σ_c min-strategy: per service Σ_sel ceil(n_s / 100) (idle skipped), or cluster-wide pages(T_c, 100) | same | Σ_selected pages(n_s, 100) |',
    '| `ecs:DescribeTasks` | per service: ceil(Σ_sel n_s / 100) (batches shared); cluster-wide: ceil(T_c / 100) | same | Σ_selected ceil(n_s / 100) |',
    '| `servicediscovery:ListNamespaces` | pages(namespaces, 100), once | 0 (10-min cache) | — |',
    '| `servicediscovery:GetNamespace` | 0 | 0 | \\|U\\| (0 warm) |',
    '| `servicediscovery:GetService` | one per namespace known only from a `serviceRegistries` ARN (the ARN does not name its namespace) | 0 (immutable: cacheable) | — |',
    '| `servicediscovery:ListServices` | Σ_u pages(M_u, 100) | same | same |',
    '| `servicediscovery:ListTagsForResource` | \\|U\\| + Σ_u M_u (no batch form) | 0 (10-min cache) | Σ_u M_u, every refresh |',
    '| `servicediscovery:DiscoverInstances` | one per Cloud Map service with instances (≤ 1,000 each; empty services skipped) | same | — |',
    '| `servicediscovery:ListInstances` | 0 (only for a full answer of 1,000) | 0 | Σ_m pages(i_m, 100) |',
    '',
    'Per cluster the minimum takes whichever ListTasks strategy needs fewer ListTasks + DescribeTasks calls.',
    'Wall-time bound, for the share s the core paces to: with full buckets, family f needs at least max(0, calls_f − s × burst_f) / (s × rate_f) seconds, the',
    `families drain in parallel, so the slowest bounds the refresh; nor can ${input.latencyMs} ms calls at`,
    '`AwsMaxConcurrency` in flight go faster than ceil(calls / concurrency) × latency. Bound = the larger.',
    '',
    '## Fleets',
    '',
    'Generated by `bench/fleets.ts` with `generateFleetSpec` of the double: tasks per service cycle through',
    '2, 4, 8, 16, 30, 120, 0, 10 (one service in eight idle, one in eight paging ListTasks); half the services',
    'use Service Connect, a quarter Service Discovery, a quarter neither; 15 % are tagged `scrape=false`; each',
    'namespace also holds 10 plain Cloud Map services, one in five without instances.',
    '',
    ...input.results.map((r) => renderFleet(r, input.latencyMs)),
    renderBundle(input.bundle, input.embeddedBundle),
  ].join('\n');
