/**
 * The bearer-token secret through the real Powertools providers and SDK clients against the AWS
 * double: an unreadable or blank secret answers 503, is read again only after an exponential
 * back-off (injected clock), and `/health` never reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/http/app.ts';
import type { HttpProblem } from '../../lambda/http/problem.ts';
import { type HttpRequest, PayloadVersion } from '../../lambda/http/request.ts';
import { createSecretReader } from '../../lambda/http/token-source.ts';
import type { DoubleClients } from '../aws-double/clients.ts';
import {
  type AwsDouble,
  defineFleet,
  type FleetSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';
import { discoveryResult, manualClock, recordingLogger, scriptedDiscover, testConfig } from './support.ts';

const TOKEN = 'double-token-5b1f';

const SOURCES = [
  {
    kind: 'Secrets Manager',
    reference: 'sd/token',
    operation: 'secretsmanager:GetSecretValue',
    fleet: (value: string): FleetSpec => ({ secrets: [{ name: 'sd/token', value }] }),
  },
  {
    kind: 'SSM',
    reference: 'ssm:/sd/token',
    operation: 'ssm:GetParameter',
    fleet: (value: string): FleetSpec => ({ parameters: [{ name: '/sd/token', value }] }),
  },
] as const;

let double: AwsDouble;
let clients: DoubleClients;

beforeAll(async () => {
  double = await startAwsDouble(defineFleet({}));
  // One attempt per read, so the double's counter is the number of reads the app made.
  clients = makeClients(double, { maxAttempts: 1 });
});
afterAll(async () => {
  clients.destroy();
  await double.close();
});

const request = (path: string, authorization?: string): HttpRequest => ({
  method: 'GET',
  path,
  headers: authorization === undefined ? {} : { authorization },
  requestId: 'req-1',
  payloadVersion: PayloadVersion.V2,
});

const setUp = (reference: string) => {
  const clock = manualClock();
  const logger = recordingLogger();
  const app = createApp({
    loadConfig: () => testConfig({ bearerTokenSecret: reference }),
    createDiscover: () => scriptedDiscover(discoveryResult()).discover,
    logger,
    readSecret: createSecretReader({ secretsManager: clients.secretsManager, ssm: clients.ssm }),
    now: clock.now,
  });
  /** Status and Retry-After of one request. */
  const status = async (path: string, authorization?: string) => {
    try {
      const response = await app.handle(request(path, authorization));
      return { status: response.statusCode, body: response.body };
    } catch (error) {
      const problem = error as HttpProblem;
      return { status: problem.statusCode, retryAfter: problem.headers['Retry-After'] };
    }
  };
  return { clock, logger, status };
};

describe.each(SOURCES)('the token in $kind', ({ reference, operation, fleet }) => {
  it('is read again only after a back-off of 1, 2, 4 … s while it cannot be read, never by /health', async () => {
    // Prepare: the secret does not exist (ResourceNotFound / ParameterNotFound).
    double.setFleet(defineFleet({}));
    double.resetCalls();
    const { clock, status } = setUp(reference);
    const reads = () => double.calls()[operation] ?? 0;

    // Act + Assess: the cold-start read failed; /health waits for it and then never reads.
    expect(await status('/health')).toEqual({ status: 503, body: 'Unhealthy' });
    for (let i = 0; i < 20; i += 1) await status('/health');
    expect(reads()).toBe(1);

    // A data request inside the back-off answers 503 without a read, saying when to come back.
    expect(await status('/prometheus-targets', `Bearer ${TOKEN}`)).toEqual({ status: 503, retryAfter: '1' });
    expect(reads()).toBe(1);

    // Each data request after the wait reads once more, and the wait doubles.
    const seen: { afterSeconds: number; reads: number; retryAfter: string | undefined }[] = [];
    for (const wait of [1, 2, 4, 8]) {
      clock.advanceSeconds(wait - 0.5);
      const early = await status('/prometheus-targets', `Bearer ${TOKEN}`);
      const readsBefore = reads();
      clock.advanceSeconds(0.5);
      const due = await status('/prometheus-targets', `Bearer ${TOKEN}`);
      seen.push({ afterSeconds: wait, reads: reads() - readsBefore, retryAfter: due.retryAfter });
      expect(early).toEqual({ status: 503, retryAfter: '1' });
    }
    expect(seen).toEqual([
      { afterSeconds: 1, reads: 1, retryAfter: '2' },
      { afterSeconds: 2, reads: 1, retryAfter: '4' },
      { afterSeconds: 4, reads: 1, retryAfter: '8' },
      { afterSeconds: 8, reads: 1, retryAfter: '16' },
    ]);
    for (let i = 0; i < 20; i += 1) await status('/health');
    expect(reads()).toBe(5);

    // Once the secret exists, the first data request after the back-off reads it and is served.
    double.setFleet(defineFleet(fleet(TOKEN)));
    clock.advanceSeconds(16);
    expect((await status('/prometheus-targets', `Bearer ${TOKEN}`)).status).toBe(200);
    expect(await status('/health')).toEqual({ status: 200, body: 'Healthy' });
    expect((await status('/prometheus-targets', 'Bearer wrong')).status).toBe(401);
    clock.advanceSeconds(3600);
    await status('/prometheus-targets', `Bearer ${TOKEN}`);
    expect(reads()).toBe(6);
  });

  it('caps the back-off at 60 s', async () => {
    // Prepare
    double.setFleet(defineFleet({}));
    double.resetCalls();
    const { clock, status } = setUp(reference);
    await status('/health');

    // Act: 1 + 2 + 4 + 8 + 16 + 32 s of waits, then two 60 s ones.
    const retryAfters: (string | undefined)[] = [];
    for (const wait of [1, 2, 4, 8, 16, 32, 60, 60]) {
      clock.advanceSeconds(wait);
      retryAfters.push((await status('/prometheus-targets', `Bearer ${TOKEN}`)).retryAfter);
    }

    // Assess
    expect(retryAfters).toEqual(['2', '4', '8', '16', '32', '60', '60', '60']);
    expect(double.calls()[operation]).toBe(9);
  });

  it.each([
    { value: '   ', shown: 'spaces' },
    { value: '\n\t', shown: 'a newline and a tab' },
  ])(
    'treats a secret holding only $shown as unreadable: 503, and read again only after the back-off',
    async ({ value }) => {
      // Prepare
      double.setFleet(defineFleet(fleet(value)));
      double.resetCalls();
      const { clock, logger, status } = setUp(reference);

      // Act
      const health = await status('/health');
      const withBlank = await status('/prometheus-targets', 'Bearer ');
      const withoutHeader = await status('/prometheus-targets');
      const readsInBackOff = double.calls()[operation];
      clock.advanceSeconds(1);
      const afterBackOff = await status('/prometheus-targets');

      // Assess
      expect(health).toEqual({ status: 503, body: 'Unhealthy' });
      expect([withBlank, withoutHeader]).toEqual([
        { status: 503, retryAfter: '1' },
        { status: 503, retryAfter: '1' },
      ]);
      expect(afterBackOff).toEqual({ status: 503, retryAfter: '2' });
      expect([readsInBackOff, double.calls()[operation]]).toEqual([1, 2]);
      expect(
        logger.entries
          .filter((entry) => entry.message === 'bearer token could not be loaded')
          .map((entry) => [entry.fields?.failures, entry.fields?.retryInMs]),
      ).toEqual([
        [1, 1000],
        [2, 2000],
      ]);
    },
  );
});
