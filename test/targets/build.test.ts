import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig, KeyValue } from '../../lambda/config/types.ts';
import type { InventorySnapshot } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { renderTargets } from '../../lambda/targets/render.ts';
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
  TASK_DEFINITION_ARN,
  TASK_ID,
  tags,
  task,
  taskArn,
  WORKED_SYSTEM_LABELS,
  webService,
  workedExample,
} from './fixtures.ts';

type Tags = Record<string, string>;

const labelsOf = (fleet: InventorySnapshot, configuration: DiscoveryConfig = config()) =>
  buildTargets(fleet, configuration).groups.map((group) => group.labels);

/** A fleet with the single task of `web` carrying `taskTags`, the service carrying `serviceTags`. */
const oneTask = (
  taskTags: Record<string, string>,
  serviceTags: Record<string, string> = {},
): InventorySnapshot =>
  snapshot([
    cluster('c1', [service('web', { tags: tags(serviceTags), tasks: [task({ tags: tags(taskTags) })] })]),
  ]);

const BASE_LABELS = { __metrics_path__: '/metrics', instance: '10.0.0.5', ...WORKED_SYSTEM_LABELS };

describe('buildTargets: the reference fleet of docs/decisions.md', () => {
  it('renders exactly the two expected target groups', () => {
    // Act
    const result = buildTargets(workedExample(), config());
    const body = renderTargets(result.groups);

    // Assess
    const system =
      '"__meta_ecs_cluster":"c1","__meta_ecs_service":"web",' +
      '"__meta_ecs_task":"arn:aws:ecs:eu-west-1:123456789012:task/c1/0123456789abcdef0123456789abcdef",' +
      '"__meta_ecs_task_definition":"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",' +
      '"_sys_ecs_cluster":"c1","_sys_ecs_service":"web",' +
      '"_sys_ecs_task":"arn:aws:ecs:eu-west-1:123456789012:task/c1/0123456789abcdef0123456789abcdef",' +
      '"_sys_ecs_task_definition":"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",' +
      '"PROMETHEUS_TARGET":"true","team":"b"';
    expect(body).toBe(
      '[' +
        `{"targets":["10.0.0.5:8080"],"labels":{"__metrics_path__":"/metrics","instance":"10.0.0.5",${system}}},` +
        '{"targets":["10.0.0.5:9779"],"labels":{"__metrics_path__":"/metrics","instance":"10.0.0.5",' +
        `"scrape_target_name":"ecs-exporter",${system}}}` +
        ']',
    );
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 0,
      no_port: 0,
      bad_port: 0,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });

  it('gives the same label objects with fixed labels first', () => {
    // Act
    const groups = buildTargets(workedExample(), config()).groups;

    // Assess
    expect(groups).toEqual([
      { targets: ['10.0.0.5:8080'], labels: { ...BASE_LABELS, PROMETHEUS_TARGET: 'true', team: 'b' } },
      {
        targets: ['10.0.0.5:9779'],
        labels: { ...BASE_LABELS, scrape_target_name: 'ecs-exporter', PROMETHEUS_TARGET: 'true', team: 'b' },
      },
    ]);
    expect(Object.keys(groups[1]!.labels).slice(0, 4)).toEqual([
      '__metrics_path__',
      'instance',
      'scrape_target_name',
      '__meta_ecs_cluster',
    ]);
  });

  it.each([
    {
      case: 'extra labels never beat a tag: team stays b, env is added',
      configuration: config({ extraPrometheusLabels: [kv('team', 'z'), kv('env', 'dev')] }),
      added: { env: 'dev' },
    },
    {
      case: 'a relabel of two system labels',
      configuration: config({
        relabelConfigurations: [kv('cs', '{{_sys_ecs_cluster}}-{{_sys_ecs_service}}')],
      }),
      added: { cs: 'c1-web' },
    },
    {
      case: 'a static _tmp label used by a later relabel and removed',
      configuration: config({ relabelConfigurations: [kv('_tmp', 'p'), kv('team', '{{_tmp}}_{{team}}')] }),
      added: { team: 'p_b' },
    },
    {
      case: 'a relabel with a missing token creates nothing',
      configuration: config({ relabelConfigurations: [kv('x', '{{missing}}')] }),
      added: {},
    },
    {
      // docs/decisions.md "Relabelling": static values are allowed for any target label (the original ignored this one).
      case: 'a static relabel creates the label',
      configuration: config({ relabelConfigurations: [kv('x', 'static')] }),
      added: { x: 'static' },
    },
  ])('variation: $case', ({ configuration, added }) => {
    // Act
    const labels = labelsOf(workedExample(), configuration);

    // Assess
    const expected = { ...BASE_LABELS, PROMETHEUS_TARGET: 'true', team: 'b', ...added };
    expect(labels).toEqual([expected, { ...expected, scrape_target_name: 'ecs-exporter' }]);
  });

  it('variation: a Service Connect match adds the Cloud Map labels and tags', () => {
    // Prepare
    const web = cloudMapService('web', {
      type: 'ServiceConnect',
      tags: tags({ AmazonECSManaged: 'true' }),
      instances: [instance(TASK_ID, { AWS_INSTANCE_IPV4: '10.0.0.5' })],
    });
    const fleet = workedExample({ serviceConnectDiscoveryArns: [web.arn] }, {}, [
      namespace('app', { services: [web] }),
    ]);

    // Act
    const labels = labelsOf(fleet);

    // Assess
    const expected = {
      ...BASE_LABELS,
      __meta_cloudmap_service_instance_id: TASK_ID,
      __meta_cloudmap_service_name: 'web',
      __meta_cloudmap_service_type: 'ServiceConnect',
      _sys_cloudmap_service_instance_id: TASK_ID,
      _sys_cloudmap_service_name: 'web',
      _sys_cloudmap_service_type: 'ServiceConnect',
      AmazonECSManaged: 'true',
      PROMETHEUS_TARGET: 'true',
      team: 'b',
    };
    expect(labels).toEqual([expected, { ...expected, scrape_target_name: 'ecs-exporter' }]);
    expect(Object.keys(labels[0]!)).toEqual([
      '__metrics_path__',
      'instance',
      '__meta_cloudmap_service_instance_id',
      '__meta_cloudmap_service_name',
      '__meta_cloudmap_service_type',
      '__meta_ecs_cluster',
      '__meta_ecs_service',
      '__meta_ecs_task',
      '__meta_ecs_task_definition',
      '_sys_cloudmap_service_instance_id',
      '_sys_cloudmap_service_name',
      '_sys_cloudmap_service_type',
      '_sys_ecs_cluster',
      '_sys_ecs_service',
      '_sys_ecs_task',
      '_sys_ecs_task_definition',
      'AmazonECSManaged',
      'PROMETHEUS_TARGET',
      'team',
    ]);
  });

  it('variation: no selected service (the collector applied EcsServiceSelectorTags) renders []', () => {
    // Act
    const result = buildTargets(snapshot([cluster('c1', [])]), config());

    // Assess
    expect(renderTargets(result.groups)).toBe('[]');
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 0,
      no_port: 0,
      bad_port: 0,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });

  it('variation: without any METRICS_ tag the task is skipped for no port and the body is []', () => {
    // Prepare
    const fleet = workedExample({ tags: tags({ team: 'a' }) }, { tags: tags({ team: 'b' }) });

    // Act
    const result = buildTargets(fleet, config());

    // Assess
    expect(renderTargets(result.groups)).toBe('[]');
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 0,
      no_port: 1,
      bad_port: 0,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });

  it('variation: METRICS_PORT=abc drops that group only', () => {
    // Prepare
    const fleet = workedExample({
      tags: tags({ PROMETHEUS_TARGET: 'true', METRICS_PORT: 'abc', team: 'a' }),
    });

    // Act
    const groups = buildTargets(fleet, config()).groups;

    // Assess
    expect(groups.map((group) => group.targets[0])).toEqual(['10.0.0.5:9779']);
  });

  it.each([
    { lastStatus: 'RUNNING', desiredStatus: 'RUNNING', targets: 2, notRunning: 0 },
    { lastStatus: 'PENDING', desiredStatus: 'RUNNING', targets: 2, notRunning: 0 },
    { lastStatus: 'PENDING', desiredStatus: 'STOPPED', targets: 2, notRunning: 0 },
    { lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', targets: 0, notRunning: 1 },
    { lastStatus: 'ACTIVATING', desiredStatus: 'RUNNING', targets: 0, notRunning: 1 },
    { lastStatus: 'RUNNING', desiredStatus: 'STOPPED', targets: 0, notRunning: 1 },
    { lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', targets: 0, notRunning: 1 },
  ])('variation: lastStatus $lastStatus with desiredStatus $desiredStatus gives $targets targets', (row) => {
    // Act
    const result = buildTargets(
      workedExample({}, { lastStatus: row.lastStatus, desiredStatus: row.desiredStatus }),
      config(),
    );

    // Assess
    expect(result.groups).toHaveLength(row.targets);
    expect(result.skipped).toEqual({
      not_running: row.notRunning,
      no_address: 0,
      no_port: 0,
      bad_port: 0,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });

  it.each([
    { case: 'no address at all (bridge mode)', ipv4: undefined },
    { case: 'an empty address', ipv4: '' },
    { case: 'a blank address', ipv4: '  ' },
  ])('variation: a task with $case is skipped and counted, never ":port"', ({ ipv4 }) => {
    // Act
    const result = buildTargets(workedExample({}, { ipv4 }), config());

    // Assess
    expect(renderTargets(result.groups)).toBe('[]');
    expect(result.skipped).toEqual({
      not_running: 0,
      no_address: 1,
      no_port: 0,
      bad_port: 0,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });
});

describe('buildTargets: label precedence', () => {
  const allSources = (drop: readonly string[]) => {
    const cm = cloudMapService('web', {
      tags: drop.includes('cloudmap') ? [] : tags({ team: 'cloudmap' }),
      instances: [
        instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web', AWS_INSTANCE_IPV4: '10.0.0.5' }),
      ],
    });
    const ns = namespace('app', {
      tags: drop.includes('namespace') ? [] : tags({ team: 'namespace' }),
      services: [cm],
    });
    const web = service('web', {
      tags: tags({ METRICS_PORT: '80', ...(drop.includes('service') ? {} : { team: 'service' }) }),
      tasks: [task({ tags: drop.includes('task') ? [] : tags({ team: 'task' }) })],
    });
    return snapshot([cluster('c1', [web])], [ns]);
  };

  it.each([
    { drop: [], relabel: false, expected: 'task' },
    { drop: ['task'], relabel: false, expected: 'service' },
    { drop: ['task', 'service'], relabel: false, expected: 'cloudmap' },
    { drop: ['task', 'service', 'cloudmap'], relabel: false, expected: 'namespace' },
    { drop: ['task', 'service', 'cloudmap', 'namespace'], relabel: false, expected: 'extra' },
    { drop: [], relabel: true, expected: 'relabel-task' },
  ])('without $drop (relabel: $relabel) team is $expected', ({ drop, relabel, expected }) => {
    // Prepare
    const configuration = config({
      extraPrometheusLabels: [kv('team', 'extra')],
      relabelConfigurations: relabel ? [kv('team', 'relabel-{{team}}')] : [],
    });

    // Act
    const labels = labelsOf(allSources(drop), configuration);

    // Assess
    expect(labels.map((group) => group.team)).toEqual([expected]);
  });

  it.each<{ case: string; task: Tags; svc: Tags; expected: Tags }>([
    {
      case: 'task beats service, keeping the task spelling',
      task: { Team: 't' },
      svc: { TEAM: 's' },
      expected: { Team: 't' },
    },
    {
      case: 'task beats service whichever spelling the service uses',
      task: { team: 't' },
      svc: { Team: 's' },
      expected: { team: 't' },
    },
    {
      case: 'the later of two task tags of the same name wins',
      task: { team: 'x', TEAM: 'y' },
      svc: {},
      expected: { TEAM: 'y' },
    },
    {
      case: 'system labels beat tags of the same name',
      task: { _sys_ecs_cluster: 'evil', __META_ECS_SERVICE: 'evil' },
      svc: {},
      expected: {},
    },
  ])('$case', ({ task: taskTags, svc, expected }) => {
    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', ...taskTags }, svc));

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, ...expected }]);
  });
});

describe('buildTargets: scrape groups across levels', () => {
  it.each<{ case: string; taskTags: Tags; serviceTags: Tags; extra: KeyValue[]; targets: string[] }>([
    {
      case: 'task METRICS_PORT beats service METRICS_PORT',
      taskTags: { METRICS_PORT: '9000' },
      serviceTags: { METRICS_PORT: '8080' },
      extra: [],
      targets: ['10.0.0.5:9000'],
    },
    {
      case: 'different suffixes from different levels combine',
      taskTags: {},
      serviceTags: { METRICS_PORT_A: '1000' },
      extra: [kv('METRICS_PORT_B', '2000')],
      targets: ['10.0.0.5:1000', '10.0.0.5:2000'],
    },
    {
      case: 'an extra label gives a default port',
      taskTags: {},
      serviceTags: {},
      extra: [kv('METRICS_PORT', '9100')],
      targets: ['10.0.0.5:9100'],
    },
    {
      case: 'a lower-case task metrics_port wins over the service METRICS_PORT (prefix detection ignores case)',
      taskTags: { metrics_port: '9000' },
      serviceTags: { METRICS_PORT: '8080' },
      extra: [],
      targets: ['10.0.0.5:9000'],
    },
  ])('$case', ({ taskTags, serviceTags, extra, targets }) => {
    // Act
    const groups = buildTargets(
      oneTask(taskTags, serviceTags),
      config({ extraPrometheusLabels: extra }),
    ).groups;

    // Assess
    expect(groups.map((group) => group.targets[0])).toEqual(targets);
  });

  it('combines service and namespace groups, with names and paths, and emits no METRICS_ label', () => {
    // Prepare
    const cm = cloudMapService('web', {
      instances: [instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web' })],
    });
    const ns = namespace('app', {
      tags: tags({ METRICS_PORT_NS: '7000', METRICS_PATH_NS: '/ns', METRICS_NAME_NS: 'ns' }),
      services: [cm],
    });
    const web = service('web', {
      tags: tags({ METRICS_PORT: '8080', METRICS_PATH: '/app' }),
      tasks: [task()],
    });

    // Act
    const groups = buildTargets(snapshot([cluster('c1', [web])], [ns]), config()).groups;

    // Assess
    expect(
      groups.map((group) => [
        group.targets[0],
        group.labels.__metrics_path__,
        group.labels.scrape_target_name,
      ]),
    ).toEqual([
      ['10.0.0.5:8080', '/app', undefined],
      ['10.0.0.5:7000', '/ns', 'ns'],
    ]);
    for (const group of groups)
      expect(Object.keys(group.labels).filter((key) => key.startsWith('METRICS_'))).toEqual([]);
  });
});

describe('buildTargets: Cloud Map matching and system labels', () => {
  const CM_LABELS = (name: string, type: string, id: string | undefined) => ({
    ...(id === undefined
      ? {}
      : { __meta_cloudmap_service_instance_id: id, _sys_cloudmap_service_instance_id: id }),
    __meta_cloudmap_service_name: name,
    __meta_cloudmap_service_type: type,
    _sys_cloudmap_service_name: name,
    _sys_cloudmap_service_type: type,
  });
  const sdByAttributes = (name: string, attributes: Record<string, string>, overrides = {}) =>
    cloudMapService(name, {
      instances: [instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web', ...attributes })],
      ...overrides,
    });
  const fleet = (webOverrides: Parameters<typeof service>[1], namespaces: Parameters<typeof snapshot>[1]) =>
    snapshot(
      [
        cluster('c1', [
          service('web', { tags: tags({ METRICS_PORT: '80' }), tasks: [task()], ...webOverrides }),
        ]),
      ],
      namespaces,
    );

  it('without a match there are no Cloud Map labels and no Cloud Map tags', () => {
    // Prepare
    const other = cloudMapService('other', { tags: tags({ cm: 'x' }) });

    // Act
    const labels = labelsOf(fleet({}, [namespace('app', { tags: tags({ ns: 'y' }), services: [other] })]));

    // Assess
    expect(labels).toEqual([BASE_LABELS]);
  });

  it('matches Service Discovery by instance attributes; instance id only on an IP match', () => {
    // Prepare
    const matchingIp = sdByAttributes('sd', { AWS_INSTANCE_IPV4: '10.0.0.5' });
    const otherIp = sdByAttributes('sd', { AWS_INSTANCE_IPV4: '10.0.0.99' });

    // Act
    const withId = labelsOf(fleet({}, [namespace('app', { services: [matchingIp] })]));
    const withoutId = labelsOf(fleet({}, [namespace('app', { services: [otherIp] })]));

    // Assess
    expect(withId).toEqual([{ ...BASE_LABELS, ...CM_LABELS('sd', 'ServiceDiscovery', 'i-1') }]);
    expect(withoutId).toEqual([{ ...BASE_LABELS, ...CM_LABELS('sd', 'ServiceDiscovery', undefined) }]);
  });

  it('an instance without AWS_INSTANCE_IPV4 simply does not match; a later one with the IP does', () => {
    // Prepare
    const cm = cloudMapService('sd', {
      instances: [
        instance('no-ip', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web' }),
        instance('with-ip', { AWS_INSTANCE_IPV4: '10.0.0.5' }),
      ],
    });

    // Act
    const labels = labelsOf(fleet({}, [namespace('app', { services: [cm] })]));

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, ...CM_LABELS('sd', 'ServiceDiscovery', 'with-ip') }]);
  });

  it('matches Service Discovery by registry ARN without attributes', () => {
    // Prepare
    const cm = cloudMapService('sd', { instances: [instance('i-9', { AWS_INSTANCE_IPV4: '10.0.0.5' })] });

    // Act
    const labels = labelsOf(fleet({ serviceRegistryArns: [cm.arn] }, [namespace('app', { services: [cm] })]));

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, ...CM_LABELS('sd', 'ServiceDiscovery', 'i-9') }]);
  });

  it('with Service Connect ARNs, only a Service Connect service matches (no Service Discovery fallback)', () => {
    // Prepare
    const sd = sdByAttributes('sd', { AWS_INSTANCE_IPV4: '10.0.0.5' });
    const sc = cloudMapService('sc', { type: 'ServiceConnect' });

    // Act
    const unmatched = labelsOf(
      fleet({ serviceConnectDiscoveryArns: ['arn:aws:servicediscovery:x:service/srv-gone'] }, [
        namespace('app', { services: [sd] }),
      ]),
    );
    const matched = labelsOf(
      fleet({ serviceConnectDiscoveryArns: [sc.arn] }, [namespace('app', { services: [sd, sc] })]),
    );

    // Assess
    expect(unmatched).toEqual([BASE_LABELS]);
    expect(matched).toEqual([{ ...BASE_LABELS, ...CM_LABELS('sc', 'ServiceConnect', undefined) }]);
  });

  it('an unselected Cloud Map service never enriches', () => {
    // Prepare
    const cm = sdByAttributes(
      'sd',
      { AWS_INSTANCE_IPV4: '10.0.0.5' },
      { selected: false, tags: tags({ cm: 'x' }) },
    );

    // Act
    const labels = labelsOf(fleet({}, [namespace('app', { tags: tags({ ns: 'y' }), services: [cm] })]));

    // Assess
    expect(labels).toEqual([BASE_LABELS]);
  });

  it('the first match in namespace order wins and brings its own service and namespace tags', () => {
    // Prepare
    const first = sdByAttributes('first', {}, { tags: tags({ cm: 'first' }), namespaceId: 'ns-one' });
    const second = sdByAttributes('second', {}, { tags: tags({ cm: 'second' }), namespaceId: 'ns-two' });
    const namespaces = [
      namespace('two', { tags: tags({ ns: 'two' }), services: [second] }),
      namespace('one', { tags: tags({ ns: 'one' }), services: [first] }),
    ];

    // Act
    const labels = labelsOf(fleet({}, namespaces));

    // Assess
    expect(labels).toEqual([
      { ...BASE_LABELS, ...CM_LABELS('second', 'ServiceDiscovery', undefined), cm: 'second', ns: 'two' },
    ]);
  });
});

describe('buildTargets: tag-key filters', () => {
  it('keeps only the tag keys matching each resource kind’s globs, METRICS_* always', () => {
    // Prepare
    const cm = cloudMapService('sd', {
      tags: tags({ cmKeep: '1', cmDrop: '2' }),
      instances: [instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web' })],
    });
    const ns = namespace('app', {
      tags: tags({ nsKeep: '1', nsDrop: '2', METRICS_PORT_NS: '7000' }),
      services: [cm],
    });
    const web = service('web', {
      tags: tags({ 'team.a': '1', teamB: '2', METRICS_PORT: '80' }),
      tasks: [task({ tags: tags({ taskKeep: '1', taskDrop: '2' }) })],
    });
    const configuration = config({
      ecsTaskTags: ['taskKeep', 'METRICS_*'],
      ecsServiceTags: ['team?a', 'METRICS_*'],
      cloudMapServiceTags: ['cmK*', 'METRICS_*'],
      cloudMapNamespaceTags: ['METRICS_*'],
    });

    // Act
    const labels = labelsOf(snapshot([cluster('c1', [web])], [ns]), configuration);

    // Assess
    const expected = {
      ...BASE_LABELS,
      ...{
        __meta_cloudmap_service_name: 'sd',
        __meta_cloudmap_service_type: 'ServiceDiscovery',
        _sys_cloudmap_service_name: 'sd',
        _sys_cloudmap_service_type: 'ServiceDiscovery',
      },
      cmKeep: '1',
      taskKeep: '1',
      team_a: '1',
    };
    // The two groups would store identical labels, so the suffixed one is named after its key.
    expect(labels).toEqual([expected, { ...expected, scrape_target_name: 'ns' }]);
    expect(
      buildTargets(snapshot([cluster('c1', [web])], [ns]), configuration).groups.map((g) => g.targets[0]),
    ).toEqual(['10.0.0.5:80', '10.0.0.5:7000']);
  });
});

describe('buildTargets: names, values and fixed labels (docs/decisions.md "Rendering")', () => {
  it.each([
    { tag: 'aws:cloudformation:stack-name', label: 'aws_cloudformation_stack_name' },
    { tag: 'app.kubernetes.io/name', label: 'app_kubernetes_io_name' },
    { tag: 'Owner Name', label: 'Owner_Name' },
    { tag: '9lives', label: '_9lives' },
    { tag: 'é', label: '_' },
  ])('the tag key $tag becomes the label $label', ({ tag, label }) => {
    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', [tag]: 'v' }));

    // Assess
    expect(labels).toHaveLength(1);
    expect(Object.entries(labels[0]!).filter(([, value]) => value === 'v')).toEqual([[label, 'v']]);
  });

  it.each([
    { case: 'a.b first', taskTags: { 'a.b': 'dot', a_b: 'underscore' }, expected: 'dot' },
    { case: 'a_b first', taskTags: { a_b: 'underscore', 'a.b': 'dot' }, expected: 'underscore' },
  ])('on a sanitised-name collision the first in list order wins ($case)', ({ taskTags, expected }) => {
    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', ...taskTags }));

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, a_b: expected }]);
  });

  it.each<{ case: string; taskTags: Tags; relabel: KeyValue[] }>([
    { case: 'an instance tag', taskTags: { instance: 'evil' }, relabel: [] },
    { case: 'a __metrics_path__ tag', taskTags: { __metrics_path__: '/evil' }, relabel: [] },
    {
      case: 'a tag that sanitises to __metrics_path__',
      taskTags: { '__metrics.path__': '/evil' },
      relabel: [],
    },
    {
      case: 'relabel targets',
      taskTags: {},
      relabel: [kv('instance', 'evil'), kv('__metrics_path__', '/evil')],
    },
  ])('fixed labels win over $case, without a duplicate key', ({ taskTags, relabel }) => {
    // Act
    const groups = buildTargets(
      oneTask({ METRICS_PORT: '80', ...taskTags }),
      config({ relabelConfigurations: relabel }),
    ).groups;
    const body = renderTargets(groups);

    // Assess
    expect(groups.map((group) => group.labels)).toEqual([BASE_LABELS]);
    expect(body.match(/"instance"/g)).toHaveLength(1);
  });

  it('a scrape_target_name tag loses to the group name and is kept for an unnamed group (as the original)', () => {
    // Act
    const labels = labelsOf(
      oneTask({ METRICS_PORT: '80', METRICS_PORT_X: '81', METRICS_NAME_X: 'x', scrape_target_name: 'tag' }),
    );

    // Assess
    expect(labels).toEqual([
      { ...BASE_LABELS, scrape_target_name: 'tag' },
      { ...BASE_LABELS, scrape_target_name: 'x' },
    ]);
  });

  it('drops empty and whitespace values of tags, extra labels and relabel results', () => {
    // Prepare
    const configuration = config({
      extraPrometheusLabels: [kv('env', ''), kv('blank', '  '), kv('none', null), kv('kept', 'yes')],
      relabelConfigurations: [kv('cm', '{{_sys_cloudmap_service_name}}')],
    });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', empty: '', spaces: ' \t' }), configuration);

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, kept: 'yes' }]);
  });

  it('a blank extra label is not a label at all, so a relabel token naming it skips', () => {
    // Prepare
    const configuration = config({
      extraPrometheusLabels: [kv('env', ' ')],
      relabelConfigurations: [kv('x', '[{{env}}]')],
    });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80' }), configuration);

    // Assess
    expect(labels).toEqual([BASE_LABELS]);
  });

  it('relabel tokens cannot name METRICS_ or fixed labels, so such configurations are skipped', () => {
    // Prepare
    const configuration = config({
      relabelConfigurations: [
        kv('p', '{{METRICS_PORT}}'),
        kv('i', '{{instance}}'),
        kv('m', '{{__metrics_path__}}'),
      ],
    });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80' }), configuration);

    // Assess
    expect(labels).toEqual([BASE_LABELS]);
  });

  it('relabel target names are sanitised at render and may overwrite a system label', () => {
    // Prepare
    const configuration = config({
      relabelConfigurations: [kv('my-label', '{{_sys_ecs_service}}'), kv('_sys_ecs_cluster', 'prod')],
    });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80' }), configuration);

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, _sys_ecs_cluster: 'prod', my_label: 'web' }]);
  });

  it('relabel tokens written in mixed case substitute', () => {
    // Prepare
    const configuration = config({ relabelConfigurations: [kv('cs', '{{_SYS_ECS_Cluster}}:{{Team}}')] });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', team: 'b' }), configuration);

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, cs: 'c1:b', team: 'b' }]);
  });

  it('a _tmp label is removed however it was produced: token relabel or tag', () => {
    // Prepare
    const configuration = config({
      relabelConfigurations: [kv('_tmpName', '{{team}}'), kv('y', '<{{_TMPNAME}}>')],
    });

    // Act
    const labels = labelsOf(oneTask({ METRICS_PORT: '80', team: 'b', _tmp_tag: 'gone' }), configuration);

    // Assess
    expect(labels).toEqual([{ ...BASE_LABELS, team: 'b', y: '<b>' }]);
  });
});

describe('buildTargets: order and determinism', () => {
  const fleet = (): InventorySnapshot =>
    snapshot([
      cluster('c2', [
        service('b', {
          tags: tags({ METRICS_PORT: '80', METRICS_PORT_Z: '82', METRICS_PORT_A: '81' }),
          tasks: [
            task({ arn: taskArn('c2', 't1'), ipv4: '10.0.2.1' }),
            task({ arn: taskArn('c2', 't2'), ipv4: '10.0.2.2' }),
          ],
        }),
        service('a', {
          tags: tags({ METRICS_PORT: '80' }),
          tasks: [task({ arn: taskArn('c2', 't3'), ipv4: '10.0.2.3' })],
        }),
      ]),
      cluster('c1', [webService()]),
    ]);

  it('emits cluster, service and task in snapshot order, then the groups unsuffixed first and by key', () => {
    // Act
    const groups = buildTargets(fleet(), config()).groups;

    // Assess
    expect(groups.map((group) => group.targets[0])).toEqual([
      '10.0.2.1:80',
      '10.0.2.1:81',
      '10.0.2.1:82',
      '10.0.2.2:80',
      '10.0.2.2:81',
      '10.0.2.2:82',
      '10.0.2.3:80',
      '10.0.0.5:8080',
      '10.0.0.5:9779',
    ]);
  });

  it('two builds of the same snapshot render byte-identical bodies', () => {
    // Act
    const first = renderTargets(buildTargets(fleet(), config()).groups);
    const second = renderTargets(buildTargets(fleet(), config()).groups);

    // Assess
    expect(first).toBe(second);
    expect(first.length).toBeGreaterThan(1000);
  });

  it('counts every skip reason across the fleet', () => {
    // Prepare
    const web = service('web', {
      tags: tags({ METRICS_PORT: '80' }),
      tasks: [
        task({ arn: taskArn('c1', 'a'), lastStatus: 'STOPPING', desiredStatus: 'STOPPED' }),
        task({ arn: taskArn('c1', 'b'), ipv4: undefined }),
        task({ arn: taskArn('c1', 'c'), tags: tags({ METRICS_PORT: 'none' }) }),
        task({ arn: taskArn('c1', 'f'), tags: tags({ METRICS_PORT: '' }) }),
        task({ arn: taskArn('c1', 'd'), ipv4: undefined, lastStatus: 'PROVISIONING' }),
        task({ arn: taskArn('c1', 'e') }),
      ],
    });

    // Act
    const result = buildTargets(snapshot([cluster('c1', [web])]), config());

    // Assess
    expect(result.groups.map((group) => group.labels._sys_ecs_task)).toEqual([taskArn('c1', 'e')]);
    expect(result.skipped).toEqual({
      not_running: 2,
      no_address: 1,
      no_port: 1,
      bad_port: 1,
      unmapped_port: 0,
      external_instance: 0,
      host_address_disabled: 0,
    });
  });
});

// Keep the fixtures' literal ARNs honest: the whole-body test above spells them out.
it('the fixture ARNs are the ones spelled out in the whole-body expectation', () => {
  expect([TASK_ARN, TASK_DEFINITION_ARN]).toEqual([
    'arn:aws:ecs:eu-west-1:123456789012:task/c1/0123456789abcdef0123456789abcdef',
    'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
  ]);
});
