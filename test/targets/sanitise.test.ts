import { describe, expect, it } from 'vitest';
import { sanitiseLabelName } from '../../lambda/targets/sanitise.ts';

describe('sanitiseLabelName', () => {
  it.each([
    ['team', 'team'],
    ['aws:ecs:serviceName', 'aws_ecs_serviceName'],
    ['aws:cloudformation:stack-name', 'aws_cloudformation_stack_name'],
    ['app.kubernetes.io/name', 'app_kubernetes_io_name'],
    ['Owner Name', 'Owner_Name'],
    ['9lives', '_9lives'],
    ['é', '_'],
    ['café', 'caf_'],
    ['🚀x', '_x'],
    ['_sys_ecs_cluster', '_sys_ecs_cluster'],
    ['__meta_x', '__meta_x'],
    ['-a', '_a'],
    ['', ''],
  ])('turns %j into %j', (name, expected) => {
    // Act
    const sanitised = sanitiseLabelName(name);

    // Assess
    expect(sanitised).toBe(expected);
  });

  it('always returns a Prometheus-valid name for non-empty input', () => {
    // Prepare
    const names = ['a', '0', ' ', 'ü', '\u0000', 'x\ny', '𝔘nicode', '$1', '..'];

    // Act
    const sanitised = names.map(sanitiseLabelName);

    // Assess
    for (const name of sanitised) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
  });
});
