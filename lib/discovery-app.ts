/**
 * Builds the CDK app: settings from context, one `DiscoveryStack`, and the cdk-nag AwsSolutions
 * checks (cdk-nag 3 runs as a CDK validation plugin: a violation fails `cdk synth`).
 */
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppSettings, unknownSettingKeys } from './app-settings.ts';
import { DiscoveryStack } from './discovery-stack.ts';

export type DiscoveryApp = {
  readonly app: App;
  readonly stack: DiscoveryStack;
};

export const createDiscoveryApp = (props?: AppProps): DiscoveryApp => {
  const app = new App(props);
  const settings = readAppSettings((key) => app.node.tryGetContext(key));
  // No env: the stack is environment-agnostic, so `cdk synth` needs no credentials; `cdk deploy`
  // takes the account and region of the current AWS profile.
  const stack = new DiscoveryStack(app, settings.stackName, {
    description: 'Prometheus http_sd endpoint for ECS and Cloud Map (ecs-cloudmap-prometheus-sd)',
    discovery: settings.discovery,
  });
  for (const key of unknownSettingKeys(Object.keys(app.node.getAllContext()))) {
    Annotations.of(stack).addWarningV2(
      'ecs-cloudmap-discovery:unknown-setting',
      `context '${key}' is not a setting of this app and is ignored (docs/deploy.md lists them)`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
