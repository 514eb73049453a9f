import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryApp, type DiscoveryApp } from '../../lib/discovery-app.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the CDK app', () => {
  let built: DiscoveryApp;
  let template: Template;
  beforeAll(() => {
    built = createDiscoveryApp({
      context: { ecsClusters: 'prod;staging', extraPrometheusLabels: 'env=prod', ecsCluster: 'typo' },
    });
    template = Template.fromStack(built.stack);
  });

  it('names the stack from context and reads -c style settings into the function environment', () => {
    // Assess
    expect(built.stack.stackName).toBe('EcsCloudMapPrometheusSd');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DiscoveryOptions__EcsClusters: 'prod;staging',
          DiscoveryOptions__ExtraPrometheusLabels: 'env=prod',
        }),
      },
    });
  });

  it('outputs the targets URL, the secret ARN, the token command and a Prometheus scrape config', () => {
    // Assess
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'BearerTokenSecretArn',
      'DiscoveryRoleArn',
      'FetchTokenCommand',
      'PrometheusScrapeConfig',
      'TargetsUrl',
    ]);
    const snippet = JSON.stringify(template.findOutputs('PrometheusScrapeConfig'));
    expect(snippet).toContain('type: Bearer');
    expect(snippet).toContain('credentials_file: /etc/prometheus/ecs-sd-token');
  });

  it('warns about a context key that is not a setting', () => {
    // Assess
    Annotations.fromStack(built.stack).hasWarning(
      '/EcsCloudMapPrometheusSd',
      Match.stringLikeRegexp("context 'ecsCluster' is not a setting of this app"),
    );
  });

  it('synthesizes the whole app with the cdk-nag plugin passing', () => {
    // Act
    const assembly = built.app.synth();

    // Assess
    expect(assembly.getStackByName('EcsCloudMapPrometheusSd').template.Resources).toBeDefined();
  });
});

describe('the CDK app, failure paths', () => {
  it('fails synth when cdk-nag finds an unacknowledged violation', () => {
    // Prepare
    const { app, stack } = createDiscoveryApp({
      context: { ecsClusters: 'prod', accessMode: 'function-url-iam' },
    });
    new Secret(stack, 'Unrotated');

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-SMG4/);
  });

  it('fails with a message naming each invalid setting', () => {
    // Act
    const create = () => createDiscoveryApp({ context: { ecsClusters: 'prod', cacheTtlSeconds: 'often' } });

    // Assess
    expect(create).toThrow(
      'Invalid CDK context: context \'cacheTtlSeconds\': DiscoveryOptions__CacheTtlSeconds="often" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    );
  });

  it.each([
    [
      { ecsClusters: 'prod', cacheTtlSeconds: 'often' },
      'Invalid CDK context: context \'cacheTtlSeconds\': DiscoveryOptions__CacheTtlSeconds="often" is invalid: expected an integer from 0 to 65535 (seconds; 0 = no cache)',
    ],
    [
      { ecsClusters: 'prod', accessMode: 'http-api-token', timeoutSeconds: 60 },
      'Invalid EcsCloudMapDiscovery props:\n- timeout: 60 s exceeds the HTTP API integration limit of 30 s',
    ],
  ])('bin/app.ts prints %j as its message alone, no stack trace, and exits 1', async (context, message) => {
    // Prepare
    const outdir = await mkdtemp(join(tmpdir(), 'cdk-out-'));

    // Act
    const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
        cwd: ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.once('exit', (code) => done({ code, stderr }));
    });
    await rm(outdir, { recursive: true, force: true });

    // Assess
    expect(run).toEqual({ code: 1, stderr: `${message}\n` });
  });
});
