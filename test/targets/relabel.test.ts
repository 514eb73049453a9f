import { describe, expect, it } from 'vitest';
import { addLabels, type Label, LabelPriority } from '../../lambda/targets/label-set.ts';
import { applyRelabelConfigurations, removeTemporaryLabels } from '../../lambda/targets/relabel.ts';
import { kv } from './fixtures.ts';

const BASE: readonly Label[] = addLabels(
  [],
  [
    { name: 'team', value: 'b', priority: LabelPriority.TaskTag },
    { name: '_sys_ecs_cluster', value: 'c1', priority: LabelPriority.System },
    { name: '_sys_ecs_service', value: 'web', priority: LabelPriority.System },
    { name: '_sys_cloudmap_service_name', value: '', priority: LabelPriority.System },
  ],
);

const relabelled = (configs: Parameters<typeof applyRelabelConfigurations>[1]): Record<string, string> =>
  Object.fromEntries(
    removeTemporaryLabels(applyRelabelConfigurations(BASE, configs)).map((label) => [
      label.name,
      label.value,
    ]),
  );

describe('applyRelabelConfigurations then removeTemporaryLabels', () => {
  it.each([
    {
      case: 'tokens are substituted',
      configs: [kv('cs', '{{_sys_ecs_cluster}}-{{_sys_ecs_service}}')],
      expected: { cs: 'c1-web' },
    },
    {
      case: 'mixed-case tokens match and are substituted',
      configs: [kv('cs', '{{_SYS_ECS_Cluster}}/{{TEAM}}/{{team}}')],
      expected: { cs: 'c1/b/b' },
    },
    {
      case: 'a missing token skips the whole configuration',
      configs: [kv('x', '{{missing}}'), kv('team', '{{team}}-{{missing}}')],
      expected: {},
    },
    {
      case: 'an empty system label exists and substitutes empty',
      configs: [kv('x', '[{{_sys_cloudmap_service_name}}]')],
      expected: { x: '[]' },
    },
    {
      case: 'a static value creates any label (a fix of the original)',
      configs: [kv('x', 'static')],
      expected: { x: 'static' },
    },
    {
      case: 'the documented a=1;a={{a}}-2 gives a=1-2',
      configs: [kv('a', '1'), kv('a', '{{a}}-2')],
      expected: { a: '1-2' },
    },
    {
      case: 'a static _tmp label feeds a later configuration and is removed',
      configs: [kv('_tmp', 'p'), kv('team', '{{_tmp}}_{{team}}')],
      expected: { team: 'p_b' },
    },
    {
      case: 'a token-built _tmp label is removed too, whatever its case',
      configs: [kv('_TMPx', '{{team}}!'), kv('y', '{{_tmpX}}')],
      expected: { y: 'b!' },
    },
    {
      case: 'a blank or absent pattern is ignored',
      configs: [kv('team', ' '), kv('team', null)],
      expected: {},
    },
    {
      case: 'dollar signs in values and patterns stay literal',
      configs: [kv('_tmp', '$&$1'), kv('d', '{{_tmp}}$$')],
      expected: { d: '$&$1$$' },
    },
  ])('$case', ({ configs, expected }) => {
    // Act
    const labels = relabelled(configs);

    // Assess
    expect(labels).toEqual({
      team: 'b',
      _sys_ecs_cluster: 'c1',
      _sys_ecs_service: 'web',
      _sys_cloudmap_service_name: '',
      ...expected,
    });
  });

  it('a result overwrites a system label, ignoring case, and takes the new spelling', () => {
    // Act
    const labels = relabelled([
      kv('_SYS_ECS_CLUSTER', 'prod-{{_sys_ecs_cluster}}'),
      kv('team', '{{_sys_ecs_cluster}}'),
    ]);

    // Assess
    expect(labels).toEqual({
      team: 'prod-c1',
      _sys_ecs_service: 'web',
      _sys_cloudmap_service_name: '',
      _SYS_ECS_CLUSTER: 'prod-c1',
    });
  });
});

describe('removeTemporaryLabels', () => {
  it('removes tags whose name starts with _tmp in any case and keeps the rest', () => {
    // Prepare
    const labels = addLabels(
      [],
      ['_tmp', '_TmpX', 'tmp', 'x_tmp', '__tmp'].map((name) => ({
        name,
        value: 'v',
        priority: LabelPriority.TaskTag,
      })),
    );

    // Act
    const kept = removeTemporaryLabels(labels).map((label) => label.name);

    // Assess
    expect(kept).toEqual(['tmp', 'x_tmp', '__tmp']);
  });
});
