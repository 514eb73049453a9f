/**
 * Task-definition docker-label conventions (`DockerLabels`), an alternative to tags: one scrape
 * group per container whose definition carries the port label (docs/decisions.md "Portable labels
 * (issue 15)"). Docker labels are untrusted input like tags: they only ever give a port, a path and
 * the validated scheme and job settings; no docker label becomes a label of its own.
 */
import { type DiscoveryConfig, DockerLabelConvention } from '../config/types.ts';
import type { ContainerDefinition, TaskDefinition } from '../model/inventory.ts';
import { DEFAULT_METRICS_PATH } from './labels.ts';
import { type BadPort, parsePort, type ScrapeGroup } from './scrape-groups.ts';
import { type RawSettings, SettingKind } from './scrape-settings.ts';

/** The docker label names a convention reads; `undefined`: the convention has no such label. */
export type DockerLabelNames = {
  readonly port: string;
  readonly path?: string;
  readonly scheme?: string;
  readonly job?: string;
};

/**
 * teralytics/prometheus-ecs-discovery's defaults, and the CloudWatch agent's / OpenTelemetry
 * `ecs_observer` documented names (the agent's job label default is `job`, its examples use
 * `ECS_PROMETHEUS_JOB_NAME`; `DockerLabelJob=job` gives the former). ecs_observer has no scheme label.
 */
export const CONVENTION_LABELS: Readonly<Record<Exclude<DockerLabelConvention, 'none'>, DockerLabelNames>> = {
  [DockerLabelConvention.Teralytics]: {
    port: 'PROMETHEUS_EXPORTER_PORT',
    path: 'PROMETHEUS_EXPORTER_PATH',
    scheme: 'PROMETHEUS_EXPORTER_SCHEME',
    job: 'PROMETHEUS_EXPORTER_JOB_NAME',
  },
  [DockerLabelConvention.EcsObserver]: {
    port: 'ECS_PROMETHEUS_EXPORTER_PORT',
    path: 'ECS_PROMETHEUS_METRICS_PATH',
    job: 'ECS_PROMETHEUS_JOB_NAME',
  },
};

/** The label names in effect: the convention's, each replaced by its `DockerLabel*` override. */
export const dockerLabelNames = (config: DiscoveryConfig): DockerLabelNames | undefined => {
  if (config.dockerLabels === DockerLabelConvention.None) return undefined;
  const base = CONVENTION_LABELS[config.dockerLabels];
  const path = config.dockerLabelPath ?? base.path;
  const scheme = config.dockerLabelScheme ?? base.scheme;
  const job = config.dockerLabelJob ?? base.job;
  return {
    port: config.dockerLabelPort ?? base.port,
    ...(path === undefined ? {} : { path }),
    ...(scheme === undefined ? {} : { scheme }),
    ...(job === undefined ? {} : { job }),
  };
};

/** A docker-label group before its settings are validated. */
export type DockerGroup = { readonly group: ScrapeGroup; readonly settings: RawSettings };

const labelOf = (container: ContainerDefinition, name: string | undefined) =>
  name === undefined ? undefined : container.dockerLabels.find((label) => label.key === name);

/**
 * One group per container carrying the port label, in container-definition order, keyed
 * `_<container name>`. A non-blank port label that is not a decimal 1..65535 is a bad port. The
 * group's port is the container port, like a tag's: the target builder maps it to the host port of
 * a bridge/host task through the task's `networkBindings` (`address.ts`), so dynamic host ports work.
 */
export const dockerLabelGroups = (
  definition: TaskDefinition | undefined,
  names: DockerLabelNames | undefined,
): {
  readonly groups: readonly DockerGroup[];
  readonly badPorts: readonly BadPort[];
} => {
  const groups: DockerGroup[] = [];
  const badPorts: BadPort[] = [];
  if (definition === undefined || names === undefined) return { groups, badPorts };
  for (const container of definition.containers) {
    const portLabel = labelOf(container, names.port);
    if (portLabel === undefined || portLabel.value.trim() === '') continue;
    const containerPort = parsePort(portLabel.value);
    if (containerPort === undefined) {
      badPorts.push({ tag: `${container.name}/${portLabel.key}`, value: portLabel.value });
      continue;
    }
    const path = labelOf(container, names.path)?.value ?? '';
    const settings: RawSettings = Object.fromEntries(
      (
        [
          [SettingKind.Scheme, labelOf(container, names.scheme)],
          [SettingKind.Job, labelOf(container, names.job)],
        ] as const
      ).flatMap(([kind, label]) =>
        label === undefined ? [] : [[kind, { source: `${container.name}/${label.key}`, value: label.value }]],
      ),
    );
    groups.push({
      group: {
        key: `_${container.name}`,
        port: containerPort,
        path: path.trim() === '' ? DEFAULT_METRICS_PATH : path,
        name: '',
        source: `${container.name}/${portLabel.key}`,
      },
      settings,
    });
  }
  return { groups, badPorts };
};
