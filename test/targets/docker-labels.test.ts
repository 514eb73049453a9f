/** Docker-label conventions, pure parts (docs/decisions.md "Portable labels (issue 15)"). */
import { describe, expect, it } from 'vitest';
import { dockerLabelGroups, dockerLabelNames } from '../../lambda/targets/docker-labels.ts';
import { config } from './fixtures.ts';

describe('dockerLabelNames', () => {
  it.each([
    { overrides: { dockerLabels: 'none' as const }, expected: undefined },
    {
      overrides: { dockerLabels: 'teralytics' as const },
      expected: {
        port: 'PROMETHEUS_EXPORTER_PORT',
        path: 'PROMETHEUS_EXPORTER_PATH',
        scheme: 'PROMETHEUS_EXPORTER_SCHEME',
        job: 'PROMETHEUS_EXPORTER_JOB_NAME',
      },
    },
    {
      overrides: { dockerLabels: 'ecs-observer' as const, dockerLabelJob: 'job' },
      expected: { port: 'ECS_PROMETHEUS_EXPORTER_PORT', path: 'ECS_PROMETHEUS_METRICS_PATH', job: 'job' },
    },
  ])('$overrides gives $expected', ({ overrides, expected }) => {
    // Act
    const names = dockerLabelNames(config(overrides));

    // Assess
    expect(names).toEqual(expected);
  });
});

describe('dockerLabelGroups', () => {
  it('makes one group per labelled container at its container port and reports bad ports', () => {
    // Prepare
    const definition = {
      arn: 'td',
      networkMode: 'bridge',
      containers: [
        {
          name: 'a',
          dockerLabels: [{ key: 'P', value: '9100' }],
          portMappings: [{ containerPort: 9100, hostPort: 9100 }],
        },
        { name: 'b', dockerLabels: [{ key: 'P', value: '08080' }], portMappings: [] },
        { name: 'c', dockerLabels: [{ key: 'P', value: '8080' }], portMappings: [{ containerPort: 8080 }] },
        { name: 'd', dockerLabels: [{ key: 'Q', value: '1' }], portMappings: [] },
      ],
    };

    // Act
    const result = dockerLabelGroups(definition, { port: 'P', job: 'J' });

    // Assess
    expect(result).toEqual({
      groups: [
        { group: { key: '_a', port: 9100, path: '/metrics', name: '', source: 'a/P' }, settings: {} },
        { group: { key: '_c', port: 8080, path: '/metrics', name: '', source: 'c/P' }, settings: {} },
      ],
      badPorts: [{ tag: 'b/P', value: '08080' }],
    });
  });
});
