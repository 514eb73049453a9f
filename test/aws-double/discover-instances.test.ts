import { DiscoverInstancesCommand, ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoubleClients } from './clients.ts';
import { makeClients } from './clients.ts';
import { defineFleet } from './fleet.ts';
import type { AwsDouble } from './server.ts';
import { startAwsDouble } from './server.ts';

const fleet = defineFleet({
  namespaces: [
    {
      name: 'corp.local',
      services: [
        {
          name: 'api',
          instances: [
            { id: 'up', ip: '10.0.0.5', port: 8080 },
            { id: 'down', ip: '10.0.0.6', attributes: { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' } },
          ],
        },
        { name: 'big', instances: 1000 },
      ],
    },
    // The same name again (an HTTP namespace beside the DNS one): Cloud Map suffixes its HttpName.
    {
      name: 'corp.local',
      type: 'HTTP',
      services: [{ name: 'api', instances: [{ id: 'http-1', ip: null }] }],
    },
  ],
});
const [dns, http] = fleet.namespaces;

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

const discover = (input: Partial<ConstructorParameters<typeof DiscoverInstancesCommand>[0]>) =>
  clients.serviceDiscovery.send(
    new DiscoverInstancesCommand({ NamespaceName: 'corp.local', ServiceName: 'api', ...input }),
  );

describe('DiscoverInstances', () => {
  it('answers with every instance and its attributes for HealthStatus=ALL', async () => {
    // Act
    const out = await discover({ HealthStatus: 'ALL', MaxResults: 1000 });

    // Assess
    expect(out.Instances).toEqual([
      {
        InstanceId: 'up',
        NamespaceName: 'corp.local',
        ServiceName: 'api',
        HealthStatus: 'HEALTHY',
        Attributes: { AWS_INSTANCE_IPV4: '10.0.0.5', AWS_INSTANCE_PORT: '8080' },
      },
      {
        InstanceId: 'down',
        NamespaceName: 'corp.local',
        ServiceName: 'api',
        HealthStatus: 'UNHEALTHY',
        Attributes: { AWS_INSTANCE_IPV4: '10.0.0.6', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' },
      },
    ]);
    expect(typeof out.InstancesRevision).toBe('number');
  });

  it.each([
    [undefined, ['up']],
    ['HEALTHY', ['up']],
    ['UNHEALTHY', ['down']],
    ['HEALTHY_OR_ELSE_ALL', ['up']],
  ] as const)('filters by HealthStatus %s', async (HealthStatus, ids) => {
    const out = await discover(HealthStatus === undefined ? {} : { HealthStatus });
    expect(out.Instances?.map((i) => i.InstanceId)).toEqual(ids);
  });

  it('returns 100 instances by default and at most MaxResults, with no paging', async () => {
    const byDefault = await discover({ ServiceName: 'big', HealthStatus: 'ALL' });
    const all = await discover({ ServiceName: 'big', HealthStatus: 'ALL', MaxResults: 1000 });
    expect([byDefault.Instances?.length, all.Instances?.length]).toEqual([100, 1000]);
  });

  it('addresses a namespace whose name is reused by its suffixed HttpName', async () => {
    // Prepare
    const listed = await clients.serviceDiscovery.send(new ListNamespacesCommand({}));
    const httpNames = listed.Namespaces?.map((n) => [n.Id, n.Properties?.HttpProperties?.HttpName]);
    const suffixed = httpNames?.find(([id]) => id === http?.id)?.[1] ?? '';

    // Act
    const out = await discover({ NamespaceName: suffixed, HealthStatus: 'ALL' });

    // Assess
    expect(httpNames?.find(([id]) => id === dns?.id)?.[1]).toBe('corp.local');
    expect(suffixed).toMatch(/^corp\.local-[0-9a-f]{8}$/);
    expect(out.Instances?.map((i) => [i.InstanceId, i.NamespaceName])).toEqual([['http-1', suffixed]]);
  });

  it.each([
    [{ NamespaceName: 'nope.local' }, 'NamespaceNotFound'],
    [{ ServiceName: 'nope' }, 'ServiceNotFound'],
    [{ MaxResults: 1001 }, 'InvalidInput'],
  ] as const)('rejects %o with %s', async (input, name) => {
    await expect(discover(input)).rejects.toMatchObject({ name });
  });
});
