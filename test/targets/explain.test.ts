/**
 * The explain record of the target builder: one literal case per reason, snapshot in, explain
 * entries out (docs/decisions.md "Explain view (issue 15)"). Entries are compared as one line each:
 * `kind cluster/service/task/group outcome [reason{key=value,…}…]`.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { DiscoveryMode } from '../../lambda/config/types.ts';
import { type ExplainEntry, ExplainKind } from '../../lambda/model/explain.ts';
import { HostUnknown, type InventorySnapshot } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { boundExplain, clip } from '../../lambda/targets/explain.ts';
import {
  cloudMapService,
  cluster,
  config,
  instance,
  kv,
  namespace,
  service,
  snapshot,
  TASK_DEFINITION_ARN,
  TASK_ID,
  tags,
  task,
  taskArn,
  workedExample,
} from './fixtures.ts';

const line = (e: ExplainEntry): string => {
  const notes = e.notes.map(
    (n) =>
      `${n.reason}{${Object.entries(n.values)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`,
  );
  const outcome = e.target ? `target${e.address === '' ? '' : ` ${e.address}`}` : 'not';
  return [`${e.kind} ${e.cluster}/${e.service}/${e.task}/${e.group}`, outcome, ...notes].join(' ');
};

const explained = (fleet: InventorySnapshot, configuration: DiscoveryConfig = config()): string[] =>
  buildTargets(fleet, configuration).explain.entries.map(line);

const ARN = 'arn:aws:ecs:eu-west-1:123456789012';
const T = TASK_ID;

describe('explain: targets', () => {
  it('lists the cluster, service, task and each scrape group of the reference fleet as targets', () => {
    // Act
    const lines = explained(workedExample());

    // Assess
    expect(lines).toEqual([
      'cluster c1/// target',
      'service c1/web// target',
      `task c1/web/${T}/ target`,
      `scrape_group c1/web/${T}/METRICS_PORT target 10.0.0.5:8080`,
      `scrape_group c1/web/${T}/METRICS_PORT_ECS target 10.0.0.5:9779`,
    ]);
  });
});

describe('explain: why a task is not a target', () => {
  const oneTask = (overrides: Parameters<typeof task>[0], serviceTags: Record<string, string>) =>
    snapshot([cluster('c1', [service('web', { tags: tags(serviceTags), tasks: [task(overrides)] })])]);

  it.each([
    [
      'not running (STOPPED, desired STOPPED)',
      { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' },
      { METRICS_PORT: '8080' },
      `task c1/web/${T}/ not not_running{lastStatus=STOPPED,desiredStatus=STOPPED}`,
    ],
    [
      'not running (DEACTIVATING, desired RUNNING)',
      { lastStatus: 'DEACTIVATING' },
      { METRICS_PORT: '8080' },
      `task c1/web/${T}/ not not_running{lastStatus=DEACTIVATING,desiredStatus=RUNNING}`,
    ],
    ['no address', { ipv4: undefined }, { METRICS_PORT: '8080' }, `task c1/web/${T}/ not no_address{}`],
    [
      'no port tag',
      { tags: tags({ METRICS_PATH: '/m' }) },
      { team: 'a' },
      `task c1/web/${T}/ not no_port{lookedFor=METRICS_PORT*}`,
    ],
  ])('%s', (_name, overrides, serviceTags, expected) => {
    // Act
    const lines = explained(oneTask(overrides, serviceTags));

    // Assess
    expect(lines).toEqual(['cluster c1/// not', 'service c1/web// not', expected]);
  });

  it('names the prefix it looked for when MetricsPathPortTagPrefix is changed', () => {
    // Act
    const lines = explained(
      oneTask({}, { METRICS_PORT: '8080' }),
      config({ metricsPathPortTagPrefix: 'PROM_' }),
    );

    // Assess
    expect(lines[2]).toBe(`task c1/web/${T}/ not no_port{lookedFor=PROM_PORT*}`);
  });

  it('gives a bad port with its tag and value, on the group, and on the task when no group is left', () => {
    // Act
    const lines = explained(oneTask({ tags: tags({ METRICS_PORT: '+80', METRICS_PORT_B: '70000' }) }, {}));

    // Assess
    expect(lines).toEqual([
      'cluster c1/// not',
      'service c1/web// not',
      `task c1/web/${T}/ not bad_port{tag=METRICS_PORT;METRICS_PORT_B}`,
      `scrape_group c1/web/${T}/METRICS_PORT not bad_port{tag=METRICS_PORT,value=+80}`,
      `scrape_group c1/web/${T}/METRICS_PORT_B not bad_port{tag=METRICS_PORT_B,value=70000}`,
    ]);
  });

  it('lists docker-label groups by container and label, a bad docker port with its value', () => {
    // Prepare: no port tag; two containers labelled the teralytics way, one port out of range.
    const fleet = {
      ...oneTask({ tags: [] }, {}),
      taskDefinitions: [
        {
          arn: TASK_DEFINITION_ARN,
          networkMode: 'awsvpc',
          containers: [
            {
              name: 'app',
              dockerLabels: [{ key: 'PROMETHEUS_EXPORTER_PORT', value: '9100' }],
              portMappings: [],
            },
            {
              name: 'side',
              dockerLabels: [{ key: 'PROMETHEUS_EXPORTER_PORT', value: '99999' }],
              portMappings: [],
            },
          ],
        },
      ],
    };

    // Act
    const lines = explained(fleet, config({ dockerLabels: 'teralytics' }));

    // Assess
    expect(lines.slice(2)).toEqual([
      `task c1/web/${T}/ target`,
      `scrape_group c1/web/${T}/app/PROMETHEUS_EXPORTER_PORT target 10.0.0.5:9100`,
      `scrape_group c1/web/${T}/side/PROMETHEUS_EXPORTER_PORT not bad_port{tag=side/PROMETHEUS_EXPORTER_PORT,value=99999}`,
    ]);
  });

  it('keeps a task with one bad group a target and lists the bad group beside the good one', () => {
    // Act
    const lines = explained(oneTask({ tags: tags({ METRICS_PORT: '8080', METRICS_PORT_X: '0' }) }, {}));

    // Assess
    expect(lines.slice(2)).toEqual([
      `task c1/web/${T}/ target`,
      `scrape_group c1/web/${T}/METRICS_PORT target 10.0.0.5:8080`,
      `scrape_group c1/web/${T}/METRICS_PORT_X not bad_port{tag=METRICS_PORT_X,value=0}`,
    ]);
  });

  it('notes a reserved task tag on the task and a reserved service tag on the service, once', () => {
    // Prepare
    const second = taskArn('c1', 'ffff');
    const fleet = snapshot([
      cluster('c1', [
        service('web', {
          tags: tags({ METRICS_PORT: '8080', __scheme__: 'https' }),
          tasks: [task({ tags: tags({ job: 'hijack' }) }), task({ arn: second, ipv4: '10.0.0.6' })],
        }),
      ]),
    ]);

    // Act
    const lines = explained(fleet);

    // Assess
    expect(lines).toEqual([
      'cluster c1/// target',
      `service c1/web// target reserved_tag{resource=${ARN}:service/c1/web,tag=__scheme__}`,
      `task c1/web/${T}/ target reserved_tag{resource=${ARN}:task/c1/${T},tag=job}`,
      `scrape_group c1/web/${T}/METRICS_PORT target 10.0.0.5:8080`,
      'task c1/web/ffff/ target',
      'scrape_group c1/web/ffff/METRICS_PORT target 10.0.0.6:8080',
    ]);
  });

  it('notes an oversized value with the label and its size, never the value', () => {
    // Prepare
    const big = 'x'.repeat(16 * 1024 + 1);

    // Act
    const lines = explained(oneTask({ tags: tags({ METRICS_PORT: '8080', blob: big }) }, {}));

    // Assess
    expect(lines[2]).toBe(`task c1/web/${T}/ target oversized_value{label=blob,bytes=16385}`);
    expect(lines.join('\n')).not.toContain('xxxx');
  });
});

describe('explain: why a service is not a target', () => {
  it('names the selectors wanted and the selector tags the service had (collector-excluded services)', () => {
    // Prepare
    const fleet: InventorySnapshot = {
      ...workedExample(),
      excludedServices: [
        {
          clusterArn: `${ARN}:cluster/c1`,
          arn: `${ARN}:service/c1/worker`,
          name: 'worker',
          excludedBy: 'service_selector',
          selectorTags: tags({ PROMETHEUS_TARGET: 'false' }),
          registrations: 0,
        },
        {
          clusterArn: `${ARN}:cluster/c1`,
          arn: `${ARN}:service/c1/batch`,
          name: 'batch',
          excludedBy: 'service_selector',
          selectorTags: [],
          registrations: 0,
        },
      ],
    };
    const selected = config({ ecsServiceSelectorTags: [kv('PROMETHEUS_TARGET', 'true'), kv('env', '*')] });

    // Act
    const lines = explained(fleet, selected);

    // Assess
    expect(lines.filter((l) => !l.startsWith('scrape_group') && !l.startsWith('task'))).toEqual([
      'cluster c1/// target',
      'service c1/web// target',
      'service c1/worker// not service_selector{wanted=PROMETHEUS_TARGET=true;env=*,had=PROMETHEUS_TARGET=false}',
      'service c1/batch// not service_selector{wanted=PROMETHEUS_TARGET=true;env=*,had=}',
    ]);
  });

  it('names the namespaces for a service not registered in them, under a cluster entry of its own', () => {
    // Prepare: namespaces mode, the cluster holds no registered service at all.
    const fleet: InventorySnapshot = {
      clusters: [],
      namespaces: [namespace('app')],
      excludedServices: [
        {
          clusterArn: `${ARN}:cluster/other`,
          arn: `${ARN}:service/other/lonely`,
          name: 'lonely',
          excludedBy: 'not_registered',
          selectorTags: [],
          registrations: 1,
        },
      ],
    };

    // Act
    const lines = explained(fleet, config({ cloudMapNamespaces: ['app'], mode: DiscoveryMode.Both }));

    // Assess
    expect(lines).toEqual([
      'cluster other/// not no_services{}',
      'service other/lonely// not not_registered{namespaces=app,registrations=1}',
    ]);
  });

  it('says when a selected service has no running task listed', () => {
    // Act
    const lines = explained(
      snapshot([cluster('c1', [service('idle', { tags: tags({ METRICS_PORT: '80' }) })])]),
    );

    // Assess
    expect(lines).toEqual(['cluster c1/// not', 'service c1/idle// not no_tasks{}']);
  });

  it('says when a cluster has no service selected', () => {
    // Act
    const lines = explained(snapshot([cluster('empty', [])]));

    // Assess
    expect(lines).toEqual(['cluster empty/// not no_services{}']);
  });

  it('names the Cloud Map service that would enrich the targets but is not selected', () => {
    // Prepare: registered by attributes in a Cloud Map service that fails CloudMapServiceSelectorTags.
    const registry = cloudMapService('web-sd', {
      selected: false,
      instances: [
        instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web', AWS_INSTANCE_IPV4: '10.0.0.5' }),
      ],
    });
    const fleet = workedExample({}, {}, [namespace('app', { services: [registry] })]);
    const selecting = config({ cloudMapServiceSelectorTags: [kv('scrape', 'yes')] });

    // Act
    const lines = explained(fleet, selecting);

    // Assess
    expect(lines[1]).toBe(
      'service c1/web// target cloud_map_not_selected{cloudMapService=web-sd,wanted=scrape=yes}',
    );
  });

  it('adds no Cloud Map note when a selected Cloud Map service enriches the targets', () => {
    // Prepare
    const registry = cloudMapService('web-sd', {
      instances: [
        instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web', AWS_INSTANCE_IPV4: '10.0.0.5' }),
      ],
    });

    // Act
    const lines = explained(workedExample({}, {}, [namespace('app', { services: [registry] })]));

    // Assess
    expect(lines[1]).toBe('service c1/web// target');
  });

  it('notes a reserved Cloud Map namespace tag on the service it enriches', () => {
    // Prepare
    const registry = cloudMapService('web-sd', {
      instances: [
        instance('i-1', { ECS_CLUSTER_NAME: 'c1', ECS_SERVICE_NAME: 'web', AWS_INSTANCE_IPV4: '10.0.0.5' }),
      ],
    });
    const ns = namespace('app', { services: [registry], tags: tags({ __param_x: '1' }) });

    // Act
    const lines = explained(workedExample({}, {}, [ns]));

    // Assess
    expect(lines[1]).toBe(`service c1/web// target reserved_tag{resource=${ns.arn},tag=__param_x}`);
  });
});

describe('explain: EC2 bridge/host tasks (issue 14)', () => {
  const HOST = { ipv4: '10.1.0.9' };
  const oneTask = (overrides: Parameters<typeof task>[0], serviceTags: Record<string, string>) =>
    snapshot([cluster('c1', [service('web', { tags: tags(serviceTags), tasks: [task(overrides)] })])]);

  it.each([
    [
      'ECS Anywhere (external_instance)',
      { ipv4: undefined, networkMode: 'bridge', host: { unknown: HostUnknown.External } },
      config(),
      `task c1/web/${T}/ not external_instance{networkMode=bridge}`,
    ],
    [
      'Ec2HostAddresses=false (host_address_disabled)',
      { ipv4: undefined, networkMode: 'host', host: { unknown: HostUnknown.Disabled } },
      config({ ec2HostAddresses: false }),
      `task c1/web/${T}/ not host_address_disabled{networkMode=host,option=Ec2HostAddresses=false}`,
    ],
    [
      'host not returned (no_address)',
      { ipv4: undefined, networkMode: 'bridge', host: { unknown: HostUnknown.Missing } },
      config(),
      `task c1/web/${T}/ not no_address{}`,
    ],
  ] as const)('%s', (_name, overrides, configuration, expected) => {
    // Act
    const lines = explained(oneTask(overrides, { METRICS_PORT: '8080' }), configuration);

    // Assess
    expect(lines).toEqual(['cluster c1/// not', 'service c1/web// not', expected]);
  });

  it('gives an unmapped bridge port with its container port and the bindings, on the group and the task', () => {
    // Act
    const lines = explained(
      oneTask(
        {
          ipv4: undefined,
          networkMode: 'bridge',
          host: HOST,
          portBindings: [{ containerPort: 80, hostPort: 32768 }],
        },
        { METRICS_PORT: '8080' },
      ),
    );

    // Assess
    expect(lines).toEqual([
      'cluster c1/// not',
      'service c1/web// not',
      `task c1/web/${T}/ not unmapped_port{tag=METRICS_PORT,bindings=80->32768}`,
      `scrape_group c1/web/${T}/METRICS_PORT not unmapped_port{tag=METRICS_PORT,containerPort=8080,bindings=80->32768}`,
    ]);
  });

  it('keeps a bridge task with one mapped group a target at the host port, and lists the unmapped group', () => {
    // Act
    const lines = explained(
      oneTask(
        {
          ipv4: undefined,
          networkMode: 'bridge',
          host: HOST,
          tags: tags({ METRICS_PORT: '80', METRICS_PORT_B: '9100' }),
          portBindings: [{ containerPort: 80, hostPort: 32768 }],
        },
        {},
      ),
    );

    // Assess
    expect(lines.slice(2)).toEqual([
      `task c1/web/${T}/ target`,
      `scrape_group c1/web/${T}/METRICS_PORT target 10.1.0.9:32768`,
      `scrape_group c1/web/${T}/METRICS_PORT_B not unmapped_port{tag=METRICS_PORT_B,containerPort=9100,bindings=80->32768}`,
    ]);
  });

  it('lists one scrape group entry per address of a dual-stack task', () => {
    // Act
    const lines = explained(
      oneTask({ ipv6: '2001:db8::5' }, { METRICS_PORT: '8080' }),
      config({ ipAddressFamily: 'dual' }),
    );

    // Assess
    expect(lines.slice(2)).toEqual([
      `task c1/web/${T}/ target`,
      `scrape_group c1/web/${T}/METRICS_PORT target 10.0.0.5:8080`,
      `scrape_group c1/web/${T}/METRICS_PORT target [2001:db8::5]:8080`,
    ]);
  });
});

describe('explain: stand-alone tasks (issue 14)', () => {
  it('lists stand-alone tasks after the services of their cluster, with no service name', () => {
    // Prepare
    const other = taskArn('c1', 'eeee');
    const fleet = snapshot([
      {
        ...cluster('c1', []),
        standaloneTasks: [
          task({ group: 'family:batch', startedBy: 'cron', tags: tags({ METRICS_PORT: '9100' }) }),
          task({ arn: other, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }),
        ],
      },
    ]);

    // Act
    const lines = explained(fleet);

    // Assess
    expect(lines).toEqual([
      'cluster c1/// target',
      `task c1//${T}/ target`,
      `scrape_group c1//${T}/METRICS_PORT target 10.0.0.5:9100`,
      'task c1//eeee/ not not_running{lastStatus=STOPPED,desiredStatus=STOPPED}',
    ]);
  });
});

describe('explain: bounds', () => {
  const entry = (kind: ExplainEntry['kind'], name: string, target: boolean): ExplainEntry => ({
    kind,
    cluster: 'c',
    service: name,
    task: '',
    group: '',
    address: '',
    target,
    notes: [],
  });

  it('keeps what is not a target first, then clusters and services, in fleet order, and counts the rest', () => {
    // Prepare
    const entries = [
      entry(ExplainKind.Cluster, 'c', true),
      entry(ExplainKind.Task, 't1', true),
      entry(ExplainKind.ScrapeGroup, 'g1', true),
      entry(ExplainKind.Service, 's', true),
      entry(ExplainKind.Task, 't2', false),
    ];

    // Act
    const bounded = boundExplain(entries, 3);

    // Assess
    expect(bounded.entries.map((e) => e.service)).toEqual(['c', 's', 't2']);
    expect(bounded.omitted).toEqual({
      cluster: 0,
      service: 0,
      task: 1,
      scrape_group: 1,
      cloud_map_instance: 0,
    });
  });

  it('cuts a long value to 200 characters', () => {
    // Act
    const cut = clip('v'.repeat(500));

    // Assess
    expect([cut.length, cut.endsWith('…')]).toEqual([200, true]);
  });

  it('bounds a 6,000-task fleet to 5,000 entries, every cluster and service kept', () => {
    // Prepare
    const tasks = Array.from({ length: 6000 }, (_, i) =>
      task({ arn: taskArn('c1', `t${i}`), ipv4: `10.0.${Math.floor(i / 250)}.${i % 250}` }),
    );
    const fleet = snapshot([cluster('c1', [service('web', { tags: tags({ METRICS_PORT: '80' }), tasks })])]);

    // Act
    const { explain } = buildTargets(fleet, config());

    // Assess
    expect(explain.entries).toHaveLength(5000);
    expect(explain.entries.slice(0, 2).map((e) => e.kind)).toEqual(['cluster', 'service']);
    expect(explain.omitted).toEqual({
      cluster: 0,
      service: 0,
      task: 3501,
      scrape_group: 3501,
      cloud_map_instance: 0,
    });
  });
});
