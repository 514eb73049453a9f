/**
 * Builds the CDK app: settings from context, one `DiscoveryStack` (or, with `-c stack=member`, one
 * `DiscoveryMemberStack` for a member account), and the cdk-nag AwsSolutions checks (cdk-nag 3 runs
 * as a CDK validation plugin: a violation fails `cdk synth`).
 */
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  readAppSettings,
  readMemberSettings,
  readStackKind,
  StackKind,
  unknownSettingKeys,
} from './app-settings.ts';
import { DiscoveryMemberStack } from './discovery-member-stack.ts';
import { DiscoveryStack } from './discovery-stack.ts';

export type DiscoveryApp = {
  readonly app: App;
  readonly stack: DiscoveryStack | DiscoveryMemberStack;
};

export const createDiscoveryApp = (props?: AppProps): DiscoveryApp => {
  const app = new App(props);
  const context = (key: string) => app.node.tryGetContext(key);
  // No env: the stack is environment-agnostic, so `cdk synth` needs no credentials; `cdk deploy`
  // takes the account and region of the current AWS profile.
  const stack = readStackKind(context) === StackKind.Member ? memberStack(app) : discoveryStack(app);
  for (const key of unknownSettingKeys(Object.keys(app.node.getAllContext()))) {
    Annotations.of(stack).addWarningV2(
      'ecs-cloudmap-discovery:unknown-setting',
      `context '${key}' is not a setting of this app and is ignored (docs/deploy.md lists them)`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

const discoveryStack = (app: App): DiscoveryStack => {
  const settings = readAppSettings((key) => app.node.tryGetContext(key));
  return new DiscoveryStack(app, settings.stackName, {
    description: 'Prometheus http_sd endpoint for ECS and Cloud Map (ecs-cloudmap-prometheus-sd)',
    discovery: settings.discovery,
    vpcEndpointId: settings.vpcEndpointId,
  });
};

const memberStack = (app: App): DiscoveryMemberStack => {
  const settings = readMemberSettings((key) => app.node.tryGetContext(key));
  return new DiscoveryMemberStack(app, settings.stackName, {
    description: 'Read-only role for ecs-cloudmap-prometheus-sd in a member account',
    member: settings.member,
  });
};
