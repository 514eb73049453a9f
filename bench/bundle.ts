/**
 * Bundles a serving Lambda door as the CDK does (esbuild, ESM, minified, node22, the createRequire
 * banner, every dependency bundled) and measures the artifact's size and its cold import time in
 * fresh Node processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export type BundleReport = {
  /** The door bundled, under lambda/. */
  readonly entry: BundleEntry;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly importRuns: readonly number[];
  readonly importMedianMs: number;
  readonly importMaxMs: number;
};

/** The esbuild settings of `lib/ecs-cloudmap-discovery.ts` (NodejsFunction bundling). */
export const BUNDLE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * The serving doors the CDK deploys: `snapshot-handler.ts` in snapshot mode (the default, measured
 * with `DiscoveryOptions__SnapshotBucket` set), `handler.ts` in embedded mode.
 */
export const BundleEntry = { Snapshot: 'snapshot-handler.ts', Embedded: 'handler.ts' } as const;
export type BundleEntry = (typeof BundleEntry)[keyof typeof BundleEntry];

export const measureBundle = async (
  runs: number,
  entry: BundleEntry = BundleEntry.Snapshot,
): Promise<BundleReport> => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-bench-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      entryPoints: [new URL(`../lambda/${entry}`, import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: true,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: BUNDLE_BANNER },
      outfile,
      logLevel: 'silent',
    });
    const url = pathToFileURL(outfile).href;
    const script = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDBENCH',
      AWS_SECRET_ACCESS_KEY: 'bench',
      DiscoveryOptions__EcsClusters: 'prod',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...(entry === BundleEntry.Snapshot ? { DiscoveryOptions__SnapshotBucket: 'bench-snapshots' } : {}),
    };
    const importRuns: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).toString();
      importRuns.push(Number(out));
    }
    return {
      entry,
      bytes: statSync(outfile).size,
      gzipBytes: gzipSync(readFileSync(outfile)).length,
      importRuns,
      importMedianMs: median(importRuns),
      importMaxMs: Math.max(...importRuns),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
