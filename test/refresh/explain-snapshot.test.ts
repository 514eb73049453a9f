/**
 * Snapshot mode keeps the explain record: the refresher writes it into the S3 snapshot (full
 * reconciles and event batches alike) and the serving side answers `/debug/targets` from it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PayloadVersion } from '../../lambda/http/request.ts';
import type { Explain } from '../../lambda/model/explain.ts';
import type { FleetSpec } from '../aws-double/index.ts';
import { type SnapshotWorld, snapshotApp, startSnapshotWorld } from './support.ts';

const worlds: SnapshotWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

const FLEET: FleetSpec = {
  clusters: [
    {
      name: 'prod',
      services: [
        { name: 'api', tags: { scrape: 'yes', METRICS_PORT: '9090' }, tasks: 1 },
        { name: 'batch', tags: { scrape: 'yes' }, tasks: 1 },
        { name: 'worker', tags: { scrape: 'no', METRICS_PORT: '9100' }, tasks: 1 },
      ],
    },
  ],
};

const lines = (explain: Explain | undefined) =>
  (explain?.entries ?? []).map((e) =>
    `${e.kind} ${e.service} ${e.target ? e.address || 'target' : 'not'} ${e.notes.map((n) => n.reason).join()}`.trim(),
  );

const EXPECTED = [
  'cluster  target',
  'service api target',
  'task api target',
  'scrape_group api 10.0.0.1:9090',
  'service batch not',
  'task batch not no_port',
  'service worker not service_selector',
];

describe('the explain record in snapshot mode', () => {
  it('is written into the snapshot and served from it by /debug/targets', async () => {
    // Prepare
    const world = await startSnapshotWorld(FLEET, { DiscoveryOptions__EcsServiceSelectorTags: 'scrape=yes' });
    worlds.push(world);
    await world.refresher.full();

    // Act
    const stored = world.stored() as { explain?: Explain } | undefined;
    const response = await snapshotApp(world).handle({
      method: 'GET',
      path: '/debug/targets',
      headers: {},
      requestId: 'r1',
      payloadVersion: PayloadVersion.V2,
    });

    // Assess
    expect(lines(stored?.explain)).toEqual(EXPECTED);
    const served = JSON.parse(String(response.body)) as { targetCount: number; entries: Explain['entries'] };
    expect(served.targetCount).toBe(1);
    expect(served.entries).toEqual(stored?.explain?.entries);
  });

  it('is rebuilt by an event batch from the patched inventory, excluded services kept', async () => {
    // Prepare
    const world = await startSnapshotWorld(FLEET, { DiscoveryOptions__EcsServiceSelectorTags: 'scrape=yes' });
    worlds.push(world);
    await world.refresher.full();
    const [task] = world.double.fleet().clusters[0]!.services[0]!.tasks;

    // Act: the api task stops.
    await world.refresher.events([
      {
        taskArn: task!.arn,
        clusterArn: world.double.fleet().clusters[0]!.arn,
        group: 'service:api',
        version: 5,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
      },
    ]);

    // Assess
    const stored = world.stored() as { kind: string; explain?: Explain } | undefined;
    expect(stored?.kind).toBe('events');
    expect(lines(stored?.explain)).toEqual([
      'cluster  not',
      'service api not no_tasks',
      'service batch not',
      'task batch not no_port',
      'service worker not service_selector',
    ]);
  });
});
