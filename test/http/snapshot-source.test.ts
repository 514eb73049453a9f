/**
 * Serving from the snapshot: the app over the snapshot source, against the double's S3, with an
 * injected clock. At most one conditional GetObject per request, none within a second, never ECS or
 * Cloud Map; ETag/304, gzip and the age rules (stale after two schedule periods, 503 after
 * CacheTtlSeconds + StaleIfErrorSeconds, 503 + Retry-After without a snapshot).
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/http/app.ts';
import { HttpProblem } from '../../lambda/http/problem.ts';
import { PayloadVersion } from '../../lambda/http/request.ts';
import { createSnapshotSource } from '../../lambda/http/snapshot-source.ts';
import {
  BUCKET,
  KEY,
  type SnapshotWorld,
  startSnapshotWorld,
  targetsOf,
  withWebTasks,
} from '../refresh/support.ts';

const worlds: SnapshotWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

const setup = async () => {
  const world = await startSnapshotWorld();
  worlds.push(world);
  const app = createApp({
    loadConfig: () => world.config,
    createDiscover: () => {
      throw new Error('snapshot mode must not build a discovery');
    },
    logger: world.logger,
    readSecret: () => Promise.reject(new Error('no secret configured')),
    now: world.clock.now,
    createResultSource: (config) =>
      createSnapshotSource({ store: world.store, config, logger: world.logger, now: world.clock.now }),
  });
  // Identity bodies as their text and gzip bodies as their bytes, so responses compare as values.
  const get = async (
    headers: Record<string, string> = {},
    payloadVersion: PayloadVersion = PayloadVersion.V2,
  ) => {
    const response = await app.handle({
      method: 'GET',
      path: '/prometheus-targets',
      headers,
      requestId: 'r-1',
      payloadVersion,
    });
    const { body } = response;
    if (typeof body === 'string') return response;
    return { ...response, body: body.encoding === 'gzip' ? body.bytes() : body.lambdaText() };
  };
  const problemOf = async (request: Promise<unknown>) => {
    const error = await request.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof HttpProblem)) throw new Error(`expected an HttpProblem, got ${String(error)}`);
    return { status: error.statusCode, headers: error.headers, detail: error.problem.detail };
  };
  /** A full reconcile at the current clock, then the counters start from zero. */
  const refresh = async () => {
    await world.refresher.full();
    world.double.resetCalls();
    world.double.s3.resetCalls();
  };
  return { world, get, problemOf, refresh };
};

const gets = (world: SnapshotWorld) => world.double.s3.calls()['s3:GetObject'] ?? 0;

describe('serving the snapshot', () => {
  it('answers 503 with Retry-After while no snapshot exists', async () => {
    // Prepare
    const { world, get, problemOf } = await setup();

    // Act
    const problem = await problemOf(get());

    // Assess
    expect(problem).toEqual({
      status: 503,
      headers: { 'Cache-Control': 'no-store', 'Retry-After': '10' },
      detail: 'No target snapshot has been written yet.',
    });
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
    expect(world.double.totalCalls()).toBe(0);
  });

  it('serves the body and ETag the refresher wrote, with one GetObject and no ECS or Cloud Map call', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();
    const stored = world.stored();

    // Act
    const response = await get();

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      headers: {
        ETag: stored?.etag,
        'Cache-Control': 'max-age=60',
        Vary: 'Accept-Encoding',
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: stored?.body,
    });
    expect(targetsOf(response.body)).toEqual(['api 10.0.0.1:9090', 'web 10.0.0.2:8080', 'web 10.0.0.3:8080']);
    expect(world.double.s3.calls()).toEqual({ 's3:GetObject': 1 });
    expect(world.double.totalCalls()).toBe(0);
  });

  it('reads S3 at most once per second: none within it, one conditional read after it', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();
    await get();

    // Act
    const counts: number[] = [];
    for (const advanceMs of [0, 500, 499, 1, 1000]) {
      world.clock.advanceSeconds(advanceMs / 1000);
      await get();
      counts.push(gets(world));
    }

    // Assess: +0, +500, +999 ms answered from memory; +1000 and +2000 ms re-check (304 from S3).
    expect(counts).toEqual([1, 1, 1, 2, 3]);
    expect(world.double.totalCalls()).toBe(0);
  });

  it('lets concurrent requests share one GetObject', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();

    // Act
    const responses = await Promise.all([get(), get(), get(), get(), get()]);

    // Assess
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(gets(world)).toBe(1);
  });

  it('picks up a newer snapshot at the next read after the second has passed', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();
    await get();
    world.double.mutate(() => withWebTasks(3));
    await world.refresher.events(world.double.drainTaskEvents().map((event) => event.detail));

    // Act
    const within = await get();
    world.clock.advanceSeconds(1);
    const after = await get();

    // Assess
    expect(targetsOf(within.body)).toHaveLength(3);
    expect(targetsOf(after.body)).toEqual([
      'api 10.0.0.1:9090',
      'web 10.0.0.2:8080',
      'web 10.0.0.3:8080',
      'web 10.0.0.4:8080',
    ]);
    expect(after.headers.ETag).toBe(world.stored()?.etag);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();
    const etag = String(world.stored()?.etag);

    // Act
    const response = await get({ 'if-none-match': etag });

    // Assess
    expect(response).toEqual({
      statusCode: 304,
      headers: { ETag: etag, 'Cache-Control': 'max-age=60', Vary: 'Accept-Encoding' },
      body: '',
    });
  });

  it('serves the stored gzip form with its own ETag', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();

    // Act
    const response = await get({ 'accept-encoding': 'gzip' });

    // Assess
    expect(response.headers).toMatchObject({ ETag: world.stored()?.gzipEtag, 'Content-Encoding': 'gzip' });
    expect(gunzipSync(response.body as Buffer).toString('utf8')).toBe(world.stored()?.body);
  });

  it.each([
    { ageSeconds: 120, status: 200, stale: false },
    { ageSeconds: 121, status: 200, stale: true },
    { ageSeconds: 659, status: 200, stale: true },
    { ageSeconds: 660, status: 503, stale: false },
  ])(
    'at $ageSeconds s after the last full reconcile answers $status (stale: $stale)',
    async ({ ageSeconds, status, stale }) => {
      // Prepare: defaults CacheTtlSeconds 60 (schedule period 60 s), StaleIfErrorSeconds 600.
      const { world, get, problemOf, refresh } = await setup();
      await refresh();
      world.clock.advanceSeconds(ageSeconds);

      // Act
      const answer = status === 200 ? await get() : await problemOf(get());

      // Assess
      if ('statusCode' in answer) {
        expect(answer.statusCode).toBe(200);
        expect(answer.headers.Age).toBe(stale ? String(ageSeconds) : undefined);
        expect(answer.headers['X-Discovery-Stale']).toBe(stale ? 'true' : undefined);
      } else {
        expect(answer).toEqual({
          status: 503,
          headers: { 'Cache-Control': 'no-store', 'Retry-After': '10' },
          detail: 'The newest target snapshot is 660 seconds old, older than the 660 seconds allowed.',
        });
      }
      expect(world.double.totalCalls()).toBe(0);
    },
  );

  it('goes on serving the held snapshot when S3 fails, and logs the failure', async () => {
    // Prepare
    const { world, get, refresh } = await setup();
    await refresh();
    await get();
    world.double.s3.failNext('s3:GetObject');
    world.clock.advanceSeconds(1);

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(world.logger.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'snapshot read failed',
    ]);
  });

  it('answers 503 when S3 fails and nothing is held', async () => {
    // Prepare
    const { world, get, problemOf, refresh } = await setup();
    await refresh();
    world.double.s3.failNext('s3:GetObject');

    // Act
    const problem = await problemOf(get());

    // Assess
    expect(problem.status).toBe(503);
    expect(world.double.s3.object(BUCKET, KEY)).toBeDefined();
  });
});
