/**
 * Renders the benchmark's results: a Markdown section per fleet (printed and written to
 * docs/benchmarks.md) and a hand-written SVG chart of calls and wall time against fleet size.
 */
import type { BundleReport } from './bundle.ts';
import type { HitReport, RefreshReport } from './child.ts';
import type { FleetPlan } from './fleets.ts';
import { type CallCounts, type FleetFacts, total } from './formulas.ts';
import { lowerBoundSeconds, RATE_FAMILIES } from './limits.ts';

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
] as const;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2) => n.toFixed(digits);
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
export const originalBound = (result: FleetResult) => lowerBoundSeconds(result.original.cold, 0, 1).bucket;

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

export const renderBundle = (b: BundleReport): string =>
  [
    '## Bundle',
    '',
    '| measure | value | goal | |',
    '| --- | --- | --- | --- |',
    `| \`index.mjs\` (esbuild, ESM, minified, node22, SDK bundled) | ${kib(b.bytes)} (${kib(b.gzipBytes)} gzip) | < 1 MiB | ${verdict(b.bytes < GOALS.bundleBytes)} |`,
    `| cold \`await import()\` in a fresh \`node\`, ${b.importRuns.length} runs | median ${fixed(b.importMedianMs, 0)} ms, max ${fixed(b.importMaxMs, 0)} ms (${b.importRuns.map((t) => fixed(t, 0)).join(', ')}) | < ${GOALS.importMs} ms | ${verdict(b.importMedianMs < GOALS.importMs)} |`,
    '',
  ].join('\n');

export type MarkdownInput = {
  readonly results: readonly FleetResult[];
  readonly bundle: BundleReport;
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
    '`lambda/aws/clients.ts` (adaptive retry, 8 attempts) and the default `AwsMaxConcurrency` (8), against the',
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
    'ECS: the [request throttling page](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html)',
    'documents a token bucket per action group, per account and Region (burst = bucket size, sustained = refill',
    'rate). The stored copy consulted offline for this benchmark showed its worked example (cluster read actions',
    'such as `DescribeClusters`: a 50-token bucket) but not the table rows, so **the other numbers are',
    'assumptions**: 20 per second for cluster reads, and 100 burst / 20 per second for the service read and task',
    'read groups (the values that page listed when last checked; re-check them there). These buckets are shared',
    'with every other caller in the account, so the real headroom is smaller.',
    'Cloud Map: the [throttling page](https://docs.aws.amazon.com/cloud-map/latest/dg/throttling.html) and the',
    '[endpoints and quotas page](https://docs.aws.amazon.com/general/latest/gr/cloud_map.html) publish a bucket',
    'only for `DiscoverInstances` (2,000 burst, 1,000 per second), which discovery does not call. **Assumption:**',
    "every other Cloud Map action has its own bucket of 100 burst / 20 per second, as conservative as ECS's read",
    'groups.',
    '',
    '## Formulas',
    '',
    'Per fleet, with C clusters, S_c services in cluster c, n_s running tasks of service s, T_c running tasks of',
    'cluster c, U the namespaces the selected services register into, M_u the Cloud Map services of namespace u,',
    'i_m the instances of Cloud Map service m; `pages(n, p) = max(1, ceil(n / p))`:',
    '',
    '| operation | minimum (cold) | minimum (warm) | original (§4.2, §4.3, §4.7) |',
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
    '| `servicediscovery:ListInstances` | Σ_m ceil(i_m / 100) (empty services skipped) | same | Σ_m pages(i_m, 100) |',
    '',
    'Per cluster the minimum takes whichever ListTasks strategy needs fewer ListTasks + DescribeTasks calls.',
    'Wall-time bound: with full buckets, family f needs at least max(0, calls_f − burst_f) / rate_f seconds, the',
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
    renderBundle(input.bundle),
  ].join('\n');

// ---------------------------------------------------------------- SVG

type Series = {
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
  readonly values: readonly number[];
};

const niceMax = (value: number) => {
  const power = 10 ** Math.floor(Math.log10(Math.max(value, 1e-9)));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
};

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const panel = (
  x0: number,
  title: string,
  unit: string,
  xs: readonly number[],
  series: readonly Series[],
): string => {
  const width = 400;
  const height = 260;
  const left = x0 + 60;
  const top = 50;
  const plotW = width - 80;
  const plotH = height - 90;
  const xMax = niceMax(Math.max(...xs));
  const yMax = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const px = (x: number) => left + (x / xMax) * plotW;
  const py = (y: number) => top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<text x="${x0 + width / 2}" y="24" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = (yMax / 4) * i;
    parts.push(
      `<line x1="${left}" y1="${py(y)}" x2="${left + plotW}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${int(y)}</text>`,
    );
  }
  for (const x of xs) {
    parts.push(
      `<text x="${fixed(px(x), 1)}" y="${top + plotH + 18}" text-anchor="middle">${int(x / 1000)}k</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">tasks in the fleet</text>`,
    `<text x="${x0 + 14}" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${x0 + 14} ${top + plotH / 2})">${escapeXml(unit)}</text>`,
  );
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${fixed(px(xs[j] ?? 0), 1)},${fixed(py(v), 1)}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      ...s.values.map(
        (v, j) =>
          `<circle cx="${fixed(px(xs[j] ?? 0), 1)}" cy="${fixed(py(v), 1)}" r="3" fill="${s.color}"/>`,
      ),
      `<line x1="${left + 10}" y1="${top + 8 + i * 16}" x2="${left + 30}" y2="${top + 8 + i * 16}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${left + 36}" y="${top + 12 + i * 16}">${escapeXml(s.label)}</text>`,
    );
  });
  return parts.join('\n');
};

/** docs/bench-scaling.svg: AWS calls and cold wall time against tasks, ours against the original's formula. */
export const renderSvg = (results: readonly FleetResult[], latencyMs: number): string => {
  const xs = results.map((r) => r.facts.tasks);
  const calls = panel(0, 'AWS calls per cold refresh', 'calls', xs, [
    {
      label: 'original (§4.7 formula)',
      color: '#c0392b',
      values: results.map((r) => total(r.original.cold)),
    },
    { label: 'ours, cold (measured)', color: '#2471a3', values: results.map((r) => total(answered(r.cold))) },
    {
      label: 'ours, warm (measured)',
      color: '#7fb3d5',
      dash: '2 3',
      values: results.map((r) => total(answered(r.warm))),
    },
    {
      label: 'minimum (formula)',
      color: '#27ae60',
      dash: '5 4',
      values: results.map((r) => total(r.minimum.cold)),
    },
  ]);
  const wall = panel(420, 'Cold refresh wall time', 'seconds', xs, [
    { label: 'original (bucket bound of its calls)', color: '#c0392b', values: results.map(originalBound) },
    {
      label: 'ours, cold (measured)',
      color: '#2471a3',
      values: results.map((r) => r.cold.report.wallMs / 1000),
    },
    {
      label: 'ours, warm (measured)',
      color: '#7fb3d5',
      dash: '2 3',
      values: results.map((r) => r.warm.report.wallMs / 1000),
    },
    {
      label: 'lower bound of our calls',
      color: '#27ae60',
      dash: '5 4',
      values: results.map((r) => coldBound(r, latencyMs).bound),
    },
  ]);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="840" height="270" viewBox="0 0 840 270" font-family="sans-serif" font-size="11">',
    '<rect width="840" height="270" fill="#fff"/>',
    calls,
    wall,
    '</svg>',
    '',
  ].join('\n');
};
