import { describe, expect, it } from 'vitest';
import type { CloudMapInstance, InventorySnapshot } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { isUnhealthy } from '../../lambda/targets/cloud-map-targets.ts';
import { config } from './fixtures.ts';

const instance = (
  id: string,
  attributes: Record<string, string>,
  healthStatus?: string,
): CloudMapInstance => ({
  id,
  attributes,
  ...(healthStatus === undefined ? {} : { healthStatus }),
});

const snapshot = (instances: CloudMapInstance[]): InventorySnapshot => ({
  clusters: [],
  namespaces: [
    {
      id: 'ns-1',
      arn: 'arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1',
      name: 'corp.local',
      tags: [],
      services: [
        {
          id: 'srv-1',
          arn: 'arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-1',
          name: 'legacy',
          namespaceId: 'ns-1',
          type: 'ServiceDiscovery',
          tags: [],
          selected: true,
          instances,
        },
      ],
    },
  ],
});

describe('isUnhealthy', () => {
  it.each<[CloudMapInstance, boolean]>([
    [instance('a', {}), false],
    [instance('b', { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }), true],
    [instance('c', { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }, 'HEALTHY'), false],
    [instance('d', {}, 'UNHEALTHY'), true],
    [instance('e', {}, 'UNKNOWN'), false],
  ])('%j → %s', (i, expected) => {
    expect(isUnhealthy(i)).toBe(expected);
  });
});

describe('Cloud Map-only targets in the builder', () => {
  const instances = [
    instance('v4', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9100' }),
    instance('v6', { AWS_INSTANCE_IPV6: '2001:db8::7', AWS_INSTANCE_PORT: '9100' }),
    instance('ecs', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_PORT: '9100', ECS_CLUSTER_NAME: 'c1' }),
    instance('sick', { AWS_INSTANCE_IPV4: '10.0.0.3', AWS_INSTANCE_PORT: '9100' }, 'UNHEALTHY'),
    instance('noport', { AWS_INSTANCE_IPV4: '10.0.0.4' }),
  ];
  it.each<[string, Parameters<typeof config>[0], string[]]>([
    ['off by default', {}, []],
    [
      'ipv4 with IPv6 fallback, ECS-owned left out',
      { cloudMapInstanceTargets: true },
      ['10.0.0.1:9100', '[2001:db8::7]:9100', '10.0.0.3:9100'],
    ],
    [
      'healthy only',
      { cloudMapInstanceTargets: true, cloudMapHealthyOnly: true },
      ['10.0.0.1:9100', '[2001:db8::7]:9100'],
    ],
    ['ipv6 only', { cloudMapInstanceTargets: true, ipAddressFamily: 'ipv6' }, ['[2001:db8::7]:9100']],
    ['namespace not configured', { cloudMapInstanceTargets: true, cloudMapNamespaces: ['other'] }, []],
  ])('%s', (_name, overrides, expected) => {
    const result = buildTargets(
      snapshot(instances),
      config({ cloudMapNamespaces: ['corp.local'], ...overrides }),
    );
    expect(result.groups.map((g) => g.targets[0])).toEqual(expected);
  });
});

describe('the source labels of Cloud Map-only targets', () => {
  const one = [instance('v4', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9100' })];
  const sourceLabels = (overrides: Parameters<typeof config>[0]) => {
    const [group] = buildTargets(
      snapshot(one),
      config({ cloudMapNamespaces: ['corp.local'], cloudMapInstanceTargets: true, ...overrides }),
    ).groups;
    return Object.fromEntries(
      Object.entries(group?.labels ?? {}).filter(([name]) => /ecs_(account_id|region)$/.test(name)),
    );
  };

  it('carry the account and Region of the namespace ARN with several sources, as ECS targets do', () => {
    // Act / Assess
    expect(sourceLabels({ regions: ['eu-west-1', 'us-east-1'] })).toEqual({
      _sys_ecs_account_id: '123456789012',
      _sys_ecs_region: 'eu-west-1',
      __meta_ecs_account_id: '123456789012',
      __meta_ecs_region: 'eu-west-1',
    });
  });

  it('are absent with one source, so a one-account body is unchanged', () => {
    // Act / Assess
    expect(sourceLabels({})).toEqual({});
  });
});
