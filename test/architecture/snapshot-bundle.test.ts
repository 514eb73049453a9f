/**
 * The snapshot-mode serving door bundles no discovery code and no ECS, Cloud Map, EC2 or STS
 * client (docs/decisions.md, "Snapshot-only serving bundle (issue 10)"), bundled as the CDK does.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BANNER } from '../../bench/bundle.ts';

const inputsOf = async (entry: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [new URL(`../../lambda/${entry}`, import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: BUNDLE_BANNER },
    write: false,
    outdir: 'out',
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
};

const DISCOVERY_ONLY = [
  'node_modules/@aws-sdk/client-ecs/',
  'node_modules/@aws-sdk/client-servicediscovery/',
  'node_modules/@aws-sdk/client-ec2/',
  'node_modules/@aws-sdk/client-sts/',
  'lambda/discover.ts',
  'lambda/inventory/',
  'lambda/targets/build.ts',
];

describe('the snapshot-mode serving bundle', () => {
  it('holds none of the discovery code or its clients, which handler.ts holds', async () => {
    // Act
    const [snapshot, full] = await Promise.all([inputsOf('snapshot-handler.ts'), inputsOf('handler.ts')]);

    // Assess
    const present = (inputs: string[]) =>
      DISCOVERY_ONLY.filter((part) => inputs.some((input) => input.includes(part)));
    expect(present(snapshot)).toEqual([]);
    expect(present(full)).toEqual(DISCOVERY_ONLY.filter((part) => !part.includes('client-sts')));
    expect(snapshot.some((input) => input.includes('node_modules/@aws-sdk/client-s3/'))).toBe(true);
  }, 60_000);
});
