/** The CLI door, driven in-process against the AWS API double. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lambda/cli.ts';
import { type AwsDouble, defineFleet, doubleEnv, startAwsDouble } from './aws-double/index.ts';

let double: AwsDouble;
let env: Record<string, string>;

beforeAll(async () => {
  double = await startAwsDouble(
    defineFleet({
      clusters: [
        {
          name: 'prod',
          services: [
            {
              name: 'web',
              tags: { METRICS_PORT: '8080', METRICS_NAME: 'app' },
              tasks: [{ id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ip: '10.0.0.7' }],
            },
          ],
        },
      ],
    }),
  );
  // The SDK reads endpoint, region and credentials from the process environment, as in production.
  Object.assign(process.env, doubleEnv(double), { AWS_MAX_ATTEMPTS: '1' });
  env = { DiscoveryOptions__EcsClusters: 'prod' };
});
afterAll(() => double.close());

const run = async (args: string[], environment: Record<string, string>) => {
  let out = '';
  let err = '';
  const code = await runCli(args, environment, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
};

describe('npm run discover', () => {
  it('prints the http_sd body on stdout and a summary with the AWS calls on stderr', async () => {
    // Act
    const { code, out, err } = await run([], env);

    // Assess
    expect(code).toBe(0);
    const groups = JSON.parse(out) as { targets: string[]; labels: Record<string, string> }[];
    expect(groups.map((g) => [g.targets[0], g.labels.scrape_target_name])).toEqual([
      ['10.0.0.7:8080', 'app'],
    ]);
    expect(err).toMatch(/^1 targets in \d+ ms; AWS calls: ecs:DescribeClusters=1 /);
  });

  it('prints a readable table with --table', async () => {
    // Act
    const { code, out } = await run(['--table'], env);

    // Assess
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^TARGET\s+CLUSTER\s+SERVICE\s+TASK\s+NAME\s+PATH$/);
    expect(lines[1]).toMatch(/^10\.0\.0\.7:8080\s+prod\s+web\s+\S+\s+app\s+\/metrics$/);
  });

  it('exits 1 with the configuration message when the configuration is invalid', async () => {
    // Act
    const { code, out, err } = await run([], { ...env, DiscoveryOptions__CacheTtlSeconds: 'soon' });

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('DiscoveryOptions__CacheTtlSeconds="soon"');
  });

  it('exits 1 naming the AWS error when discovery fails', async () => {
    // Prepare
    const fault = double.inject({
      operation: 'ecs:ListServices',
      error: 'AccessDeniedException',
      times: 'always',
    });

    // Act
    const { code, out, err } = await run([], env);
    fault.remove();

    // Assess
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('discovery failed: AccessDeniedException');
  });

  it('rejects unknown arguments with exit code 2', async () => {
    expect((await run(['--tabel'], env)).code).toBe(2);
  });
});
