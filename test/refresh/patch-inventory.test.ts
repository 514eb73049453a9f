import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../lambda/aws/ecs.ts';
import {
  type CloudMapService,
  CloudMapServiceType,
  type InventorySnapshot,
  type Task,
} from '../../lambda/model/inventory.ts';
import {
  cloudMapInstanceReads,
  type DescribedTask,
  missingTaskDefinitionArns,
  patchInventory,
  relevantTo,
} from '../../lambda/refresh/patch-inventory.ts';
import type { TaskChange } from '../../lambda/refresh/task-events.ts';
import { testConfig } from '../support/config.ts';

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

describe('Cloud Map instances of an event batch', () => {
  const SD = 'arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-api';
  const OTHER = 'arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-other';
  const cloudMapService = (arn: string, name: string, selected = true): CloudMapService => ({
    id: arn.slice(arn.lastIndexOf('/') + 1),
    arn,
    name,
    namespaceId: 'ns-1',
    type: CloudMapServiceType.ServiceDiscovery,
    tags: [],
    selected,
    instances: [{ id: 'old', attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } }],
  });
  const ecsService = (name: string, registryArns: string[]) => ({
    arn: `svc/${name}`,
    name,
    clusterArn: CLUSTER,
    tags: [],
    serviceConnectDiscoveryArns: [],
    serviceRegistryArns: registryArns,
    tasks: [task(`t/${name}-1`)],
  });
  const registered: InventorySnapshot = {
    namespaces: [
      {
        id: 'ns-1',
        arn: 'ns/1',
        name: 'corp.local',
        httpName: 'corp.local',
        tags: [],
        services: [cloudMapService(SD, 'api'), cloudMapService(OTHER, 'other')],
      },
      {
        id: 'ns-2',
        arn: 'ns/2',
        name: 'hidden',
        tags: [],
        services: [cloudMapService('arn:sd/hidden', 'hidden', false)],
      },
    ],
    clusters: [
      {
        arn: CLUSTER,
        name: 'prod',
        services: [ecsService('api', [SD]), ecsService('web', []), ecsService('hid', ['arn:sd/hidden'])],
      },
    ],
  };
  const described = (arn: string, group: string, extra: Partial<TaskRecord> = {}): DescribedTask => ({
    ...task(arn),
    group,
    clusterArn: CLUSTER,
    ...extra,
  });

  it('names each enriching Cloud Map service once, for running tasks joining a held service only', () => {
    // Act
    const reads = cloudMapInstanceReads(registered, testConfig(), [
      described('t/api-2', 'service:api'),
      described('t/api-3', 'service:api'),
      described('t/web-2', 'service:web'),
      described('t/hid-2', 'service:hid'),
      described('t/new-1', 'service:new'),
    ]);
    const none = cloudMapInstanceReads(registered, testConfig(), [
      described('t/api-4', 'service:api', { lastStatus: 'PROVISIONING' }),
      described('t/api-5', 'service:api', { desiredStatus: 'STOPPED', lastStatus: 'RUNNING' }),
      described('t/web-3', 'service:web'),
    ]);

    // Assess: `hid` is registered only in an unselected service, which enriches nothing.
    expect(reads.map((read) => [read.clusterArn, read.service.arn, read.namespace.httpName])).toEqual([
      [CLUSTER, SD, 'corp.local'],
    ]);
    expect(none).toEqual([]);
  });

  it('replaces the instances of the re-read services only, leaving every other namespace as it was', () => {
    // Prepare
    const fresh = [
      { id: 'a1', attributes: { AWS_INSTANCE_IPV4: '10.0.0.5' }, healthStatus: 'HEALTHY' },
      { id: 'a2', attributes: { AWS_INSTANCE_IPV4: '10.0.0.6' }, healthStatus: 'HEALTHY' },
    ];

    // Act
    const patched = patchInventory(
      registered,
      [change('t/api-2', 'service:api')],
      [described('t/api-2', 'service:api')],
      [],
      new Map([[SD, fresh]]),
    );
    const untouched = patchInventory(
      registered,
      [change('t/web-2', 'service:web')],
      [described('t/web-2', 'service:web')],
    );

    // Assess
    expect(patched.namespaces[0]?.services.map((s) => s.instances.map((i) => i.id))).toEqual([
      ['a1', 'a2'],
      ['old'],
    ]);
    expect(patched.namespaces[0]?.services[1]).toBe(registered.namespaces[0]?.services[1]);
    expect(patched.namespaces[1]).toBe(registered.namespaces[1]);
    expect(untouched.namespaces).toBe(registered.namespaces);
  });
});
