/**
 * The explain record of Cloud Map-only instances (`CloudMapInstanceTargets`, docs/decisions.md
 * "Explain view (issue 15)"): one entry per instance of a configured namespace, became a target or
 * why not with the deciding values, its scrape groups after it. One case per
 * `CloudMapInstanceSkipReason`, typed as a record over them, so a new reason needs a case here.
 * Entries are compared as one line each: `kind namespace|cluster/service/task/group outcome [reason{…}…]`.
 */
import { describe, expect, it } from 'vitest';
import type { DiscoveryConfig } from '../../lambda/config/types.ts';
import { CloudMapInstanceSkipReason } from '../../lambda/model/discovery.ts';
import { type ExplainEntry, ExplainKind, ExplainReason } from '../../lambda/model/explain.ts';
import type { CloudMapInstance, CloudMapService, InventorySnapshot } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { boundExplain } from '../../lambda/targets/explain.ts';
import { formatExplainTable } from '../../lambda/targets/explain-table.ts';
import { MAX_LABEL_VALUE_BYTES } from '../../lambda/targets/labels.ts';
import {
  cloudMapService,
  cluster,
  config,
  instance,
  kv,
  namespace,
  service,
  snapshot,
  TASK_ID,
  tags,
  task,
} from './fixtures.ts';

const line = (e: ExplainEntry): string => {
  const notes = e.notes.map(
    (n) =>
      `${n.reason}{${Object.entries(n.values)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`,
  );
  const outcome = e.target ? `target${e.address === '' ? '' : ` ${e.address}`}` : 'not';
  const where = e.namespace === undefined ? e.cluster : `${e.namespace}|${e.cluster}`;
  return [`${e.kind} ${where}/${e.service}/${e.task}/${e.group}`, outcome, ...notes].join(' ');
};

const on = (overrides: Partial<DiscoveryConfig> = {}): DiscoveryConfig =>
  config({ cloudMapInstanceTargets: true, cloudMapNamespaces: ['corp.local'], ...overrides });

const fleet = (services: CloudMapService[], clusters = snapshot([]).clusters): InventorySnapshot =>
  snapshot(clusters, [namespace('corp.local', { services })]);

const legacy = (instances: CloudMapInstance[], overrides: Partial<CloudMapService> = {}) =>
  cloudMapService('legacy', { instances, ...overrides });

const explained = (inventory: InventorySnapshot, configuration: DiscoveryConfig = on()): string[] =>
  buildTargets(inventory, configuration).explain.entries.map(line);

const V4 = { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9100' };

describe('explain: Cloud Map instances that became targets', () => {
  it('lists an instance scraped on AWS_INSTANCE_PORT with that attribute as its group', () => {
    // Act
    const lines = explained(fleet([legacy([instance('i-1', V4)])]));

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-1/ target',
      'scrape_group corp.local|/legacy/i-1/AWS_INSTANCE_PORT target 10.0.0.1:9100',
    ]);
  });

  it('lists one group per port tag of the Cloud Map service and per address (dual stack)', () => {
    // Prepare
    const dual = instance('i-2', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_IPV6: '2001:db8::2' });
    const services = [legacy([dual], { tags: tags({ METRICS_PORT: '9100', METRICS_PORT_NODE: '9101' }) })];

    // Act
    const lines = explained(fleet(services), on({ ipAddressFamily: 'dual' }));

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-2/ target',
      'scrape_group corp.local|/legacy/i-2/METRICS_PORT target 10.0.0.2:9100',
      'scrape_group corp.local|/legacy/i-2/METRICS_PORT target [2001:db8::2]:9100',
      'scrape_group corp.local|/legacy/i-2/METRICS_PORT_NODE target 10.0.0.2:9101',
      'scrape_group corp.local|/legacy/i-2/METRICS_PORT_NODE target [2001:db8::2]:9101',
    ]);
  });

  it('lists a bad port tag beside the AWS_INSTANCE_PORT group that still made the target', () => {
    // Act
    const lines = explained(fleet([legacy([instance('i-3', V4)], { tags: tags({ METRICS_PORT: 'http' }) })]));

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-3/ target',
      'scrape_group corp.local|/legacy/i-3/AWS_INSTANCE_PORT target 10.0.0.1:9100',
      'scrape_group corp.local|/legacy/i-3/METRICS_PORT not bad_port{tag=METRICS_PORT,value=http}',
    ]);
  });

  it('comes after every ECS entry, namespaces in snapshot order', () => {
    // Prepare
    const ecs = [cluster('c1', [service('web', { tags: tags({ METRICS_PORT: '8080' }), tasks: [task()] })])];
    const inventory: InventorySnapshot = {
      clusters: ecs,
      namespaces: [
        namespace('corp.local', { services: [legacy([instance('i-1', V4)])] }),
        namespace('inferred', { services: [cloudMapService('other', { instances: [instance('x', V4)] })] }),
      ],
    };

    // Act
    const lines = explained(inventory);

    // Assess: `inferred` is not in CloudMapNamespaces, so its instances are not considered.
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'cluster',
      'service',
      'task',
      'scrape_group',
      'cloud_map_instance',
      'scrape_group',
    ]);
  });

  it('has no Cloud Map instance entries without CloudMapInstanceTargets', () => {
    // Act
    const lines = explained(fleet([legacy([instance('i-1', V4)])]), on({ cloudMapInstanceTargets: false }));

    // Assess
    expect(lines).toEqual([]);
  });
});

describe('explain: why a Cloud Map instance is not a target', () => {
  // One case per reason; the record type makes a new CloudMapInstanceSkipReason a compile error here.
  const cases: Record<
    CloudMapInstanceSkipReason,
    readonly [CloudMapService, Partial<DiscoveryConfig>, readonly string[]]
  > = {
    [CloudMapInstanceSkipReason.EcsOwned]: [
      legacy([instance('i-e', { ...V4, ECS_CLUSTER_NAME: 'prod', ECS_SERVICE_NAME: 'web' })]),
      {},
      [
        'cloud_map_instance corp.local|/legacy/i-e/ not ecs_owned{ECS_CLUSTER_NAME=prod,ECS_SERVICE_NAME=web}',
      ],
    ],
    [CloudMapInstanceSkipReason.CloudMapNotSelected]: [
      legacy([instance('i-n', V4)], { selected: false }),
      { cloudMapServiceSelectorTags: [kv('scrape', 'yes')] },
      [
        'cloud_map_instance corp.local|/legacy/i-n/ not cloud_map_not_selected{cloudMapService=legacy,wanted=scrape=yes}',
      ],
    ],
    [CloudMapInstanceSkipReason.Unhealthy]: [
      legacy([{ ...instance('i-u', V4), healthStatus: 'UNHEALTHY' }]),
      { cloudMapHealthyOnly: true },
      [
        'cloud_map_instance corp.local|/legacy/i-u/ not unhealthy{healthStatus=UNHEALTHY,option=CloudMapHealthyOnly=true}',
      ],
    ],
    [CloudMapInstanceSkipReason.NoInstanceAddress]: [
      legacy([instance('i-a', { AWS_INSTANCE_IPV4: '10.0.0.9', AWS_INSTANCE_PORT: '9100' })]),
      { ipAddressFamily: 'ipv6' },
      [
        'cloud_map_instance corp.local|/legacy/i-a/ not no_instance_address{AWS_INSTANCE_IPV4=10.0.0.9,option=IpAddressFamily=ipv6}',
      ],
    ],
    [CloudMapInstanceSkipReason.NoInstancePort]: [
      legacy([instance('i-p', { AWS_INSTANCE_IPV4: '10.0.0.8', AWS_INSTANCE_PORT: '0' })]),
      {},
      [
        'cloud_map_instance corp.local|/legacy/i-p/ not no_instance_port{lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT,AWS_INSTANCE_PORT=0}',
      ],
    ],
  };

  it.each(Object.entries(cases))('%s', (reason, [cloudMap, overrides, expected]) => {
    // Act
    const entries = buildTargets(fleet([cloudMap]), on(overrides)).explain.entries;

    // Assess
    expect(entries.map(line)).toEqual(expected);
    expect(entries[0]?.notes[0]?.reason).toBe(reason);
  });

  it('covers every CloudMapInstanceSkipReason as an explain reason with its own text', () => {
    // Assess
    expect(
      Object.values(CloudMapInstanceSkipReason).every((r) => Object.values(ExplainReason).includes(r)),
    ).toBe(true);
    expect(Object.keys(cases).sort()).toEqual(Object.values(CloudMapInstanceSkipReason).sort());
  });

  it('names the registered health attribute when Cloud Map reports no health status', () => {
    // Act
    const lines = explained(
      fleet([legacy([instance('i-u', { ...V4, AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' })])]),
      on({ cloudMapHealthyOnly: true }),
    );

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-u/ not unhealthy{AWS_INIT_HEALTH_STATUS=UNHEALTHY,option=CloudMapHealthyOnly=true}',
    ]);
  });

  it('gives only the option when the instance has no address attribute at all', () => {
    // Act
    const lines = explained(fleet([legacy([instance('i-a', { AWS_INSTANCE_PORT: '9100' })])]));

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-a/ not no_instance_address{option=IpAddressFamily=ipv4}',
    ]);
  });

  it('gives the bad port tags on the instance and their groups when no group is left', () => {
    // Act
    const lines = explained(
      fleet([
        legacy([instance('i-b', { AWS_INSTANCE_IPV4: '10.0.0.7' })], { tags: tags({ METRICS_PORT: 'x' }) }),
      ]),
    );

    // Assess
    expect(lines).toEqual([
      'cloud_map_instance corp.local|/legacy/i-b/ not no_instance_port{lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT} bad_port{tag=METRICS_PORT}',
      'scrape_group corp.local|/legacy/i-b/METRICS_PORT not bad_port{tag=METRICS_PORT,value=x}',
    ]);
  });

  it('notes reserved Cloud Map service and namespace tags on the first instance, once', () => {
    // Prepare
    const services = [
      legacy([instance('i-1', V4), instance('i-2', { ...V4, AWS_INSTANCE_IPV4: '10.0.0.2' })], {
        tags: tags({ __scheme__: 'https' }),
      }),
    ];
    const inventory = snapshot([], [namespace('corp.local', { services, tags: tags({ job: 'x' }) })]);

    // Act
    const lines = explained(inventory, on({ cloudMapServiceTags: ['*'], cloudMapNamespaceTags: ['*'] }));

    // Assess
    const arn = 'arn:aws:servicediscovery:eu-west-1:123456789012';
    expect(lines).toEqual([
      `cloud_map_instance corp.local|/legacy/i-1/ target reserved_tag{resource=${arn}:service/srv-legacy,tag=__scheme__} reserved_tag{resource=${arn}:namespace/ns-corp.local,tag=job}`,
      'scrape_group corp.local|/legacy/i-1/AWS_INSTANCE_PORT target 10.0.0.1:9100',
      'cloud_map_instance corp.local|/legacy/i-2/ target',
      'scrape_group corp.local|/legacy/i-2/AWS_INSTANCE_PORT target 10.0.0.2:9100',
    ]);
  });

  it('notes an oversized attribute label on its instance, with its name and size, never the value', () => {
    // Prepare
    const big = 'x'.repeat(MAX_LABEL_VALUE_BYTES + 1);

    // Act
    const lines = explained(fleet([legacy([instance('i-1', { ...V4, note: big })])]));

    // Assess
    expect(lines[0]).toBe(
      `cloud_map_instance corp.local|/legacy/i-1/ target oversized_value{label=__meta_cloudmap_instance_attribute_note,bytes=${MAX_LABEL_VALUE_BYTES + 1}}`,
    );
  });
});

describe('explain: Cloud Map instances in the bound and the table', () => {
  it('keeps ECS-registered instances last (their tasks explain them) and counts them by kind', () => {
    // Prepare
    const instances = [
      instance('a-ecs', { ...V4, ECS_CLUSTER_NAME: 'c1' }),
      instance('b-plain', V4),
      instance('c-noport', { AWS_INSTANCE_IPV4: '10.0.0.3' }),
    ];
    const { entries } = buildTargets(fleet([legacy(instances)]), on()).explain;

    // Act
    const bounded = boundExplain(entries, 3);

    // Assess
    expect(bounded.entries.map(line)).toEqual([
      'cloud_map_instance corp.local|/legacy/b-plain/ target',
      'scrape_group corp.local|/legacy/b-plain/AWS_INSTANCE_PORT target 10.0.0.1:9100',
      'cloud_map_instance corp.local|/legacy/c-noport/ not no_instance_port{lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT}',
    ]);
    expect(bounded.omitted).toEqual({
      cluster: 0,
      service: 0,
      task: 0,
      scrape_group: 0,
      cloud_map_instance: 1,
    });
  });

  it('serialises an instance entry with the namespace after the kind and the instance id as task', () => {
    // Act
    const [first] = buildTargets(fleet([legacy([instance('i-1', V4)])]), on()).explain.entries;

    // Assess
    expect(JSON.stringify(first)).toBe(
      '{"kind":"cloud_map_instance","namespace":"corp.local","cluster":"","service":"legacy","task":"i-1","group":"","address":"","target":true,"notes":[]}',
    );
    expect(first?.kind).toBe(ExplainKind.CloudMapInstance);
  });

  it('shows the namespace in the CLUSTER column of the CLI table', () => {
    // Prepare
    const ecs = [cluster('c1', [service('web', { tags: tags({ METRICS_PORT: '8080' }), tasks: [task()] })])];
    const instances = [instance('i-1', V4), instance('i-2', { AWS_INSTANCE_IPV4: '10.0.0.2' })];
    const { explain } = buildTargets(fleet([legacy(instances)], ecs), on());

    // Act
    const table = formatExplainTable(explain);

    // Assess
    const T = TASK_ID;
    expect(table).toBe(
      [
        'KIND                CLUSTER     SERVICE  TASK                              GROUP              OUTCOME               WHY',
        'cluster             c1                                                                        target',
        'service             c1          web                                                           target',
        `task                c1          web      ${T}                     target`,
        `scrape_group        c1          web      ${T}  METRICS_PORT       target 10.0.0.5:8080`,
        'cloud_map_instance  corp.local  legacy   i-1                                                  target',
        'scrape_group        corp.local  legacy   i-1                               AWS_INSTANCE_PORT  target 10.0.0.1:9100',
        'cloud_map_instance  corp.local  legacy   i-2                                                  not a target          no_instance_port: no port tag and no valid AWS_INSTANCE_PORT (lookedFor=METRICS_PORT*;AWS_INSTANCE_PORT)',
        '',
      ].join('\n'),
    );
  });
});
