/**
 * The EC2 labels of `MetaLabels=full` (docs/decisions.md "EC2 labels (issue 15)"): container
 * instance ARN, EC2 instance id, type, private and public IP, the task's public IP and the
 * `__meta_ecs_tag_ec2_<key>` family, with Prometheus' `discovery/aws/ecs.go` meaning per launch
 * type and network mode. Literal tables: inventory task → the exact EC2 labels.
 */
import { describe, expect, it } from 'vitest';
import type { Ec2Instance, Task } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { prometheusMetaLabels } from '../../lambda/targets/meta-labels.ts';
import { cluster, config, service, snapshot, tags, task } from './fixtures.ts';

const INSTANCE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:container-instance/c1/ci1';

const HOST: Ec2Instance = {
  id: 'i-0abc',
  type: 'm7g.large',
  privateIp: '10.0.1.9',
  publicIp: '203.0.113.9',
  subnetId: 'subnet-host',
  tags: tags({ Name: 'ecs host', 'aws:autoscaling:groupName': 'asg-1' }),
};

/** Every label these tests are about; the rest are covered by meta-labels.test.ts. */
const EC2_LABELS = [
  '__meta_ecs_container_instance_arn',
  '__meta_ecs_ec2_instance_id',
  '__meta_ecs_ec2_instance_type',
  '__meta_ecs_ec2_instance_private_ip',
  '__meta_ecs_ec2_instance_public_ip',
  '__meta_ecs_public_ip',
  '__meta_ecs_subnet_id',
];

const ec2Labels = (taskValue: Task, metaLabels: 'full' | 'compact' = 'full') => {
  const fleet = snapshot([cluster('c1', [service('web', { tasks: [taskValue] })])]);
  const result = buildTargets(fleet, config({ metaLabels }));
  const labels = result.groups[0]?.labels ?? {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      ([name]) => EC2_LABELS.includes(name) || name.startsWith('__meta_ecs_tag_ec2_'),
    ),
  );
};

const bridge = (overrides: Partial<Task> = {}): Task =>
  task({
    tags: tags({ METRICS_PORT: '8080' }),
    ipv4: undefined,
    launchType: 'EC2',
    networkMode: 'bridge',
    containerInstanceArn: INSTANCE_ARN,
    host: { ipv4: '10.0.1.9' },
    portBindings: [{ containerPort: 8080, hostPort: 32768 }],
    ec2Instance: HOST,
    ...overrides,
  });

const awsvpc = (overrides: Partial<Task> = {}): Task =>
  task({
    tags: tags({ METRICS_PORT: '8080' }),
    networkMode: 'awsvpc',
    subnetId: 'subnet-eni',
    ...overrides,
  });

describe('MetaLabels=full: EC2 labels as Prometheus aws_sd_configs role ecs gives them', () => {
  it('a bridge task on EC2: every EC2 label, public IP and subnet from its instance', () => {
    // Act
    const labels = ec2Labels(bridge());

    // Assess
    expect(labels).toEqual({
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_ec2_instance_id: 'i-0abc',
      __meta_ecs_ec2_instance_type: 'm7g.large',
      __meta_ecs_ec2_instance_private_ip: '10.0.1.9',
      __meta_ecs_ec2_instance_public_ip: '203.0.113.9',
      __meta_ecs_public_ip: '203.0.113.9',
      __meta_ecs_subnet_id: 'subnet-host',
      __meta_ecs_tag_ec2_Name: 'ecs host',
      __meta_ecs_tag_ec2_aws_autoscaling_groupName: 'asg-1',
    });
  });

  it('an awsvpc task on EC2: the instance labels, but subnet and public IP are its ENI’s', () => {
    // Act
    const labels = ec2Labels(
      awsvpc({ launchType: 'EC2', containerInstanceArn: INSTANCE_ARN, ec2Instance: HOST }),
    );

    // Assess: the instance has a public IP, the task ENI has none, so no __meta_ecs_public_ip.
    expect(labels).toEqual({
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_ec2_instance_id: 'i-0abc',
      __meta_ecs_ec2_instance_type: 'm7g.large',
      __meta_ecs_ec2_instance_private_ip: '10.0.1.9',
      __meta_ecs_ec2_instance_public_ip: '203.0.113.9',
      __meta_ecs_subnet_id: 'subnet-eni',
      __meta_ecs_tag_ec2_Name: 'ecs host',
      __meta_ecs_tag_ec2_aws_autoscaling_groupName: 'asg-1',
    });
  });

  it('a Fargate task: only its ENI public IP (and subnet), no EC2 label', () => {
    // Act
    const labels = ec2Labels(awsvpc({ launchType: 'FARGATE', publicIp: '198.51.100.7' }));

    // Assess
    expect(labels).toEqual({ __meta_ecs_public_ip: '198.51.100.7', __meta_ecs_subnet_id: 'subnet-eni' });
  });

  it('a Fargate task without a public IP: no public IP label', () => {
    // Act
    const labels = ec2Labels(awsvpc({ launchType: 'FARGATE' }));

    // Assess
    expect(labels).toEqual({ __meta_ecs_subnet_id: 'subnet-eni' });
  });

  it('an ECS Anywhere (EXTERNAL) task: only the container instance ARN', () => {
    // Prepare: a host-mode task on an on-premises host (no EC2 instance, skipped as
    // external_instance), so the labels are read off the builder's source directly.
    const external = bridge({
      launchType: 'EXTERNAL',
      host: { unknown: 'external' },
      ec2Instance: undefined,
    });

    // Act
    const labels = prometheusMetaLabels({
      cluster: cluster('c1', []),
      service: service('web'),
      task: external,
      address: '192.168.1.20',
    });

    // Assess
    const ec2 = labels.filter((l) => EC2_LABELS.includes(l.name) || l.name.startsWith('__meta_ecs_tag_ec2_'));
    expect(ec2.map((l) => [l.name, l.value])).toEqual([['__meta_ecs_container_instance_arn', INSTANCE_ARN]]);
  });

  it('EC2 facts not read (Ec2HostAddresses=false, instance not returned, older snapshot): absent, not blank', () => {
    // Act: a bridge task whose instance was never described, host address known from an old snapshot.
    const labels = ec2Labels(bridge({ ec2Instance: undefined }));

    // Assess: the private IP still comes from the host address, as before.
    expect(labels).toEqual({
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_ec2_instance_private_ip: '10.0.1.9',
    });
  });

  it('an instance without type, public IP, subnet or tags gives only what it has', () => {
    // Act
    const labels = ec2Labels(bridge({ ec2Instance: { id: 'i-0bare', privateIp: '10.0.1.9', tags: [] } }));

    // Assess
    expect(labels).toEqual({
      __meta_ecs_container_instance_arn: INSTANCE_ARN,
      __meta_ecs_ec2_instance_id: 'i-0bare',
      __meta_ecs_ec2_instance_private_ip: '10.0.1.9',
    });
  });

  it('MetaLabels=compact emits none of them, whatever the inventory holds', () => {
    // Act
    const labels = ec2Labels(bridge(), 'compact');

    // Assess
    expect(labels).toEqual({});
  });

  it('EC2 tags are untrusted: sanitised names, reserved-looking keys stay inside the family, 16 KiB bound', () => {
    // Prepare
    const hostile: Ec2Instance = {
      ...HOST,
      tags: [
        { key: '__address__', value: 'evil:1' },
        { key: 'job', value: 'steal' },
        { key: 'team.name/x', value: 'core' },
        { key: 'é🙂', value: 'emoji' },
        { key: 'blob', value: 'x'.repeat(16 * 1024 + 1) },
      ],
    };
    const fleet = snapshot([cluster('c1', [service('web', { tasks: [bridge({ ec2Instance: hostile })] })])]);

    // Act
    const result = buildTargets(fleet, config({ metaLabels: 'full' }));
    const labels = result.groups[0]?.labels ?? {};

    // Assess: never a label of their own; the oversized value is left out and counted.
    expect(result.groups[0]?.targets).toEqual(['10.0.1.9:32768']);
    expect(labels.__address__).toBeUndefined();
    expect(labels.job).toBeUndefined();
    expect(
      Object.fromEntries(Object.entries(labels).filter(([name]) => name.startsWith('__meta_ecs_tag_ec2_'))),
    ).toEqual({
      __meta_ecs_tag_ec2___: 'emoji',
      __meta_ecs_tag_ec2___address__: 'evil:1',
      __meta_ecs_tag_ec2_job: 'steal',
      __meta_ecs_tag_ec2_team_name_x: 'core',
    });
    expect(result.droppedLabels).toEqual({ reserved_name: 0, oversized_value: 1, invalid_scrape_setting: 0 });
  });

  it('is deterministic: the same inventory gives the same labels in the same order', () => {
    // Act
    const fleet = () => snapshot([cluster('c1', [service('web', { tasks: [bridge()] })])]);
    const first = JSON.stringify(buildTargets(fleet(), config({ metaLabels: 'full' })).groups);
    const second = JSON.stringify(buildTargets(fleet(), config({ metaLabels: 'full' })).groups);

    // Assess
    expect(second).toBe(first);
  });
});
