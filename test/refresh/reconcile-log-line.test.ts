/**
 * The CDK's stale-snapshot alarm counts log lines `{ $.message = "snapshot written" && $.kind =
 * "full" }` (lib/snapshot-refresher.ts): a full reconcile logs exactly that, an event batch does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRefreshHandler } from '../../lambda/refresh/invocation.ts';
import { toSqsEvent } from '../aws-double/index.ts';
import { type SnapshotWorld, startSnapshotWorld, withWebTasks } from './support.ts';

const worlds: SnapshotWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe('the log line the stale-snapshot alarm counts', () => {
  it('is written once per full reconcile, with kind "full"; event batches log kind "events"', async () => {
    // Prepare
    const world = await startSnapshotWorld();
    worlds.push(world);

    // Act
    await world.refresher.full();
    world.double.mutate(() => withWebTasks(3));
    await createRefreshHandler(
      () => world.refresher,
      world.logger,
    )(toSqsEvent(world.double.drainTaskEvents()));

    // Assess
    const written = world.logger.entries
      .filter((entry) => entry.message === 'snapshot written')
      .map((entry) => [entry.level, entry.fields?.kind]);
    expect(written).toEqual([
      ['info', 'full'],
      ['info', 'events'],
    ]);
  });
});
