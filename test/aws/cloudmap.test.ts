/** Cloud Map instance reads through the real SDK against the AWS double. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCallContext } from '../../lambda/aws/call-context.ts';
import { listNamespaces, listServices, readInstances } from '../../lambda/aws/cloudmap.ts';
import {
  type AwsDouble,
  type DoubleClients,
  defineFleet,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';

const fleet = defineFleet({
  namespaces: [
    {
      name: 'corp.local',
      services: [
        { name: 'full', instances: 1000 },
        { name: 'almost', instances: 999 },
      ],
    },
  ],
});

let double: AwsDouble;
let clients: DoubleClients;
beforeAll(async () => {
  double = await startAwsDouble(fleet);
  clients = makeClients(double, { maxAttempts: 1 });
});
afterAll(async () => {
  clients.destroy();
  await double.close();
});
beforeEach(() => double.resetCalls());

const records = async () => {
  const ctx = createCallContext({ maxConcurrency: 4 });
  const [ns] = await listNamespaces(ctx, clients.serviceDiscovery);
  if (ns === undefined) throw new Error('no namespace');
  const services = await listServices(ctx, clients.serviceDiscovery, ns);
  double.resetCalls();
  return services;
};

describe('readInstances', () => {
  it.each([
    ['almost', 999, { 'servicediscovery:DiscoverInstances': 1 }],
    // A full answer has no next token, so it cannot prove it is complete: ListInstances pages it.
    ['full', 1000, { 'servicediscovery:DiscoverInstances': 1, 'servicediscovery:ListInstances': 10 }],
  ] as const)('reads the %s service (%i instances) with %o', async (name, count, calls) => {
    // Prepare
    const service = (await records()).find((s) => s.name === name);
    if (service === undefined) throw new Error(name);
    const ctx = createCallContext({ maxConcurrency: 4 });

    // Act
    const instances = await readInstances(ctx, clients.serviceDiscovery, service);

    // Assess
    expect(instances).toHaveLength(count);
    expect(double.calls()).toEqual(calls);
  });

  it('lists a service whose namespace has no HttpName with ListInstances', async () => {
    // Prepare
    const service = (await records()).find((s) => s.name === 'almost');
    if (service === undefined) throw new Error('almost');
    const ctx = createCallContext({ maxConcurrency: 4 });

    // Act
    const instances = await readInstances(ctx, clients.serviceDiscovery, {
      ...service,
      namespaceHttpName: undefined,
    });

    // Assess
    expect(instances).toHaveLength(999);
    expect(double.calls()).toEqual({ 'servicediscovery:ListInstances': 10 });
  });
});
