/** `npm run discover -- --explain`, driven in-process against the AWS API double. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../lambda/cli.ts';
import { type AwsDouble, defineFleet, doubleEnv, startAwsDouble } from './aws-double/index.ts';

let double: AwsDouble;
const env = {
  DiscoveryOptions__EcsClusters: 'prod',
  DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
};

beforeAll(async () => {
  double = await startAwsDouble(
    defineFleet({
      clusters: [
        {
          name: 'prod',
          services: [
            {
              name: 'web',
              tags: { PROMETHEUS_TARGET: 'true', METRICS_PORT: '8080' },
              tasks: [
                { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ip: '10.0.0.7' },
                { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', ip: null },
                { id: 'cccccccccccccccccccccccccccccccc', ip: '10.0.0.9', tags: { METRICS_PORT: 'http' } },
              ],
            },
            { name: 'worker', tags: { PROMETHEUS_TARGET: 'false', METRICS_PORT: '9100' } },
          ],
        },
      ],
    }),
  );
  Object.assign(process.env, doubleEnv(double), { AWS_MAX_ATTEMPTS: '1' });
});
afterAll(() => double.close());

const run = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await runCli(args, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
};

describe('npm run discover -- --explain', () => {
  it('prints every cluster, service, task and scrape group with its outcome and reason', async () => {
    // Act
    const { code, out, err } = await run(['--explain']);

    // Assess
    expect(code).toBe(0);
    const a = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const b = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const c = 'cccccccccccccccccccccccccccccccc';
    expect(out).toBe(
      [
        'KIND          CLUSTER  SERVICE  TASK                              GROUP         OUTCOME               WHY',
        'cluster       prod                                                              target',
        'service       prod     web                                                      target',
        `task          prod     web      ${a}                target`,
        `scrape_group  prod     web      ${a}  METRICS_PORT  target 10.0.0.7:8080`,
        `task          prod     web      ${b}                not a target          no_address: task has no address`,
        `task          prod     web      ${c}                not a target          bad_port: port is not a decimal 1..65535 (tag=METRICS_PORT)`,
        `scrape_group  prod     web      ${c}  METRICS_PORT  not a target          bad_port: port is not a decimal 1..65535 (tag=METRICS_PORT value=http)`,
        'service       prod     worker                                                   not a target          service_selector: left out by EcsServiceSelectorTags (wanted=PROMETHEUS_TARGET=true had=PROMETHEUS_TARGET=false)',
        '',
        '',
      ].join('\n'),
    );
    expect(err).toMatch(/^warning: Scrape group left out/);
  });

  it('refuses --table together with --explain', async () => {
    // Act
    const { code, out, err } = await run(['--table', '--explain']);

    // Assess
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(
      '--table and --explain print different tables; pick one\nusage: npm run discover [-- --table | --explain]\n',
    );
  });
});
