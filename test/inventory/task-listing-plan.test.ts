/**
 * The task-listing planner as a table: literal task counts in, the strategy and call estimates out.
 * Page size 100 (ECS ListTasks page and DescribeTasks batch).
 */
import { describe, expect, it } from 'vitest';
import { ECS_LIST_PAGE } from '../../lambda/aws/limits.ts';
import {
  planTaskListing,
  TaskListing,
  type TaskListingPlan,
} from '../../lambda/inventory/task-listing-plan.ts';

const services = (...counts: number[]) => counts.map((taskCount, i) => ({ arn: `svc-${i + 1}`, taskCount }));

describe('planTaskListing', () => {
  it('assumes the ECS page of 100 in the table below', () => {
    expect(ECS_LIST_PAGE).toBe(100);
  });

  it.each<{ case: string; cluster: number; counts: number[]; plan: TaskListingPlan }>([
    {
      case: 'no service: nothing to list',
      cluster: 40,
      counts: [],
      plan: { strategy: TaskListing.None, listedServiceArns: [], perServiceCalls: 0, clusterWideCalls: 2 },
    },
    {
      case: 'zero tasks everywhere: no call, even with a cluster-wide count of 0',
      cluster: 0,
      counts: [0, 0],
      plan: { strategy: TaskListing.None, listedServiceArns: [], perServiceCalls: 0, clusterWideCalls: 2 },
    },
    {
      case: 'one service with one task: a tie (2 against 2) stays per service',
      cluster: 1,
      counts: [1],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1'],
        perServiceCalls: 2,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'two services with one task each: cluster-wide is cheaper (2 against 3)',
      cluster: 2,
      counts: [1, 1],
      plan: {
        strategy: TaskListing.ClusterWide,
        listedServiceArns: [],
        perServiceCalls: 3,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'services without tasks are not listed and cost nothing',
      cluster: 5,
      counts: [0, 5, 0],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-2'],
        perServiceCalls: 2,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'exactly one page of tasks in one service: a tie, per service',
      cluster: 100,
      counts: [100],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1'],
        perServiceCalls: 2,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'one task over the page boundary: both strategies need a second page, still a tie',
      cluster: 101,
      counts: [101],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1'],
        perServiceCalls: 4,
        clusterWideCalls: 4,
      },
    },
    {
      case: 'two services filling one page together: cluster-wide (2 against 3)',
      cluster: 100,
      counts: [50, 50],
      plan: {
        strategy: TaskListing.ClusterWide,
        listedServiceArns: [],
        perServiceCalls: 3,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'two services one task past a page together: both cross the boundary, a tie (4 against 4)',
      cluster: 101,
      counts: [50, 51],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1', 'svc-2'],
        perServiceCalls: 4,
        clusterWideCalls: 4,
      },
    },
    {
      case: 'a few selected services in a busy cluster: per service (2 against 20)',
      cluster: 1000,
      counts: [3, 4],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1', 'svc-2'],
        perServiceCalls: 3,
        clusterWideCalls: 20,
      },
    },
    {
      case: 'many small services: cluster-wide (2 against 11)',
      cluster: 10,
      counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      plan: {
        strategy: TaskListing.ClusterWide,
        listedServiceArns: [],
        perServiceCalls: 11,
        clusterWideCalls: 2,
      },
    },
    {
      case: 'cluster count unknown (namespaces mode): always per service',
      cluster: Number.POSITIVE_INFINITY,
      counts: [1, 1, 1],
      plan: {
        strategy: TaskListing.PerService,
        listedServiceArns: ['svc-1', 'svc-2', 'svc-3'],
        perServiceCalls: 4,
        clusterWideCalls: Number.POSITIVE_INFINITY,
      },
    },
  ])('$case', ({ cluster, counts, plan }) => {
    // Act
    const actual = planTaskListing({ clusterTaskCount: cluster, services: services(...counts) });

    // Assess
    expect(actual).toEqual(plan);
  });
});
