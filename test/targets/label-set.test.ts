import { describe, expect, it } from 'vitest';
import { addLabels, findLabel, type Label, LabelPriority } from '../../lambda/targets/label-set.ts';

const label = (name: string, value: string, priority: Label['priority']): Label => ({
  name,
  value,
  priority,
});

describe('addLabels', () => {
  it.each([
    {
      case: 'a better (lower) priority already present is kept',
      added: [
        label('team', 'task', LabelPriority.TaskTag),
        label('team', 'service', LabelPriority.ServiceTag),
      ],
      expected: [label('team', 'task', LabelPriority.TaskTag)],
    },
    {
      case: 'a better priority added later replaces and takes its spelling',
      added: [label('TEAM', 'extra', LabelPriority.ExtraLabel), label('team', 'task', LabelPriority.TaskTag)],
      expected: [label('team', 'task', LabelPriority.TaskTag)],
    },
    {
      case: 'equal priority: the later label wins, ignoring case',
      added: [label('team', 'x', LabelPriority.TaskTag), label('Team', 'y', LabelPriority.TaskTag)],
      expected: [label('Team', 'y', LabelPriority.TaskTag)],
    },
    {
      case: 'a replaced label moves to the end of the list',
      added: [
        label('a', '1', LabelPriority.ExtraLabel),
        label('b', '2', LabelPriority.ExtraLabel),
        label('A', '3', LabelPriority.TaskTag),
      ],
      expected: [label('b', '2', LabelPriority.ExtraLabel), label('A', '3', LabelPriority.TaskTag)],
    },
    {
      case: 'empty values are kept at this stage',
      added: [label('team', '', LabelPriority.TaskTag), label('team', 'a', LabelPriority.ServiceTag)],
      expected: [label('team', '', LabelPriority.TaskTag)],
    },
  ])('$case', ({ added, expected }) => {
    // Act
    const labels = addLabels([], added);

    // Assess
    expect(labels).toEqual(expected);
  });
});

describe('findLabel', () => {
  it('finds a label ignoring case and reports a missing one as undefined', () => {
    // Prepare
    const labels = addLabels([], [label('_sys_ecs_cluster', 'c1', LabelPriority.System)]);

    // Act
    const found = findLabel(labels, '_SYS_ECS_Cluster');
    const missing = findLabel(labels, 'team');

    // Assess
    expect(found).toEqual(label('_sys_ecs_cluster', 'c1', LabelPriority.System));
    expect(missing).toBeUndefined();
  });
});
