/**
 * What every function of the app shares: the project root the entries live under and the esbuild
 * settings (docs/deploy.md, "Bundle"), so the serving function and the refresher are built alike.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');

/** Path of a Lambda entry under `lambda/`. */
export const lambdaEntry = (file: string): string => join(PROJECT_ROOT, 'lambda', file);

export const BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // CommonJS dependencies call require() for Node built-ins; ESM has no require.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // Bundled, not taken from the runtime: measured smaller cold start and a pinned SDK version
  // (docs/deploy.md, "Bundle").
  externalModules: [],
};

/** The acknowledgement of cdk-nag's "latest runtime" rule, for every function of the app. */
export const RUNTIME_PINNED_REASON =
  'Node.js 22 is pinned on purpose: the bundle is built and tested for node22, and a runtime change is a deliberate release.';
