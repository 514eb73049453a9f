/**
 * `npx tsx bench/globs.ts` (also part of `npm run bench`): the tag-key glob matcher on the
 * pathological glob of issue 10, which a backtracking regular expression took over 30 s to reject.
 * Prints one markdown section; the goal is under 1 ms per key.
 */
import { pathToFileURL } from 'node:url';
import { compileGlobs } from '../lambda/config/globs.ts';

/** Heading of the section in docs/benchmarks.md. */
export const GLOB_SECTION_HEADING = '## Tag-key globs: the pathological case';

type GlobCase = { readonly variable: string; readonly glob: string; readonly key: string };

const CASES: readonly GlobCase[] = [
  { variable: 'DiscoveryOptions__EcsTaskTags', glob: '*k*k*k*k*k*k*x', key: 'k'.repeat(120) },
  { variable: 'DiscoveryOptions__EcsTaskTags', glob: `${'*k'.repeat(30)}*x`, key: 'k'.repeat(256) },
];
const RUNS = 200;
const WARM_UP_RUNS = 20;
const BATCH = 50;

/**
 * Median and 99th-percentile wall time of matching `key` once, in milliseconds, over `RUNS` runs of
 * `BATCH` matches each (a batch averages out timer resolution and a stray scheduler pause).
 */
const time = ({ glob, key }: GlobCase): { median: number; p99: number; matched: boolean } => {
  const matches = compileGlobs([glob]);
  const samples: number[] = [];
  let matched = false;
  // Warm-up runs (not timed): the first calls measure the JIT compiler, not the matcher.
  for (let run = 0; run < WARM_UP_RUNS; run += 1) matches(key);
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    for (let match = 0; match < BATCH; match += 1) matched = matches(key);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6 / BATCH);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(RUNS / 2)]!, p99: samples[Math.floor(RUNS * 0.99)]!, matched };
};

/** The section as markdown: one row per case. */
export const renderGlobSection = (): string => {
  const rows = CASES.map((entry) => {
    const { median, p99, matched } = time(entry);
    const key = `\`${entry.key[0]}…\` (${entry.key.length} chars)`;
    return `| \`${entry.variable}='${entry.glob}'\` | ${key} | ${matched} | ${median.toFixed(4)} | ${p99.toFixed(4)} | < 1 |`;
  });
  return [
    GLOB_SECTION_HEADING,
    '',
    `Two-pointer matcher (lambda/config/globs.ts), ${RUNS} timed runs of ${BATCH} matches after ${WARM_UP_RUNS} warm-up runs, node ${process.version}.`,
    'The regular expression it replaced took over 30 s for the first row (issue 10).',
    '',
    '| glob | tag key | matches | median ms per match | p99 ms per match | goal ms |',
    '| --- | --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(renderGlobSection());
