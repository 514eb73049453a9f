import {
  GetNamespaceCommand,
  GetServiceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  paginateListInstances,
  paginateListNamespaces,
  paginateListServices,
} from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DoubleClients } from './clients.ts';
import { makeClients } from './clients.ts';
import { defineFleet } from './fleet.ts';
import type { AwsDouble } from './server.ts';
import { startAwsDouble } from './server.ts';

const fleet = defineFleet({
  namespaces: [
    {
      name: 'corp.local',
      tags: { team: 'platform' },
      services: [
        { name: 'legacy', description: 'hand made', tags: { METRICS_PORT: '9100' }, instances: 250 },
        { name: 'bare', instances: [{ id: 'no-ip', ip: null, attributes: { custom: 'x' } }] },
        ...Array.from({ length: 148 }, (_, i) => ({ name: `filler-${i}` })),
      ],
    },
    { name: 'corp.local', type: 'HTTP' as const, id: 'ns-http0000000000a' },
    { name: 'apps', type: 'HTTP' as const },
    ...Array.from({ length: 120 }, (_, i) => ({ name: `many-${i}`, type: 'HTTP' as const })),
  ],
  clusters: [{ name: 'prod', services: [{ name: 'web', tasks: 2, serviceConnect: { namespace: 'apps' } }] }],
});
// Two namespaces share the name corp.local (a DNS and an HTTP one), as Cloud Map allows.
const [corpDns, corpHttp, apps] = fleet.namespaces;
const legacy = corpDns!.services[0]!;
const scWeb = apps!.services[0]!;

let double: AwsDouble;
let clients: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble(fleet);
  clients = makeClients(double);
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

describe('Cloud Map namespaces', () => {
  it('finds every namespace of a name with a NAME EQ filter', async () => {
    // Act
    const result = await clients.serviceDiscovery.send(
      new ListNamespacesCommand({ Filters: [{ Name: 'NAME', Values: ['corp.local'], Condition: 'EQ' }] }),
    );

    // Assess
    expect(result.Namespaces?.map((n) => [n.Id, n.Name, n.Type, n.Arn])).toEqual([
      [
        corpDns!.id,
        'corp.local',
        'DNS_PRIVATE',
        `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${corpDns!.id}`,
      ],
      [
        'ns-http0000000000a',
        'corp.local',
        'HTTP',
        'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-http0000000000a',
      ],
    ]);
    expect(result.NextToken).toBeUndefined();
  });

  it('filters namespaces by TYPE', async () => {
    // Act
    const result = await clients.serviceDiscovery.send(
      new ListNamespacesCommand({ Filters: [{ Name: 'TYPE', Values: ['DNS_PRIVATE'] }] }),
    );

    // Assess
    expect(result.Namespaces?.map((n) => n.Id)).toEqual([corpDns!.id]);
  });

  it('pages 123 namespaces by 100: 2 calls', async () => {
    // Act
    const ids: string[] = [];
    for await (const page of paginateListNamespaces({ client: clients.serviceDiscovery }, {})) {
      ids.push(...(page.Namespaces ?? []).map((n) => n.Id!));
    }

    // Assess
    expect(ids).toEqual(fleet.namespaces.map((n) => n.id));
    expect(double.calls()).toEqual({ 'servicediscovery:ListNamespaces': 2 });
  });

  it('gets a namespace by id or ARN', async () => {
    // Act
    const byId = await clients.serviceDiscovery.send(new GetNamespaceCommand({ Id: corpHttp!.id }));
    const byArn = await clients.serviceDiscovery.send(new GetNamespaceCommand({ Id: corpHttp!.arn }));

    // Assess
    expect(byId.Namespace).toMatchObject({
      Id: 'ns-http0000000000a',
      Name: 'corp.local',
      Type: 'HTTP',
      ServiceCount: 0,
    });
    expect(byArn.Namespace?.Id).toBe('ns-http0000000000a');
  });

  it.each([
    [
      'GetNamespace of an unknown id',
      new GetNamespaceCommand({ Id: 'ns-missing' }),
      'NamespaceNotFound',
      'Namespace not found: ns-missing',
    ],
    [
      'ListNamespaces with an unsupported filter',
      new ListNamespacesCommand({ Filters: [{ Name: 'NAMESPACE_ID' as 'NAME', Values: ['x'] }] }),
      'InvalidInput',
      'Filter name NAMESPACE_ID is not supported.',
    ],
    [
      'ListNamespaces with MaxResults 101',
      new ListNamespacesCommand({ MaxResults: 101 }),
      'InvalidInput',
      'MaxResults must be between 1 and 100.',
    ],
    [
      'ListNamespaces with a forged NextToken',
      new ListNamespacesCommand({ NextToken: 'x' }),
      'InvalidInput',
      'Invalid NextToken.',
    ],
  ])('fails %s', async (_case, command, name, message) => {
    // Act
    const error = await errorOf(clients.serviceDiscovery.send(command as ListNamespacesCommand));

    // Assess
    expect(error).toEqual({ name, message, status: 400 });
  });
});

describe('Cloud Map services', () => {
  it('pages the 150 services of a namespace by 100 with a NAMESPACE_ID filter', async () => {
    // Act
    const names: string[] = [];
    for await (const page of paginateListServices(
      { client: clients.serviceDiscovery },
      { Filters: [{ Name: 'NAMESPACE_ID', Values: [corpDns!.id], Condition: 'EQ' }] },
    )) {
      names.push(...(page.Services ?? []).map((s) => s.Name!));
    }

    // Assess
    expect(names).toHaveLength(150);
    expect(names.slice(0, 3)).toEqual(['legacy', 'bare', 'filler-0']);
    expect(double.calls()).toEqual({ 'servicediscovery:ListServices': 2 });
  });

  it('lists the Service Connect service ECS created, with its managed description', async () => {
    // Act
    const result = await clients.serviceDiscovery.send(
      new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [apps!.arn] }] }),
    );

    // Assess
    expect(result.Services).toHaveLength(1);
    expect(result.Services?.[0]).toMatchObject({
      Id: scWeb.id,
      Arn: scWeb.arn,
      Name: 'web',
      Type: 'HTTP',
      Description: 'Managed by arn:aws:ecs:us-east-1:123456789012:service/prod/web',
      InstanceCount: 2,
    });
  });

  it('answers an unknown namespace id with no services, as Cloud Map does', async () => {
    // Act
    const result = await clients.serviceDiscovery.send(
      new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: ['ns-missing'] }] }),
    );

    // Assess
    expect(result.Services).toEqual([]);
  });

  it('gets a service with its namespace id', async () => {
    // Act
    const result = await clients.serviceDiscovery.send(new GetServiceCommand({ Id: legacy.id }));

    // Assess
    expect(result.Service).toMatchObject({
      Id: legacy.id,
      Arn: legacy.arn,
      Name: 'legacy',
      NamespaceId: corpDns!.id,
      Description: 'hand made',
      Type: 'DNS_HTTP',
    });
  });

  it('lists tags of services and namespaces, and fails for an unknown resource', async () => {
    // Act
    const serviceTags = await clients.serviceDiscovery.send(
      new ListTagsForResourceCommand({ ResourceARN: scWeb.arn }),
    );
    const namespaceTags = await clients.serviceDiscovery.send(
      new ListTagsForResourceCommand({ ResourceARN: corpDns!.arn }),
    );
    const error = await errorOf(
      clients.serviceDiscovery.send(
        new ListTagsForResourceCommand({
          ResourceARN: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-gone',
        }),
      ),
    );

    // Assess
    expect(serviceTags.Tags).toEqual([{ Key: 'AmazonECSManaged', Value: 'true' }]);
    expect(namespaceTags.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect(error).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Resource not found: arn:aws:servicediscovery:us-east-1:123456789012:service/srv-gone',
      status: 400,
    });
  });
});

describe('Cloud Map instances', () => {
  it('pages 250 instances by 100: 3 calls', async () => {
    // Act
    const ids: string[] = [];
    for await (const page of paginateListInstances(
      { client: clients.serviceDiscovery },
      { ServiceId: legacy.id },
    )) {
      ids.push(...(page.Instances ?? []).map((i) => i.Id!));
    }

    // Assess
    expect(ids).toEqual(legacy.instances.map((i) => i.id));
    expect(new Set(ids).size).toBe(250);
    expect(double.calls()).toEqual({ 'servicediscovery:ListInstances': 3 });
  });

  it('lists ECS-registered instances under the task ids, and instances without an address', async () => {
    // Act
    const registered = await clients.serviceDiscovery.send(
      new ListInstancesCommand({ ServiceId: scWeb.arn }),
    );
    const bare = await clients.serviceDiscovery.send(
      new ListInstancesCommand({ ServiceId: corpDns!.services[1]!.id }),
    );

    // Assess
    expect(
      registered.Instances?.map((i) => [
        i.Id,
        i.Attributes?.AWS_INSTANCE_IPV4,
        i.Attributes?.ECS_SERVICE_NAME,
      ]),
    ).toEqual(fleet.clusters[0]!.services[0]!.tasks.map((t) => [t.id, t.ip, 'web']));
    expect(bare.Instances).toEqual([
      { Id: 'no-ip', Attributes: { custom: 'x' }, CreatedByAccount: '123456789012' },
    ]);
  });

  it('fails ListInstances for an unknown service', async () => {
    // Act
    const error = await errorOf(
      clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: 'srv-gone' })),
    );

    // Assess
    expect(error).toEqual({ name: 'ServiceNotFound', message: 'Service not found: srv-gone', status: 400 });
  });
});
