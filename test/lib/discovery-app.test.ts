import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryApp, type DiscoveryApp } from '../../lib/discovery-app.ts';

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
      'Invalid CDK context:\n- context \'cacheTtlSeconds\': "often" is not valid; expected an integer from 0 to 65535',
    );
  });
});
