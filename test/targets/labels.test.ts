import { describe, expect, it } from 'vitest';
import { FixedLabel, MetaLabel, SystemLabel } from '../../lambda/targets/labels.ts';

describe('the label contract', () => {
  it('derives the seven system and metadata label names from their prefixes', () => {
    // Act
    const names = [...Object.values(SystemLabel), ...Object.values(MetaLabel)];

    // Assess
    expect(names).toEqual([
      '_sys_ecs_cluster',
      '_sys_ecs_service',
      '_sys_ecs_task',
      '_sys_ecs_task_definition',
      '_sys_cloudmap_service_name',
      '_sys_cloudmap_service_instance_id',
      '_sys_cloudmap_service_type',
      '__meta_ecs_cluster',
      '__meta_ecs_service',
      '__meta_ecs_task',
      '__meta_ecs_task_definition',
      '__meta_cloudmap_service_name',
      '__meta_cloudmap_service_instance_id',
      '__meta_cloudmap_service_type',
    ]);
  });

  it('names the fixed labels and freezes the derived ones', () => {
    // Assess
    expect(Object.values(FixedLabel)).toEqual(['__metrics_path__', 'instance', 'scrape_target_name']);
    expect(Object.isFrozen(SystemLabel) && Object.isFrozen(MetaLabel)).toBe(true);
  });
});
