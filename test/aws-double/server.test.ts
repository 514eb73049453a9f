import { DescribeTasksCommand, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { ListInstancesCommand, ListServicesCommand } from '@aws-sdk/client-servicediscovery';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DoubleClients } from './clients.ts';
import { makeClients } from './clients.ts';
import type { FleetSpec } from './fleet.ts';
import { defineFleet } from './fleet.ts';
import type { AwsDouble } from './server.ts';
import { startAwsDouble } from './server.ts';

const spec: FleetSpec = {
  namespaces: [{ name: 'corp.local', services: [{ name: 'legacy', instances: 3 }] }],
  clusters: [
    { name: 'prod', services: [{ name: 'web', tasks: 3 }] },
    { name: 'staging', services: [{ name: 'web', tasks: 2 }] },
  ],
};
const fleet = defineFleet(spec);
const namespace = fleet.namespaces[0]!;

let double: AwsDouble;
/** Default SDK retry settings (3 attempts). */
let clients: DoubleClients;
/** One attempt: faults reach the caller at once. */
let once: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble(fleet);
  clients = makeClients(double);
  once = makeClients(double, { maxAttempts: 1 });
});
afterAll(async () => {
  clients.destroy();
  once.destroy();
  await double.close();
});
afterEach(() => {
  double.clearFaults();
  double.clearThrottling();
  double.setLatency(0);
  double.setFleet(fleet);
  double.resetCalls();
});

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata: { httpStatusCode: number; attempts: number } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata.httpStatusCode,
      attempts: e.$metadata.attempts,
    };
  }
  throw new Error('expected the call to fail');
};

const listTasks = (client: DoubleClients, cluster: string) =>
  client.ecs.send(new ListTasksCommand({ cluster }));

describe('call counters', () => {
  it('counts calls per operation until reset', async () => {
    // Act
    await listTasks(clients, 'prod');
    await listTasks(clients, 'staging');
    await clients.ecs.send(new ListClustersCommand({}));
    await clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: namespace.services[0]!.id }));
    const before = double.calls();
    const total = double.totalCalls();
    double.resetCalls();

    // Assess
    expect(before).toEqual({
      'ecs:ListTasks': 2,
      'ecs:ListClusters': 1,
      'servicediscovery:ListInstances': 1,
    });
    expect(total).toBe(4);
    expect(double.calls()).toEqual({});
  });

  it('records the peak number of calls in flight', async () => {
    // Prepare
    double.setLatency(50);

    // Act
    await Promise.all([
      listTasks(clients, 'prod'),
      listTasks(clients, 'prod'),
      listTasks(clients, 'staging'),
    ]);

    // Assess
    expect(double.peakConcurrency()).toBe(3);
  });
});

describe('injected faults', () => {
  it('recovers through the SDK retries when a 503 hits twice', async () => {
    // Prepare
    double.inject({ operation: 'ecs:ListTasks', error: 503, times: 2 });

    // Act
    const result = await listTasks(clients, 'prod');

    // Assess
    expect(result.taskArns).toHaveLength(3);
    expect(result.$metadata.attempts).toBe(3);
    expect(double.calls()).toEqual({ 'ecs:ListTasks': 3 });
    expect(double.faulted()).toEqual({ 'ecs:ListTasks': 2 });
  });

  it.each([
    ['ThrottlingException' as const, 'ThrottlingException', 'Rate exceeded', 400],
    [500 as const, 'ServerException', 'We encountered an internal error. Please try again.', 500],
    [503 as const, 'ServiceUnavailableException', 'Service Unavailable', 503],
    [
      { status: 400, type: 'ClusterNotFoundException', message: 'Cluster not found.' },
      'ClusterNotFoundException',
      'Cluster not found.',
      400,
    ],
  ])('answers %j with the named error', async (error, name, message, status) => {
    // Prepare
    double.inject({ operation: 'ecs:ListTasks', error });

    // Act
    const failure = await errorOf(listTasks(once, 'prod'));

    // Assess
    expect(failure).toEqual({ name, message, status, attempts: 1 });
  });

  it('does not retry AccessDeniedException and keeps failing while the fault is always on', async () => {
    // Prepare
    double.inject({
      operation: 'ecs:ListTasks',
      cluster: 'prod',
      error: 'AccessDeniedException',
      times: 'always',
    });

    // Act
    const first = await errorOf(listTasks(clients, 'prod'));
    const second = await errorOf(listTasks(clients, 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'));
    const other = await listTasks(clients, 'staging');

    // Assess
    expect(first).toEqual({
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::123456789012:assumed-role/discovery/lambda is not authorized to perform: ecs:ListTasks because no identity-based policy allows the ecs:ListTasks action',
      status: 400,
      attempts: 1,
    });
    expect(second.name).toBe('AccessDeniedException');
    expect(other.taskArns).toHaveLength(2);
    expect(double.faulted()).toEqual({ 'ecs:ListTasks': 2 });
  });

  it('recovers once the faults are cleared', async () => {
    // Prepare
    double.inject({ operation: '*', error: 'ThrottlingException', times: 'always' });
    const failure = await errorOf(listTasks(once, 'prod'));

    // Act
    double.clearFaults();
    const result = await listTasks(once, 'prod');

    // Assess
    expect(failure.name).toBe('ThrottlingException');
    expect(result.taskArns).toHaveLength(3);
  });

  it('hits only the calls its matcher accepts, counts hits, and can be removed', async () => {
    // Prepare
    const target = fleet.clusters[0]!.services[0]!.tasks[1]!.arn;
    const fault = double.inject({
      operation: 'ecs:DescribeTasks',
      match: (input) => Array.isArray(input.tasks) && input.tasks.includes(target),
      error: 500,
      times: 'always',
    });
    const describe = (tasks: string[]) => once.ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks }));

    // Act
    const ok = await describe([fleet.clusters[0]!.services[0]!.tasks[0]!.arn]);
    const failed = await errorOf(describe([target]));
    fault.remove();
    const after = await describe([target]);

    // Assess
    expect(ok.tasks).toHaveLength(1);
    expect(failed.name).toBe('ServerException');
    expect(fault.hits()).toBe(1);
    expect(after.tasks).toHaveLength(1);
  });

  it('matches Cloud Map calls by namespace id and uses the Cloud Map error names', async () => {
    // Prepare
    double.inject({ operation: 'servicediscovery:ListServices', namespaceId: namespace.id, error: 500 });
    const filters = (id: string) => [{ Name: 'NAMESPACE_ID' as const, Values: [id] }];

    // Act
    const other = await once.serviceDiscovery.send(new ListServicesCommand({ Filters: filters('ns-other') }));
    const failure = await errorOf(
      once.serviceDiscovery.send(new ListServicesCommand({ Filters: filters(namespace.arn) })),
    );

    // Assess
    expect(other.Services).toEqual([]);
    expect(failure).toMatchObject({ name: 'InternalFailure', status: 500 });
  });
});

describe('latency', () => {
  it('delays one operation and leaves the others fast', async () => {
    // Prepare
    double.setLatency({ 'ecs:ListClusters': 150 });

    // Act
    let started = performance.now();
    await clients.ecs.send(new ListClustersCommand({}));
    const slow = performance.now() - started;
    started = performance.now();
    await listTasks(clients, 'prod');
    const fast = performance.now() - started;

    // Assess
    expect(slow).toBeGreaterThanOrEqual(145);
    expect(fast).toBeLessThan(100);
  });

  it('delays the calls a fault matches without failing them', async () => {
    // Prepare
    double.inject({ operation: 'ecs:ListTasks', cluster: 'staging', latencyMs: 150 });

    // Act
    const started = performance.now();
    const result = await listTasks(clients, 'staging');

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(result.taskArns).toHaveLength(2);
    expect(double.faulted()).toEqual({});
  });
});

describe('token-bucket throttling', () => {
  it('throttles a family past its burst, counts throttled calls, and refills over time', async () => {
    // Prepare
    double.throttle({ family: ['ecs:ListTasks', 'ecs:DescribeTasks'], burst: 5, ratePerSecond: 4 });

    // Act
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => listTasks(once, 'prod')));
    const describeFailure = await errorOf(
      once.ecs.send(
        new DescribeTasksCommand({ cluster: 'prod', tasks: [fleet.clusters[0]!.services[0]!.tasks[0]!.arn] }),
      ),
    );
    const unrelated = await once.ecs.send(new ListClustersCommand({}));
    await new Promise((resolve) => setTimeout(resolve, 600)); // 2.4 tokens at 4/s
    const refilled = await Promise.allSettled([listTasks(once, 'prod'), listTasks(once, 'prod')]);

    // Assess
    expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(describeFailure).toEqual({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      status: 400,
      attempts: 1,
    });
    expect(unrelated.clusterArns).toHaveLength(2);
    expect(refilled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(double.throttled()).toEqual({ 'ecs:ListTasks': 3, 'ecs:DescribeTasks': 1 });
    expect(double.calls()).toEqual({ 'ecs:ListTasks': 10, 'ecs:DescribeTasks': 1, 'ecs:ListClusters': 1 });
  });

  it('lets the SDK retries get through a slow bucket', async () => {
    // Prepare
    double.throttle({ family: ['ecs:ListTasks'], burst: 1, ratePerSecond: 50 });

    // Act
    const results = await Promise.all([1, 2, 3].map(() => listTasks(clients, 'prod')));

    // Assess
    expect(results.map((r) => r.taskArns?.length)).toEqual([3, 3, 3]);
    expect(double.throttled()['ecs:ListTasks']).toBeGreaterThanOrEqual(1);
  });
});

describe('fleet changes', () => {
  it('serves a new fleet from the next call on', async () => {
    // Prepare
    const before = await listTasks(clients, 'staging');

    // Act
    double.setFleet({ ...spec, clusters: [{ name: 'prod', services: [{ name: 'web', tasks: 5 }] }] });
    const failure = await errorOf(listTasks(once, 'staging'));
    const prod = await listTasks(clients, 'prod');

    // Assess
    expect(before.taskArns).toHaveLength(2);
    expect(failure).toMatchObject({ name: 'ClusterNotFoundException', status: 400 });
    expect(prod.taskArns).toHaveLength(5);
    // Ids are derived from names, so the first three tasks keep their ARNs.
    expect(prod.taskArns?.slice(0, 3)).toEqual(fleet.clusters[0]!.services[0]!.tasks.map((t) => t.arn));
  });

  it('deletes a cluster mid-refresh from an onCall listener', async () => {
    // Prepare
    const stop = double.onCall(({ operation }) => {
      if (operation === 'ecs:DescribeTasks') {
        double.mutate((current) => ({
          ...current,
          clusters: current.clusters.filter((c) => c.name !== 'prod'),
        }));
      }
    });
    const listed = await listTasks(clients, 'prod');

    // Act
    const failure = await errorOf(
      once.ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: listed.taskArns })),
    );
    stop();

    // Assess
    expect(listed.taskArns).toHaveLength(3);
    expect(failure).toMatchObject({ name: 'ClusterNotFoundException', status: 400 });
    expect(double.fleet().clusters.map((c) => c.name)).toEqual(['staging']);
  });
});

describe('protocol', () => {
  const post = (target: string | undefined, body: string) =>
    fetch(double.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        ...(target ? { 'x-amz-target': target } : {}),
      },
      body,
    });

  it.each([
    [
      'an operation the double does not speak',
      'AmazonEC2ContainerServiceV20141113.RunTask',
      '{}',
      'UnknownOperationException',
    ],
    ['no target', undefined, '{}', 'UnknownOperationException'],
    [
      'a body that is not JSON',
      'AmazonEC2ContainerServiceV20141113.ListClusters',
      '{',
      'SerializationException',
    ],
  ])('answers %s with a JSON 1.1 error', async (_case, target, body, type) => {
    // Act
    const response = await post(target, body);

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(((await response.json()) as { __type: string }).__type).toBe(type);
  });

  it('answers a raw JSON 1.1 call like AWS', async () => {
    // Act
    const response = await post('AmazonEC2ContainerServiceV20141113.ListClusters', '{"maxResults":1}');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { clusterArns: string[]; nextToken: string };
    expect(body.clusterArns).toEqual(['arn:aws:ecs:us-east-1:123456789012:cluster/prod']);
    expect(typeof body.nextToken).toBe('string');
  });
});
