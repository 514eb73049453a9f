import { describe, expect, it } from 'vitest';
import { minimumCalls, originalCalls, total } from '../../bench/formulas.ts';
import { lowerBoundSeconds } from '../../bench/limits.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { defineFleet } from '../aws-double/index.ts';

const on = { scrape: 'true' };

/** Cluster a: one paging service (150 tasks), one idle, one unselected; cluster b: 12 one-task services. */
const fleet = defineFleet({
  clusters: [
    {
      name: 'a',
      services: [
        { name: 'web', tags: on, tasks: 150, serviceConnect: { namespace: 'apps' } },
        { name: 'idle', tags: on, tasks: 0 },
        { name: 'off', tags: { scrape: 'false' }, tasks: 5 },
      ],
    },
    {
      name: 'b',
      services: Array.from({ length: 12 }, (_, i) => ({
        name: `s${i}`,
        tags: on,
        tasks: 1,
        serviceDiscovery: { namespace: 'dns.local' },
      })),
    },
  ],
  namespaces: [
    {
      name: 'dns.local',
      services: [
        { name: 'big', instances: 250 },
        { name: 'empty', instances: 0 },
      ],
    },
  ],
});
const config = loadConfig({
  DiscoveryOptions__EcsClusters: 'a;b',
  DiscoveryOptions__EcsServiceSelectorTags: 'scrape=true',
});

describe('minimumCalls', () => {
  it('pages by 100, batches by 10/100, picks the cheaper ListTasks strategy per cluster', () => {
    // Act
    const cold = minimumCalls(fleet, config, false);
    // Assess
    expect(cold).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 2,
      'ecs:DescribeServices': 3,
      'ecs:ListTasks': 3,
      'ecs:DescribeTasks': 3,
      'servicediscovery:ListNamespaces': 1,
      'servicediscovery:GetService': 1,
      'servicediscovery:ListServices': 2,
      'servicediscovery:ListTagsForResource': 17,
      // One per service with instances: web (150), big (250) and the 12 one-instance registrations.
      'servicediscovery:DiscoverInstances': 14,
      // MetaLabels=full: the ENIs of the 150 + 12 awsvpc tasks, one call per cluster (200 per call).
      'ec2:DescribeNetworkInterfaces': 2,
    });
  });

  it('drops cached and immutable reads on a warm refresh', () => {
    // Act
    const warm = minimumCalls(fleet, config, true);
    // Assess
    expect(warm['ecs:DescribeClusters']).toBe(0);
    expect(warm['servicediscovery:ListNamespaces']).toBe(0);
    expect(warm['servicediscovery:GetService']).toBe(0);
    expect(warm['servicediscovery:ListTagsForResource']).toBe(0);
    expect(total(warm)).toBe(27);
  });
});

describe('originalCalls', () => {
  it('follows the fan-out the original makes (docs/decisions.md on its AWS calls)', () => {
    // Act
    const cold = originalCalls(fleet, config, false);
    // Assess
    expect(cold).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:ListServices': 3,
      'ecs:DescribeServices': 3,
      'ecs:ListTasks': 15,
      'ecs:DescribeTasks': 14,
      'servicediscovery:GetNamespace': 2,
      'servicediscovery:ListServices': 2,
      'servicediscovery:ListTagsForResource': 15,
      'servicediscovery:ListInstances': 18,
    });
  });
});

type BoundCase = {
  readonly calls: Readonly<Record<string, number>>;
  readonly share: number;
  readonly bucket: number;
  readonly latency: number;
  readonly bound: number;
};

describe('lowerBoundSeconds', () => {
  it.each<BoundCase>([
    // One bucket for ListTasks and DescribeTasks: 100 / 20 at AWS's size, 50 / 10 at half.
    {
      calls: { 'ecs:ListTasks': 150, 'ecs:DescribeTasks': 50 },
      share: 1,
      bucket: 5,
      latency: 0.625,
      bound: 5,
    },
    {
      calls: { 'ecs:ListTasks': 150, 'ecs:DescribeTasks': 50 },
      share: 0.5,
      bucket: 15,
      latency: 0.625,
      bound: 15,
    },
    { calls: { 'ecs:DescribeServices': 80 }, share: 1, bucket: 0, latency: 0.25, bound: 0.25 },
    { calls: { 'ecs:DescribeServices': 80 }, share: 0.5, bucket: 3, latency: 0.25, bound: 3 },
    // ListServicesByNamespace: 10 / 1 at AWS's size, 5 / 0.5 at half.
    { calls: { 'ecs:ListServicesByNamespace': 12 }, share: 0.5, bucket: 14, latency: 0.05, bound: 14 },
    {
      calls: { 'servicediscovery:DiscoverInstances': 300, 'servicediscovery:ListTagsForResource': 140 },
      share: 0.5,
      bucket: 9,
      latency: 1.375,
      bound: 9,
    },
  ])('bounds $calls at $bound s for share $share', ({ calls, share, bucket, latency, bound }) => {
    // Act
    const result = lowerBoundSeconds(calls, 25, 8, share);
    // Assess
    expect(result).toEqual({ bucket, latency, bound });
  });
});
