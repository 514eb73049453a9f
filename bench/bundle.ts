/**
 * Bundles the Lambda handler as the CDK does (esbuild, ESM, minified, node22, the createRequire
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

export const measureBundle = async (runs: number): Promise<BundleReport> => {
  const dir = mkdtempSync(join(tmpdir(), 'sd-bench-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      entryPoints: [new URL('../lambda/handler.ts', import.meta.url).pathname],
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
