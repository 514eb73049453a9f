import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListServicesByNamespaceCommand,
  ListServicesCommand,
  ListTasksCommand,
  paginateListServices,
  paginateListServicesByNamespace,
  paginateListTasks,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DoubleClients } from './clients.ts';
import { makeClients } from './clients.ts';
import { defineFleet } from './fleet.ts';
import type { AwsDouble } from './server.ts';
import { startAwsDouble } from './server.ts';

const fleet = defineFleet({
  namespaces: [{ name: 'apps', type: 'HTTP' }],
  clusters: [
    {
      name: 'prod',
      tags: { env: 'prod' },
      services: [
        {
          name: 'web',
          tags: { team: 'a' },
          tasks: 250,
          taskTags: { component: 'web' },
          serviceConnect: { namespace: 'apps', discoveryName: 'http' },
        },
        {
          name: 'worker',
          launchType: 'EC2',
          tasks: [
            { ip: null },
            { network: 'bridge' },
            { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' },
            { addressIn: 'container', tags: { role: 'x' } },
          ],
        },
        ...Array.from({ length: 23 }, (_, i) => ({
          name: `bulk-${String(i).padStart(2, '0')}`,
          tasks: 0,
          serviceConnect: { namespace: 'bulk' },
        })),
      ],
    },
    {
      name: 'staging',
      services: [{ name: 'web', serviceConnect: { namespace: 'apps', discoveryName: 'staging-http' } }],
    },
  ],
});
const prod = fleet.clusters[0]!;
const [web, worker] = prod.services;
const apps = fleet.namespaces[0]!;

let double: AwsDouble;
let clients: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble(fleet);
  clients = makeClients(double, { region: 'eu-central-1' });
});
afterAll(async () => {
  clients.destroy();
  await double.close();
});
beforeEach(() => double.resetCalls());

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata: { httpStatusCode: number } };
    return { name: e.name, message: e.message, status: e.$metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
};

describe('ECS clusters', () => {
  it('describes clusters by name and ARN with tags, and reports unknown ones as MISSING failures', async () => {
    // Act
    const result = await clients.ecs.send(
      new DescribeClustersCommand({
        clusters: ['prod', 'arn:aws:ecs:us-east-1:123456789012:cluster/staging', 'nope'],
        include: ['TAGS'],
      }),
    );

    // Assess
    expect(result.clusters?.map((c) => [c.clusterName, c.clusterArn, c.status, c.tags])).toEqual([
      ['prod', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', 'ACTIVE', [{ key: 'env', value: 'prod' }]],
      ['staging', 'arn:aws:ecs:us-east-1:123456789012:cluster/staging', 'ACTIVE', []],
    ]);
    expect(result.clusters?.[0]?.runningTasksCount).toBe(253);
    expect(result.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' },
    ]);
  });

  it('leaves tags out unless include TAGS is asked', async () => {
    // Act
    const result = await clients.ecs.send(new DescribeClustersCommand({ clusters: ['prod'] }));

    // Assess
    expect(result.clusters?.[0]?.tags).toBeUndefined();
  });

  it('refuses more than 100 clusters in one DescribeClusters call', async () => {
    // Act
    const error = await errorOf(
      clients.ecs.send(
        new DescribeClustersCommand({ clusters: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
      ),
    );

    // Assess
    expect(error).toEqual({
      name: 'InvalidParameterException',
      message: 'clusters can have at most 100 items.',
      status: 400,
    });
  });

  it('lists every cluster', async () => {
    // Act
    const result = await clients.ecs.send(new ListClustersCommand({}));

    // Assess
    expect(result.clusterArns).toEqual([prod.arn, fleet.clusters[1]!.arn]);
    expect(result.nextToken).toBeUndefined();
  });
});

describe('ECS services', () => {
  it('pages ListServices by 10 by default, so 25 services take 3 calls', async () => {
    // Act
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: clients.ecs }, { cluster: 'prod' })) {
      arns.push(...(page.serviceArns ?? []));
    }

    // Assess
    expect(arns).toEqual(prod.services.map((s) => s.arn));
    expect(double.calls()).toEqual({ 'ecs:ListServices': 3 });
  });

  it('answers up to 100 services per page when asked', async () => {
    // Act
    const result = await clients.ecs.send(new ListServicesCommand({ cluster: prod.arn, maxResults: 100 }));

    // Assess
    expect(result.serviceArns).toHaveLength(25);
    expect(result.nextToken).toBeUndefined();
  });

  it.each([
    ['an unknown cluster', { cluster: 'nope' }, 'ClusterNotFoundException', 'Cluster not found.'],
    [
      'maxResults over 100',
      { cluster: 'prod', maxResults: 101 },
      'InvalidParameterException',
      'maxResults must be between 1 and 100.',
    ],
    [
      'a forged nextToken',
      { cluster: 'prod', nextToken: 'abc.def' },
      'InvalidParameterException',
      'Invalid nextToken.',
    ],
  ])('fails ListServices for %s', async (_case, input, name, message) => {
    // Act
    const error = await errorOf(clients.ecs.send(new ListServicesCommand(input)));

    // Assess
    expect(error).toEqual({ name, message, status: 400 });
  });

  it('describes a service with its deployments, Service Connect resources and tags', async () => {
    // Act
    const result = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: [web!.arn], include: ['TAGS'] }),
    );

    // Assess
    const service = result.services?.[0];
    const httpService = apps.services.find((s) => s.name === 'http')!;
    expect(service).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
      serviceName: 'web',
      clusterArn: prod.arn,
      status: 'ACTIVE',
      desiredCount: 250,
      runningCount: 250,
      launchType: 'FARGATE',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      serviceRegistries: [],
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(service?.deployments).toHaveLength(1);
    expect(service?.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      createdAt: new Date('2023-11-14T22:13:20.000Z'),
      serviceConnectConfiguration: { enabled: true, namespace: apps.arn },
      serviceConnectResources: [{ discoveryName: 'http', discoveryArn: httpService.arn }],
    });
    expect(result.failures).toEqual([]);
  });

  it('reports unknown services and services of another cluster as MISSING', async () => {
    // Act
    const result = await clients.ecs.send(
      new DescribeServicesCommand({
        cluster: 'prod',
        services: ['worker', 'ghost', fleet.clusters[1]!.services[0]!.arn],
      }),
    );

    // Assess
    expect(result.services?.map((s) => s.serviceName)).toEqual(['worker']);
    expect(result.services?.[0]?.tags).toBeUndefined();
    expect(result.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/ghost', reason: 'MISSING' },
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/staging/web', reason: 'MISSING' },
    ]);
  });

  it('refuses 11 services in one DescribeServices call', async () => {
    // Act
    const error = await errorOf(
      clients.ecs.send(
        new DescribeServicesCommand({
          cluster: 'prod',
          services: prod.services.slice(0, 11).map((s) => s.arn),
        }),
      ),
    );

    // Assess
    expect(error).toEqual({
      name: 'InvalidParameterException',
      message: 'services can have at most 10 items.',
      status: 400,
    });
  });

  it('lists the Service Connect services of a namespace given by name, id or ARN, across clusters', async () => {
    // Act
    const results = await Promise.all(
      [apps.name, apps.id, apps.arn].map((namespace) =>
        clients.ecs.send(new ListServicesByNamespaceCommand({ namespace })),
      ),
    );

    // Assess
    for (const result of results) {
      expect(result.serviceArns).toEqual([
        'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
        'arn:aws:ecs:us-east-1:123456789012:service/staging/web',
      ]);
    }
  });

  it('pages ListServicesByNamespace by 10, so 23 services take 3 calls', async () => {
    // Act
    const arns: string[] = [];
    for await (const page of paginateListServicesByNamespace(
      { client: clients.ecs },
      { namespace: 'bulk' },
    )) {
      arns.push(...(page.serviceArns ?? []));
    }

    // Assess
    expect(arns).toHaveLength(23);
    expect(arns[22]).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/bulk-22');
    expect(double.calls()).toEqual({ 'ecs:ListServicesByNamespace': 3 });
  });

  it('fails ListServicesByNamespace for an unknown namespace', async () => {
    // Act
    const error = await errorOf(clients.ecs.send(new ListServicesByNamespaceCommand({ namespace: 'nope' })));

    // Assess
    expect(error).toEqual({
      name: 'NamespaceNotFoundException',
      message: 'Namespace not found.',
      status: 400,
    });
  });
});

describe('ECS tasks', () => {
  it('pages 250 running tasks of a service by 100: 3 calls, every task once', async () => {
    // Act
    const arns: string[] = [];
    for await (const page of paginateListTasks(
      { client: clients.ecs },
      { cluster: 'prod', serviceName: web!.arn, desiredStatus: 'RUNNING' },
    )) {
      arns.push(...(page.taskArns ?? []));
    }

    // Assess
    expect(arns).toEqual(web!.tasks.map((t) => t.arn));
    expect(double.calls()).toEqual({ 'ecs:ListTasks': 3 });
  });

  it.each([
    ['the whole cluster (desiredStatus RUNNING by default)', { cluster: 'prod', maxResults: 100 }, 253],
    ['a service by name', { cluster: 'prod', serviceName: 'worker' }, 3],
    ['stopped tasks', { cluster: 'prod', desiredStatus: 'STOPPED' as const }, 1],
    ['a service without tasks', { cluster: 'prod', serviceName: 'bulk-00' }, 0],
  ])('counts the tasks of %s', async (_case, input, expected) => {
    // Act
    let count = 0;
    for await (const page of paginateListTasks({ client: clients.ecs }, input))
      count += page.taskArns?.length ?? 0;

    // Assess
    expect(count).toBe(expected);
  });

  it('rejects a nextToken used with another service', async () => {
    // Prepare
    const first = await clients.ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web' }));

    // Act
    const error = await errorOf(
      clients.ecs.send(
        new ListTasksCommand({ cluster: 'prod', serviceName: 'worker', nextToken: first.nextToken }),
      ),
    );

    // Assess
    expect(first.taskArns).toHaveLength(100);
    expect(error).toEqual({ name: 'InvalidParameterException', message: 'Invalid nextToken.', status: 400 });
  });

  it.each([
    ['an unknown cluster', { cluster: 'nope' }, 'ClusterNotFoundException', 'Cluster not found.'],
    [
      'an unknown service',
      { cluster: 'prod', serviceName: 'ghost' },
      'ServiceNotFoundException',
      'Service not found.',
    ],
  ])('fails ListTasks for %s', async (_case, input, name, message) => {
    // Act
    const error = await errorOf(clients.ecs.send(new ListTasksCommand(input)));

    // Assess
    expect(error).toEqual({ name, message, status: 400 });
  });

  it('describes an awsvpc task with its ENI attachment, container interface, group and tags', async () => {
    // Prepare
    const task = web!.tasks[0]!;

    // Act
    const result = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [task.arn], include: ['TAGS'] }),
    );

    // Assess
    const described = result.tasks?.[0];
    expect(described).toMatchObject({
      taskArn: task.arn,
      clusterArn: prod.arn,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      group: 'service:web',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      availabilityZone: 'us-east-1a',
      tags: [{ key: 'component', value: 'web' }],
    });
    expect(described?.attachments?.[0]?.type).toBe('ElasticNetworkInterface');
    expect(described?.attachments?.[0]?.status).toBe('ATTACHED');
    expect(described?.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')).toEqual({
      name: 'privateIPv4Address',
      value: '10.0.0.1',
    });
    expect(described?.containers?.map((c) => [c.name, c.networkInterfaces?.[0]?.privateIpv4Address])).toEqual(
      [['app', '10.0.0.1']],
    );
  });

  it('describes tasks without address, on bridge networking and with the address on the container only', async () => {
    // Prepare
    const [noAddress, bridge, , containerOnly] = worker!.tasks;

    // Act
    const result = await clients.ecs.send(
      new DescribeTasksCommand({
        cluster: prod.arn,
        tasks: [noAddress!.id, bridge!.arn, containerOnly!.arn],
        include: ['TAGS'],
      }),
    );

    // Assess
    const addresses = result.tasks?.map((t) => ({
      eni: t.attachments?.map((a) => a.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? null),
      container: t.containers?.map((c) => c.networkInterfaces?.[0]?.privateIpv4Address ?? null),
      bindings: t.containers?.[0]?.networkBindings?.length,
      tags: t.tags,
    }));
    expect(addresses).toEqual([
      { eni: [null], container: [null], bindings: 0, tags: [] },
      { eni: [], container: [null], bindings: 1, tags: [] },
      { eni: [null], container: [containerOnly!.ip], bindings: 0, tags: [{ key: 'role', value: 'x' }] },
    ]);
  });

  it('reports unknown tasks as MISSING failures', async () => {
    // Act
    const result = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: ['0123', web!.tasks[1]!.arn] }),
    );

    // Assess
    expect(result.tasks?.map((t) => t.taskArn)).toEqual([web!.tasks[1]!.arn]);
    expect(result.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123', reason: 'MISSING' },
    ]);
  });

  it('refuses 101 tasks in one DescribeTasks call', async () => {
    // Act
    const error = await errorOf(
      clients.ecs.send(
        new DescribeTasksCommand({ cluster: 'prod', tasks: web!.tasks.slice(0, 101).map((t) => t.arn) }),
      ),
    );

    // Assess
    expect(error).toEqual({
      name: 'InvalidParameterException',
      message: 'tasks can have at most 100 items.',
      status: 400,
    });
  });
});
