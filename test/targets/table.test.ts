import { describe, expect, it } from 'vitest';
import { buildTargets } from '../../lambda/targets/build.ts';
import { formatTable } from '../../lambda/targets/table.ts';
import { config, workedExample } from './fixtures.ts';

describe('formatTable', () => {
  it('renders one aligned row per target group of the worked example', () => {
    // Prepare
    const { groups } = buildTargets(workedExample(), config());

    // Act
    const table = formatTable(groups);

    // Assess
    expect(table).toBe(
      [
        'TARGET         CLUSTER  SERVICE  TASK                              NAME          PATH',
        '10.0.0.5:8080  c1       web      0123456789abcdef0123456789abcdef                /metrics',
        '10.0.0.5:9779  c1       web      0123456789abcdef0123456789abcdef  ecs-exporter  /metrics',
        '',
      ].join('\n'),
    );
  });

  it('falls back to the _sys_ copy when __meta_ labels were blanked by relabelling', () => {
    // Prepare
    const labels = {
      __metrics_path__: '/m',
      instance: '10.0.0.9',
      _sys_ecs_cluster: 'c9',
      _sys_ecs_task: 'arn:x:task/c9/t9',
    };

    // Act
    const table = formatTable([{ targets: ['10.0.0.9:1'], labels }]);

    // Assess
    expect(table).toBe(
      'TARGET      CLUSTER  SERVICE  TASK  NAME  PATH\n10.0.0.9:1  c9                t9          /m\n',
    );
  });

  it('renders only the header for no groups', () => {
    // Act
    const table = formatTable([]);

    // Assess
    expect(table).toBe('TARGET  CLUSTER  SERVICE  TASK  NAME  PATH\n');
  });
});
