import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../lambda/aws/ecs.ts';
import type { InventorySnapshot, Task } from '../../lambda/model/inventory.ts';
import {
  missingTaskDefinitionArns,
  patchInventory,
  relevantTo,
} from '../../lambda/refresh/patch-inventory.ts';
import type { TaskChange } from '../../lambda/refresh/task-events.ts';

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';
const task = (arn: string, extra: Partial<Task> = {}): Task => ({
  arn,
  taskDefinitionArn: 'td:1',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  tags: [],
  ...extra,
});
const change = (taskArn: string, group: string): TaskChange => ({
  clusterArn: CLUSTER,
  taskArn,
  group,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  version: 2,
});
const inventory: InventorySnapshot = {
  namespaces: [],
  clusters: [
    {
      arn: CLUSTER,
      name: 'prod',
      services: [
        {
          arn: 'svc/web',
          name: 'web',
          clusterArn: CLUSTER,
          tags: [],
          serviceConnectDiscoveryArns: [],
          serviceRegistryArns: [],
          tasks: [task('t/1')],
        },
      ],
      standaloneTasks: [task('t/old', { group: 'family:job', startedBy: 'cron' })],
    },
  ],
};

describe('patchInventory with hosts and stand-alone tasks', () => {
  it('puts a re-read bridge task into its service with its host and container instance, stripped like a collected task', () => {
    // Prepare
    const described: (TaskRecord & { clusterArn: string })[] = [
      {
        ...task('t/2', { networkMode: 'bridge', host: { ipv4: '10.1.0.11' } }),
        group: 'service:web',
        containerInstanceArn: 'ci/1',
        launchType: 'EC2',
        startedBy: 'ecs-svc/1',
        networkInterfaceId: 'eni-0',
        clusterArn: CLUSTER,
      },
    ];

    // Act
    const patched = patchInventory(inventory, [change('t/2', 'service:web')], described);

    // Assess
    expect(patched.clusters[0]?.services[0]?.tasks).toEqual([
      task('t/1'),
      // The container instance stays (the EC2 labels), the ENI id (read only for its public IP) does not.
      task('t/2', {
        networkMode: 'bridge',
        host: { ipv4: '10.1.0.11' },
        launchType: 'EC2',
        containerInstanceArn: 'ci/1',
      }),
    ]);
  });

  it('replaces a stand-alone task the snapshot holds and adds a new one of that cluster', () => {
    // Prepare
    const changes = [change('t/old', 'family:job'), change('t/new', 'family:job')];
    const described: (TaskRecord & { clusterArn: string })[] = [
      { ...task('t/new'), group: 'family:job', startedBy: 'cron', clusterArn: CLUSTER },
    ];

    // Act
    const relevant = changes.filter(relevantTo(inventory));
    const patched = patchInventory(inventory, relevant, described);

    // Assess
    expect(relevant).toHaveLength(2);
    expect(patched.clusters[0]?.standaloneTasks).toEqual([
      task('t/new', { group: 'family:job', startedBy: 'cron' }),
    ]);
  });

  it('ignores stand-alone tasks of a cluster whose stand-alone tasks are not read', () => {
    // Prepare
    const { standaloneTasks: _none, ...withoutStandalone } = inventory.clusters[0]!;
    const without: InventorySnapshot = { ...inventory, clusters: [withoutStandalone] };

    // Act
    const relevant = [change('t/new', 'family:job')].filter(relevantTo(without));

    // Assess
    expect(relevant).toEqual([]);
  });
});

describe('patchInventory with task definitions (DockerLabels)', () => {
  const record = (arn: string, group: string, taskDefinitionArn: string, desiredStatus = 'RUNNING') => ({
    ...task(arn, { taskDefinitionArn, desiredStatus }),
    group,
    clusterArn: CLUSTER,
  });
  // t/1 (service web) runs td:0, the stand-alone t/old td:1.
  const web = inventory.clusters[0]!.services[0]!;
  const withDefinitions: InventorySnapshot = {
    ...inventory,
    clusters: [
      {
        ...inventory.clusters[0]!,
        services: [{ ...web, tasks: [task('t/1', { taskDefinitionArn: 'td:0' })] }],
      },
    ],
    taskDefinitions: [
      { arn: 'td:0', containers: [] },
      { arn: 'td:1', containers: [] },
    ],
  };

  it('asks only for the unknown revisions of tasks that will join, each once, sorted', () => {
    // Prepare
    const records = [
      record('t/2', 'service:web', 'td:3'),
      record('t/3', 'service:web', 'td:2'),
      record('t/4', 'service:web', 'td:3'),
      record('t/5', 'service:web', 'td:1'),
      record('t/6', 'service:gone', 'td:9'),
      record('t/7', 'service:web', 'td:8', 'STOPPED'),
      record('t/8', 'family:job', 'td:7'),
    ];

    // Act
    const missing = missingTaskDefinitionArns(withDefinitions, CLUSTER, records);
    const otherCluster = missingTaskDefinitionArns(withDefinitions, `${CLUSTER}-2`, records);

    // Assess
    expect(missing).toEqual(['td:2', 'td:3', 'td:7']);
    expect(otherCluster).toEqual([]);
  });

  it('adds the read definitions (each ARN once) and keeps only those a held task uses', () => {
    // Prepare: t/1 (td:0) stops, t/2 (td:2) joins; the stand-alone task keeps td:1.
    const changes = [change('t/1', 'service:web'), change('t/2', 'service:web')];
    const described = [record('t/2', 'service:web', 'td:2')];

    // Act
    const patched = patchInventory(withDefinitions, changes, described, [
      { arn: 'td:2', containers: [] },
      { arn: 'td:2', containers: [] },
    ]);
    const plain = patchInventory(inventory, [change('t/1', 'service:web')], []);

    // Assess
    expect(patched.taskDefinitions?.map((d) => d.arn)).toEqual(['td:1', 'td:2']);
    expect(plain).not.toHaveProperty('taskDefinitions');
  });
});
