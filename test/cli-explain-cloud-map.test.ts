/**
 * Cloud Map-only instances (`CloudMapInstanceTargets`) in the explain view through the real SDK
 * against the AWS double: the `npm run discover -- --explain` table and the `GET /debug/targets`
 * JSON list every instance of the configured namespace with its outcome and reason
 * (docs/decisions.md "Explain view (issue 15)").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lambda/cli.ts';
import { loadConfig } from '../lambda/config/load.ts';
import { createDiscover } from '../lambda/discover.ts';
import { createApp } from '../lambda/http/app.ts';
import { PayloadVersion } from '../lambda/http/request.ts';
import type { ExplainEntry } from '../lambda/model/explain.ts';
import { type AwsDouble, defineFleet, doubleEnv, makeClients, startAwsDouble } from './aws-double/index.ts';
import { manualClock, recordingLogger } from './http/support.ts';

let double: AwsDouble;
const env = {
  DiscoveryOptions__CloudMapNamespaces: 'corp.local',
  DiscoveryOptions__CloudMapInstanceTargets: 'true',
  DiscoveryOptions__CloudMapHealthyOnly: 'true',
};

beforeAll(async () => {
  double = await startAwsDouble(
    defineFleet({
      namespaces: [
        {
          name: 'corp.local',
          type: 'HTTP',
          services: [
            {
              name: 'legacy',
              instances: [
                { id: 'i-ok', ip: '10.1.0.1', port: 9100 },
                { id: 'i-noip', ip: null, port: 9100 },
                {
                  id: 'i-sick',
                  ip: '10.1.0.3',
                  port: 9100,
                  attributes: { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' },
                },
                { id: 'i-noport', ip: '10.1.0.4' },
              ],
            },
          ],
        },
      ],
    }),
  );
  Object.assign(process.env, doubleEnv(double), { AWS_MAX_ATTEMPTS: '1' });
});
afterAll(() => double.close());

describe('Cloud Map-only instances in the explain view', () => {
  it('prints each instance with its outcome and reason in the CLI table', async () => {
    // Act
    let out = '';
    const code = await runCli(['--explain'], env, { out: (t) => (out += t), err: () => {} });

    // Assess
    expect(code).toBe(0);
    const lines = out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'KIND CLUSTER SERVICE TASK GROUP OUTCOME WHY',
      'cloud_map_instance corp.local legacy i-noip not a target no_instance_address: instance has no address of the IpAddressFamily (option=IpAddressFamily=ipv4)',
      'cloud_map_instance corp.local legacy i-noport not a target no_instance_port: no port tag and no valid AWS_INSTANCE_PORT (lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT)',
      'cloud_map_instance corp.local legacy i-ok target',
      'scrape_group corp.local legacy i-ok AWS_INSTANCE_PORT target 10.1.0.1:9100',
      'cloud_map_instance corp.local legacy i-sick not a target unhealthy: left out as UNHEALTHY (CloudMapHealthyOnly) (healthStatus=UNHEALTHY option=CloudMapHealthyOnly=true)',
      '',
      '',
    ]);
  });

  it('answers GET /debug/targets with the instance entries as JSON', async () => {
    // Prepare
    const clients = makeClients(double, { maxAttempts: 1 });
    const app = createApp({
      loadConfig: () => loadConfig(env),
      createDiscover: (config) =>
        createDiscover(config, { clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery } }),
      logger: recordingLogger(),
      readSecret: () => Promise.reject(new Error('no secret configured')),
      now: manualClock().now,
    });

    // Act
    const response = await app.handle({
      method: 'GET',
      path: '/debug/targets',
      headers: {},
      requestId: 'r1',
      payloadVersion: PayloadVersion.V2,
    });
    clients.destroy();

    // Assess
    const served = JSON.parse(String(response.body)) as {
      targetCount: number;
      omitted: Record<string, number>;
      entries: ExplainEntry[];
    };
    expect(served.targetCount).toBe(1);
    expect(served.omitted).toEqual({
      cluster: 0,
      service: 0,
      task: 0,
      scrape_group: 0,
      cloud_map_instance: 0,
    });
    expect(served.entries.slice(2, 4)).toEqual([
      {
        kind: 'cloud_map_instance',
        namespace: 'corp.local',
        cluster: '',
        service: 'legacy',
        task: 'i-ok',
        group: '',
        address: '',
        target: true,
        notes: [],
      },
      {
        kind: 'scrape_group',
        namespace: 'corp.local',
        cluster: '',
        service: 'legacy',
        task: 'i-ok',
        group: 'AWS_INSTANCE_PORT',
        address: '10.1.0.1:9100',
        target: true,
        notes: [],
      },
    ]);
    expect(served.entries.map((e) => [e.task, e.notes.map((n) => n.reason).join()])).toEqual([
      ['i-noip', 'no_instance_address'],
      ['i-noport', 'no_instance_port'],
      ['i-ok', ''],
      ['i-ok', ''],
      ['i-sick', 'unhealthy'],
    ]);
  });
});
