/**
 * Tags are untrusted input (issue 10; docs/decisions.md, "Hostile input (issue 10)"): reserved label
 * names, invalid ports, colliding series and unbounded values, each with the warning and the count
 * the builder returns as data.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import type { InventorySnapshot } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import {
  cloudMapService,
  cluster,
  config,
  instance,
  kv,
  namespace,
  service,
  snapshot,
  TASK_ARN,
  tags,
  task,
  taskArn,
  WORKED_SYSTEM_LABELS,
} from './fixtures.ts';

const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/c1/web';
const BASE_LABELS = { __metrics_path__: '/metrics', instance: '10.0.0.5', ...WORKED_SYSTEM_LABELS };

const oneTask = (
  taskTags: Record<string, string>,
  serviceTags: Record<string, string> = {},
): InventorySnapshot =>
  snapshot([
    cluster('c1', [service('web', { tags: tags(serviceTags), tasks: [task({ tags: tags(taskTags) })] })]),
  ]);

const build = (fleet: InventorySnapshot, configuration: DiscoveryConfig = config()) =>
  buildTargets(fleet, configuration);

describe('reserved label names: a tag never starts with __ and is never job', () => {
  it('leaves out every hostile tag of issue 10, with one warning naming the task and the tag', () => {
    // Prepare
    const fleet = oneTask({
      METRICS_PORT: '8080',
      __scheme__: 'https',
      __param_module: 'evil',
      __scrape_interval__: '1s',
      __scrape_timeout__: '1s',
      job: 'hijacked',
      __address__: '1.2.3.4:1',
      team: 'a',
    });

    // Act
    const result = build(fleet);

    // Assess
    expect(result.groups).toEqual([{ targets: ['10.0.0.5:8080'], labels: { ...BASE_LABELS, team: 'a' } }]);
    expect(result.droppedLabels).toEqual({ reserved_name: 6, oversized_value: 0, invalid_scrape_setting: 0 });
    expect(result.warnings).toEqual(
      ['__scheme__', '__param_module', '__scrape_interval__', '__scrape_timeout__', 'job', '__address__'].map(
        (tag) => ({
          message: 'Tag left out: its label name is reserved for Prometheus',
          data: { resource: TASK_ARN, tag, reason: 'reserved_name' },
        }),
      ),
    );
  });

  it.each([
    { tag: '__proto__', kept: undefined },
    { tag: '__meta_ecs_cluster', kept: undefined },
    { tag: '__metrics_path__', kept: undefined },
    { tag: '-_scheme__', kept: undefined }, // sanitises to __scheme__
    { tag: '._param_x', kept: undefined }, // sanitises to __param_x
    { tag: 'job', kept: undefined },
    { tag: 'JOB', kept: 'JOB' }, // Prometheus names are case-sensitive: not the job label
    { tag: 'Job', kept: 'Job' },
    { tag: 'jobs', kept: 'jobs' },
    { tag: '_job', kept: '_job' },
    { tag: '_scheme__', kept: '_scheme__' },
    { tag: 'a__b', kept: 'a__b' },
  ])('the tag $tag gives the label $kept', ({ tag, kept }) => {
    // Act
    const result = build(oneTask({ METRICS_PORT: '80', [tag]: 'v' }));

    // Assess
    const withValue = Object.entries(result.groups[0]!.labels).filter(([, value]) => value === 'v');
    expect(withValue).toEqual(kept === undefined ? [] : [[kept, 'v']]);
    expect(result.droppedLabels.reserved_name).toBe(kept === undefined ? 1 : 0);
  });

  it('names the ECS service, Cloud Map service and namespace, once per resource however many tasks', () => {
    // Prepare
    const cm = cloudMapService('web', {
      tags: tags({ __param_a: 'x' }),
      instances: [instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web' })],
    });
    const ns = namespace('app', { tags: tags({ job: 'ns' }), services: [cm] });
    const web = service('web', {
      tags: tags({ METRICS_PORT: '80', __scheme__: 'https' }),
      tasks: [task({ arn: taskArn('c1', 'a') }), task({ arn: taskArn('c1', 'b'), ipv4: '10.0.0.6' })],
    });

    // Act
    const result = build(snapshot([cluster('c1', [web])], [ns]));

    // Assess
    expect(result.groups.map((group) => group.targets[0])).toEqual(['10.0.0.5:80', '10.0.0.6:80']);
    expect(result.warnings.map((warning) => warning.data)).toEqual([
      { resource: SERVICE_ARN, tag: '__scheme__', reason: 'reserved_name' },
      { resource: cm.arn, tag: '__param_a', reason: 'reserved_name' },
      { resource: ns.arn, tag: 'job', reason: 'reserved_name' },
    ]);
    expect(result.droppedLabels.reserved_name).toBe(3);
  });

  it('still accepts the operator’s own __ labels from ExtraPrometheusLabels and RelabelConfigurations', () => {
    // Prepare
    const configuration = config({
      extraPrometheusLabels: [kv('__scheme__', 'https')],
      relabelConfigurations: [kv('__param_module', 'http_2xx'), kv('job', '{{_sys_ecs_service}}')],
    });

    // Act
    const result = build(oneTask({ METRICS_PORT: '80' }), configuration);

    // Assess
    expect(result.groups[0]!.labels).toEqual({
      ...BASE_LABELS,
      __param_module: 'http_2xx',
      __scheme__: 'https',
      job: 'web',
    });
    expect(result.warnings).toEqual([]);
  });
});

describe('ports: METRICS_PORT* must be a decimal 1..65535', () => {
  it.each(['0', '+80', '-80', '0x50', ' 80', '80 ', '8080.0', '080', '65536', '1e3', 'eighty', '８０'])(
    'a port %j leaves its group out with a warning, counted as bad_port',
    (value) => {
      // Act
      const result = build(oneTask({ METRICS_PORT: value, METRICS_PORT_OK: '9100' }));

      // Assess
      expect(result.groups.map((group) => group.targets[0])).toEqual(['10.0.0.5:9100']);
      expect(result.skipped).toEqual({
        not_running: 0,
        no_address: 0,
        no_port: 0,
        bad_port: 1,
        unmapped_port: 0,
        external_instance: 0,
        host_address_disabled: 0,
      });
      expect(result.warnings).toEqual([
        {
          message: 'Scrape group left out: its port is not a decimal 1..65535',
          data: {
            cluster: 'c1',
            service: 'web',
            task: TASK_ARN,
            tag: 'METRICS_PORT',
            value,
            reason: 'bad_port',
          },
        },
      ]);
    },
  );

  it('counts a task whose only group has a bad port as bad_port, not no_port', () => {
    // Act
    const result = build(oneTask({ METRICS_PORT: '0' }));

    // Assess
    expect(result.groups).toEqual([]);
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 0,
      no_port: 0,
      bad_port: 1,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });

  it.each([
    {
      case: 'METRICS_PORT_X=8101 then METRICS_port_X=8102',
      tags: [
        ['METRICS_PORT_X', '8101'],
        ['METRICS_port_X', '8102'],
      ],
      target: '10.0.0.5:8102',
    },
    {
      case: 'METRICS_port_X=8102 then METRICS_PORT_X=8101',
      tags: [
        ['METRICS_port_X', '8102'],
        ['METRICS_PORT_X', '8101'],
      ],
      target: '10.0.0.5:8101',
    },
    { case: 'METRICS_port_X=8102 alone', tags: [['METRICS_port_X', '8102']], target: '10.0.0.5:8102' },
  ])('$case yields exactly one target for group X, the later tag in AWS order', ({ tags: pairs, target }) => {
    // Prepare
    const fleet = snapshot([
      cluster('c1', [
        service('web', {
          tasks: [task({ tags: pairs.map(([key, value]) => ({ key: key!, value: value! })) })],
        }),
      ]),
    ]);

    // Act
    const result = build(fleet);

    // Assess
    expect(result.groups.map((group) => group.targets[0])).toEqual([target]);
    expect(result.groups.map((group) => group.labels.scrape_target_name)).toEqual([undefined]);
  });
});

describe('no colliding series: groups of one task never store identical labels', () => {
  it.each<{ case: string; tags: Record<string, string>; expected: (string | undefined)[][] }>([
    {
      case: 'two unnamed suffixed groups are named after their keys',
      tags: { METRICS_PORT_A: '9001', METRICS_PORT_B: '9002' },
      expected: [
        ['10.0.0.5:9001', 'a'],
        ['10.0.0.5:9002', 'b'],
      ],
    },
    {
      case: 'the unsuffixed group keeps no name, the suffixed one gets its key',
      tags: { METRICS_PORT: '8080', METRICS_PORT_ECS: '9779' },
      expected: [
        ['10.0.0.5:8080', undefined],
        ['10.0.0.5:9779', 'ecs'],
      ],
    },
    {
      case: 'different paths do not help: __metrics_path__ is not stored',
      tags: { METRICS_PORT_1: '80', METRICS_PATH_1: '/a', METRICS_PORT_2: '80', METRICS_PATH_2: '/b' },
      expected: [
        ['10.0.0.5:80', '1'],
        ['10.0.0.5:80', '2'],
      ],
    },
    {
      case: 'separators are trimmed and the key lower-cased',
      tags: { 'METRICS_PORT_-Web-': '81', METRICS_PORT__Ops: '82' },
      expected: [
        ['10.0.0.5:81', 'web'],
        ['10.0.0.5:82', 'ops'],
      ],
    },
    {
      case: 'a named group is never renamed, and an unnamed one it already differs from stays unnamed',
      tags: { METRICS_PORT_A: '9001', METRICS_NAME_A: 'app', METRICS_PORT_B: '9002' },
      expected: [
        ['10.0.0.5:9001', 'app'],
        ['10.0.0.5:9002', undefined],
      ],
    },
    {
      case: 'a scrape_target_name tag shared by both groups is replaced by the keys',
      tags: { METRICS_PORT_A: '9001', METRICS_PORT_B: '9002', scrape_target_name: 'same' },
      expected: [
        ['10.0.0.5:9001', 'a'],
        ['10.0.0.5:9002', 'b'],
      ],
    },
  ])('$case', ({ tags: taskTags, expected }) => {
    // Act
    const result = build(oneTask(taskTags));

    // Assess
    expect(result.groups.map((group) => [group.targets[0], group.labels.scrape_target_name])).toEqual(
      expected,
    );
  });
});

describe('bounded values: over 16 KiB after relabelling is left out, and relabelling stays bounded', () => {
  it('survives a relabel chain that doubles a value 32 times, dropping that label with a warning', () => {
    // Prepare: 16 characters doubled 32 times would be 64 GiB.
    const configuration = config({
      relabelConfigurations: [
        kv('a', '0123456789abcdef'),
        ...Array.from({ length: 32 }, () => kv('a', '{{a}}{{a}}')),
      ],
    });

    // Act
    const result = build(oneTask({ METRICS_PORT: '80', team: 'a' }), configuration);

    // Assess
    expect(result.groups).toEqual([{ targets: ['10.0.0.5:80'], labels: { ...BASE_LABELS, team: 'a' } }]);
    expect(result.droppedLabels).toEqual({ reserved_name: 0, oversized_value: 1, invalid_scrape_setting: 0 });
    expect(result.warnings).toEqual([
      {
        message: 'Label left out: its value is over 16 KiB',
        data: {
          cluster: 'c1',
          service: 'web',
          task: TASK_ARN,
          label: 'a',
          bytes: 16_385,
          reason: 'oversized_value',
        },
      },
    ]);
  });

  it.each([
    { case: '16384 ASCII bytes', value: 'x'.repeat(16_384), kept: true },
    { case: '16385 ASCII bytes', value: 'x'.repeat(16_385), kept: false },
    { case: '8192 two-byte characters (16384 bytes)', value: 'é'.repeat(8_192), kept: true },
    { case: '8193 two-byte characters (16386 bytes)', value: 'é'.repeat(8_193), kept: false },
  ])('an extra label of $case is kept: $kept', ({ value, kept }) => {
    // Act
    const result = build(
      oneTask({ METRICS_PORT: '80' }),
      config({ extraPrometheusLabels: [kv('big', value)] }),
    );

    // Assess
    expect(result.groups[0]!.labels.big).toBe(kept ? value : undefined);
    expect(result.droppedLabels.oversized_value).toBe(kept ? 0 : 1);
  });
});
