import { describe, expect, it } from 'vitest';
import { allCloudMapServices, allTasks, defineFleet } from './fleet.ts';
import { generateFleet } from './generate.ts';

describe('defineFleet', () => {
  it('resolves ARNs in the real formats, deterministic ids and addresses from the pool', () => {
    // Prepare
    const spec = {
      region: 'eu-west-1',
      accountId: '111122223333',
      clusters: [{ name: 'prod', services: [{ name: 'web', tasks: 2 }] }],
    };

    // Act
    const fleet = defineFleet(spec);
    const again = defineFleet(spec);

    // Assess
    const service = fleet.clusters[0]!.services[0]!;
    const [first, second] = service.tasks;
    expect(fleet.clusters[0]!.arn).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/prod');
    expect(service.arn).toBe('arn:aws:ecs:eu-west-1:111122223333:service/prod/web');
    expect(service.taskDefinitionArn).toBe('arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1');
    expect(first!.arn).toMatch(/^arn:aws:ecs:eu-west-1:111122223333:task\/prod\/[0-9a-f]{32}$/);
    expect(first!.arn).toBe(`arn:aws:ecs:eu-west-1:111122223333:task/prod/${first!.id}`);
    expect([first!.ip, second!.ip]).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(again).toEqual(fleet);
  });

  it('skips the .0 and .255 host parts and honours firstIp and per-task overrides', () => {
    // Prepare
    const spec = {
      firstIp: '10.1.0.254',
      clusters: [
        { name: 'c', services: [{ name: 's', tasks: [{}, {}, { ip: '127.0.0.9' }, { ip: null }, {}] }] },
      ],
    };

    // Act
    const tasks = allTasks(defineFleet(spec));

    // Assess
    expect(tasks.map((t) => t.ip)).toEqual(['10.1.0.254', '10.1.1.1', '127.0.0.9', undefined, '10.1.1.2']);
  });

  it('registers Service Connect tasks as ECS does: managed description, tag, one instance per task', () => {
    // Prepare
    const spec = {
      clusters: [
        {
          name: 'prod',
          services: [
            {
              name: 'web',
              tasks: [{ ip: '10.9.0.1' }, { ip: null }, { ip: '10.9.0.3', lastStatus: 'PENDING' }],
              serviceConnect: { namespace: 'apps', discoveryName: 'http' },
            },
          ],
        },
      ],
    };

    // Act
    const fleet = defineFleet(spec);

    // Assess
    const namespace = fleet.namespaces[0]!;
    const cmService = namespace.services[0]!;
    const task = fleet.clusters[0]!.services[0]!.tasks[0]!;
    expect(namespace).toMatchObject({ name: 'apps', type: 'HTTP' });
    expect(namespace.id).toMatch(/^ns-[0-9a-f]{16}$/);
    expect(cmService).toMatchObject({
      name: 'http',
      namespaceId: namespace.id,
      type: 'HTTP',
      description: 'Managed by arn:aws:ecs:us-east-1:123456789012:service/prod/web',
      tags: [{ key: 'AmazonECSManaged', value: 'true' }],
    });
    expect(cmService.arn).toBe(`arn:aws:servicediscovery:us-east-1:123456789012:service/${cmService.id}`);
    expect(cmService.instances).toEqual([
      {
        id: task.id,
        attributes: {
          AWS_INSTANCE_IPV4: '10.9.0.1',
          AWS_INSTANCE_PORT: '8080',
          AVAILABILITY_ZONE: 'us-east-1a',
          AWS_INIT_HEALTH_STATUS: 'HEALTHY',
          ECS_CLUSTER_NAME: 'prod',
          ECS_SERVICE_NAME: 'web',
          ECS_TASK_DEFINITION_FAMILY: 'web',
          REGION: 'us-east-1',
        },
      },
    ]);
    expect(fleet.clusters[0]!.services[0]!.deployments[0]!.serviceConnect).toEqual({
      enabled: true,
      namespace: namespace.arn,
      resources: [{ discoveryName: 'http', discoveryArn: cmService.arn }],
    });
  });

  it('registers Service Discovery tasks with cluster and service attributes and lists the registry', () => {
    // Prepare
    const spec = {
      namespaces: [{ name: 'corp.local', tags: { team: 'platform' } }],
      clusters: [
        {
          name: 'c1',
          services: [
            {
              name: 'api',
              tasks: 1,
              serviceDiscovery: { namespace: 'corp.local', serviceName: 'api-sd', port: 9100 },
            },
            {
              name: 'hidden',
              tasks: 1,
              serviceDiscovery: { namespace: 'corp.local', inServiceRegistries: false },
            },
          ],
        },
      ],
    };

    // Act
    const fleet = defineFleet(spec);

    // Assess
    const [apiSd, hiddenSd] = fleet.namespaces[0]!.services;
    const [api, hidden] = fleet.clusters[0]!.services;
    expect(fleet.namespaces[0]).toMatchObject({
      type: 'DNS_PRIVATE',
      tags: [{ key: 'team', value: 'platform' }],
    });
    expect(apiSd).toMatchObject({ name: 'api-sd', type: 'DNS_HTTP', tags: [] });
    expect(apiSd!.description).toBeUndefined();
    expect(apiSd!.instances[0]!.attributes).toMatchObject({
      ECS_CLUSTER_NAME: 'c1',
      ECS_SERVICE_NAME: 'api',
      AWS_INSTANCE_PORT: '9100',
    });
    expect(api!.serviceRegistries).toEqual([{ registryArn: apiSd!.arn, port: 9100 }]);
    expect(hidden!.serviceRegistries).toEqual([]);
    expect(hiddenSd!.instances[0]!.attributes.AWS_INSTANCE_PORT).toBeUndefined();
  });

  it('merges a declared Cloud Map service into the one ECS creates: its tags win, instances add up', () => {
    // Prepare
    const spec = {
      namespaces: [
        {
          name: 'apps',
          type: 'HTTP' as const,
          services: [
            { name: 'web', tags: { METRICS_PORT: '9000' }, instances: [{ id: 'manual', ip: '10.5.5.5' }] },
          ],
        },
      ],
      clusters: [
        { name: 'prod', services: [{ name: 'web', tasks: 1, serviceConnect: { namespace: 'apps' } }] },
      ],
    };

    // Act
    const services = allCloudMapServices(defineFleet(spec));

    // Assess
    expect(services).toHaveLength(1);
    expect(services[0]!.tags).toEqual([{ key: 'METRICS_PORT', value: '9000' }]);
    expect(services[0]!.instances.map((i) => i.id)).toEqual([allTasks(defineFleet(spec))[0]!.id, 'manual']);
  });

  it('reports the Service Connect namespace by name when asked, and keeps an ACTIVE older deployment', () => {
    // Prepare
    const spec = {
      clusters: [
        {
          name: 'prod',
          services: [
            {
              name: 'web',
              serviceConnect: { namespace: 'apps', namespaceAs: 'name' as const },
              deployments: [{ status: 'PRIMARY' }, { status: 'ACTIVE', serviceConnect: false as const }],
            },
          ],
        },
      ],
    };

    // Act
    const deployments = defineFleet(spec).clusters[0]!.services[0]!.deployments;

    // Assess
    expect(deployments.map((d) => [d.status, d.serviceConnect?.namespace])).toEqual([
      ['PRIMARY', 'apps'],
      ['ACTIVE', undefined],
    ]);
  });

  it('does not register tasks without an address or not RUNNING, unless told to', () => {
    // Prepare
    const spec = {
      clusters: [
        {
          name: 'c',
          services: [
            {
              name: 's',
              serviceDiscovery: { namespace: 'n' },
              tasks: [
                { ip: null },
                { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' },
                { lastStatus: 'PENDING', registered: true },
                {},
              ],
            },
          ],
        },
      ],
    };

    // Act
    const fleet = defineFleet(spec);

    // Assess
    const tasks = fleet.clusters[0]!.services[0]!.tasks;
    expect(fleet.namespaces[0]!.services[0]!.instances.map((i) => i.id)).toEqual([
      tasks[2]!.id,
      tasks[3]!.id,
    ]);
  });

  it.each([
    ['a cluster', { clusters: [{ name: 'a' }, { name: 'a' }] }, "fleet: cluster 'a' is declared twice"],
    [
      'a service',
      { clusters: [{ name: 'a', services: [{ name: 's' }, { name: 's' }] }] },
      "fleet: service 'a/s' is declared twice",
    ],
    [
      'a namespace',
      { namespaces: [{ name: 'n' }, { name: 'n' }] },
      "fleet: namespace 'n' of type DNS_PRIVATE is declared twice",
    ],
    [
      'a task id',
      { clusters: [{ name: 'a', services: [{ name: 's', tasks: [{ id: 'x' }, { id: 'x' }] }] }] },
      "fleet: task id 'x' is used twice in cluster 'a'",
    ],
  ])('rejects %s declared twice', (_what, spec, message) => {
    // Act / Assess
    expect(() => defineFleet(spec)).toThrow(message);
  });
});

describe('generateFleet', () => {
  it('builds a 30k-task fleet with Service Connect and Service Discovery registrations, fast', () => {
    // Prepare
    const options = {
      clusters: 10,
      servicesPerCluster: 100,
      tasksPerService: 30,
      namespaces: 4,
      unselectedShare: 0.1,
    };
    const started = performance.now();

    // Act
    const fleet = generateFleet(options);
    const elapsed = performance.now() - started;

    // Assess
    const services = fleet.clusters.flatMap((c) => c.services);
    const instances = allCloudMapServices(fleet).reduce((n, s) => n + s.instances.length, 0);
    expect(allTasks(fleet)).toHaveLength(30_000);
    expect(services.filter((s) => s.serviceConnectNamespaceArn !== undefined)).toHaveLength(500);
    expect(services.filter((s) => s.serviceRegistries.length > 0)).toHaveLength(250);
    expect(
      services.filter((s) => s.tags.some((t) => t.key === 'scrape' && t.value === 'false')),
    ).toHaveLength(100);
    expect(instances).toBe(22_500);
    expect(fleet.namespaces).toHaveLength(4);
    expect(elapsed).toBeLessThan(3_000);
  });
});
