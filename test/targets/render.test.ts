import { describe, expect, it } from 'vitest';
import { renderTargets } from '../../lambda/targets/render.ts';
import type { TargetGroup } from '../../lambda/targets/target-group.ts';

describe('renderTargets', () => {
  it('renders no groups as []', () => {
    // Act
    const body = renderTargets([]);

    // Assess
    expect(body).toBe('[]');
  });

  it('renders compact JSON keeping the label key order and escaping values', () => {
    // Prepare
    const groups: TargetGroup[] = [
      {
        targets: ['10.0.0.1:80'],
        labels: { __metrics_path__: '/m', instance: '10.0.0.1', a: 'x"y' },
      },
      { targets: ['10.0.0.2:81'], labels: { __metrics_path__: '/metrics', instance: '10.0.0.2' } },
    ];

    // Act
    const body = renderTargets(groups);

    // Assess
    expect(body).toBe(
      '[{"targets":["10.0.0.1:80"],"labels":{"__metrics_path__":"/m","instance":"10.0.0.1","a":"x\\"y"}},' +
        '{"targets":["10.0.0.2:81"],"labels":{"__metrics_path__":"/metrics","instance":"10.0.0.2"}}]',
    );
  });

  it('renders a label named __proto__ as an ordinary key', () => {
    // Prepare
    const labels = Object.fromEntries([
      ['__metrics_path__', '/metrics'],
      ['instance', '10.0.0.1'],
      ['__proto__', 'v'],
    ]);

    // Act
    const body = renderTargets([{ targets: ['10.0.0.1:80'], labels }]);

    // Assess
    expect(body).toBe(
      '[{"targets":["10.0.0.1:80"],"labels":{"__metrics_path__":"/metrics","instance":"10.0.0.1","__proto__":"v"}}]',
    );
  });
});
