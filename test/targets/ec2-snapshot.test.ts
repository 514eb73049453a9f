/**
 * The S3 snapshot carries the EC2 facts the labels need (docs/decisions.md "EC2 labels (issue
 * 15)"): a round trip through `encodeSnapshot` / `decodeSnapshot` gives the same labels, and a
 * snapshot written before the facts existed (format 1 without them) still decodes and builds,
 * simply without the EC2 labels until the next full refresh.
 */
import { describe, expect, it } from 'vitest';
import type { InventorySnapshot, Task } from '../../lambda/model/inventory.ts';
import {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_FORMAT,
  type Snapshot,
} from '../../lambda/model/snapshot.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { cluster, config, service, snapshot, tags, task } from './fixtures.ts';

const INSTANCE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:container-instance/c1/ci1';

const bridge: Task = task({
  tags: tags({ METRICS_PORT: '8080' }),
  ipv4: undefined,
  launchType: 'EC2',
  networkMode: 'bridge',
  containerInstanceArn: INSTANCE_ARN,
  host: { ipv4: '10.0.1.9' },
  portBindings: [{ containerPort: 8080, hostPort: 32768 }],
  ec2Instance: {
    id: 'i-0abc',
    type: 'm7g.large',
    privateIp: '10.0.1.9',
    publicIp: '203.0.113.9',
    subnetId: 'subnet-host',
    tags: tags({ Name: 'host' }),
  },
});

const fargate: Task = task({
  arn: 'arn:aws:ecs:eu-west-1:123456789012:task/c1/fffffffffffffffffffffffffffffff0',
  ipv4: '10.0.0.6',
  tags: tags({ METRICS_PORT: '8080' }),
  launchType: 'FARGATE',
  networkMode: 'awsvpc',
  subnetId: 'subnet-eni',
  publicIp: '198.51.100.7',
});

const inventory: InventorySnapshot = snapshot([
  cluster('c1', [service('web', { tasks: [bridge, fargate] })]),
]);

const stored = (value: InventorySnapshot): Snapshot => ({
  format: SNAPSHOT_FORMAT,
  generation: 1,
  kind: 'full',
  completedAt: 0,
  reconciledAt: 0,
  body: '[]',
  gzipBase64: '',
  etag: '"e"',
  gzipEtag: '"g"',
  targetCount: 0,
  skipped: {
    not_running: 0,
    no_address: 0,
    no_port: 0,
    bad_port: 0,
    unmapped_port: 0,
    external_instance: 0,
    host_address_disabled: 0,
  },
  droppedLabels: { reserved_name: 0, oversized_value: 0, invalid_scrape_setting: 0 },
  awsCalls: {},
  durationMs: 0,
  inventory: value,
  taskVersions: {},
});

const bodyOf = (value: InventorySnapshot) =>
  JSON.stringify(buildTargets(value, config({ metaLabels: 'full' })).groups);

describe('EC2 facts in the stored snapshot', () => {
  it('round-trip: the decoded inventory gives a byte-identical body with every EC2 label', () => {
    // Act
    const decoded = decodeSnapshot(encodeSnapshot(stored(inventory)));

    // Assess
    expect(decoded.inventory).toEqual(inventory);
    expect(bodyOf(decoded.inventory)).toBe(bodyOf(inventory));
    const [bridgeLabels, fargateLabels] = buildTargets(
      decoded.inventory,
      config({ metaLabels: 'full' }),
    ).groups.map((g) => g.labels);
    expect(bridgeLabels).toMatchObject({
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_ec2_instance_id: 'i-0abc',
      __meta_ecs_ec2_instance_type: 'm7g.large',
      __meta_ecs_ec2_instance_public_ip: '203.0.113.9',
      __meta_ecs_public_ip: '203.0.113.9',
      __meta_ecs_tag_ec2_Name: 'host',
    });
    expect(fargateLabels?.__meta_ecs_public_ip).toBe('198.51.100.7');
  });

  it('an older snapshot without the facts still decodes and builds, without the EC2 labels', () => {
    // Prepare: the document an earlier version wrote (no containerInstanceArn, ec2Instance, publicIp).
    const old = JSON.parse(encodeSnapshot(stored(inventory))) as {
      inventory: { clusters: { services: { tasks: Record<string, unknown>[] }[] }[] };
    };
    for (const t of old.inventory.clusters[0]?.services[0]?.tasks ?? []) {
      delete t.containerInstanceArn;
      delete t.ec2Instance;
      delete t.publicIp;
    }

    // Act
    const decoded = decodeSnapshot(JSON.stringify(old));
    const groups = buildTargets(decoded.inventory, config({ metaLabels: 'full' })).groups;

    // Assess: same targets; of the EC2 labels only the host's private IP (the host address) remains.
    expect(groups.map((g) => g.targets[0])).toEqual(['10.0.1.9:32768', '10.0.0.6:8080']);
    const ec2 = groups.map((g) =>
      Object.keys(g.labels).filter((name) => /ec2|public_ip|container_instance/.test(name)),
    );
    expect(ec2).toEqual([['__meta_ecs_ec2_instance_private_ip'], []]);
  });
});
