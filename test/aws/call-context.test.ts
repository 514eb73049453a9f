import { describe, expect, it } from 'vitest';
import { createCallContext, type Sender } from '../../lambda/aws/call-context.ts';
import type { Pacer } from '../../lambda/aws/pacer.ts';

const failing = (name: string, status = 400): Sender => ({
  send: async () => {
    throw Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  },
});
const ok: Sender = { send: async () => ({}) };

describe('createCallContext', () => {
  it('counts each call once, by operation and by how it ended', async () => {
    // Prepare
    const paced: string[] = [];
    const pacer: Pacer = { buckets: [], acquire: async (op) => void paced.push(op) };
    const ctx = createCallContext({ maxConcurrency: 2, pacer });
    const cases: [string, Sender][] = [
      ['ecs:ListTasks', ok],
      ['ecs:ListTasks', failing('ThrottlingException')],
      ['ecs:ListTasks', failing('SlowDown', 429)],
      ['servicediscovery:ListTagsForResource', failing('ResourceNotFoundException')],
      ['servicediscovery:GetService', failing('ServiceNotFound')],
      ['servicediscovery:DiscoverInstances', failing('RequestLimitExceeded')],
      ['ecs:DescribeTasks', failing('AccessDeniedException')],
      ['ecs:DescribeTasks', failing('ServerException', 500)],
    ];

    // Act
    await Promise.allSettled(cases.map(([op, sender]) => ctx.call(op, sender, {})));

    // Assess
    expect(paced).toEqual(cases.map(([op]) => op));
    expect(ctx.calls).toEqual({
      'ecs:ListTasks': 3,
      'servicediscovery:ListTagsForResource': 1,
      'servicediscovery:GetService': 1,
      'servicediscovery:DiscoverInstances': 1,
      'ecs:DescribeTasks': 2,
    });
    expect(ctx.outcomes).toEqual({
      'ecs:ListTasks': { success: 1, throttled: 2 },
      'servicediscovery:ListTagsForResource': { not_found: 1 },
      'servicediscovery:GetService': { not_found: 1 },
      'servicediscovery:DiscoverInstances': { throttled: 1 },
      'ecs:DescribeTasks': { error: 2 },
    });
  });
});
