/**
 * The task-listing cost planner: which ListTasks strategy a cluster gets, decided from the task
 * counts ECS reported, before any task is read. Pure (no AWS, no clock), so it has its own table
 * test; `ecs-tasks.ts` carries the plan out. A new way of listing tasks (e.g. stand-alone tasks
 * that no service owns) is a new strategy here.
 */
import { ECS_LIST_PAGE } from '../aws/limits.ts';

export const TaskListing = {
  /** No selected service reports a task: no call at all. */
  None: 'none',
  /** One ListTasks chain for the whole cluster; tasks are attributed by their `group`. */
  ClusterWide: 'cluster-wide',
  /** One ListTasks chain per service that reports tasks; one DescribeTasks batch series for all. */
  PerService: 'per-service',
} as const;
export type TaskListing = (typeof TaskListing)[keyof typeof TaskListing];

export type TaskCounts = {
  /** Running + pending tasks of the whole cluster; `Infinity` when unknown (not described). */
  readonly clusterTaskCount: number;
  /** The selected services of the cluster with the task counts they report. */
  readonly services: readonly { readonly arn: string; readonly taskCount: number }[];
};

export type TaskListingPlan = {
  readonly strategy: TaskListing;
  /** ARNs of the services whose tasks are listed one by one (only for `per-service`). */
  readonly listedServiceArns: readonly string[];
  /** Estimated calls of each strategy (ListTasks pages + DescribeTasks batches). */
  readonly perServiceCalls: number;
  readonly clusterWideCalls: number;
};

/** Calls to list or describe `count` items `pageSize` at a time. */
const pages = (count: number, pageSize: number) =>
  count === 0 ? 0 : Math.max(1, Math.ceil(count / pageSize));

/**
 * Per service, or once for the whole cluster, whichever needs fewer calls by the reported counts;
 * a tie keeps per-service (it reads no task of an unselected service). Describe batches hold as many
 * tasks as a list page (100 both), so one page size serves both estimates.
 */
export const planTaskListing = (counts: TaskCounts, pageSize: number = ECS_LIST_PAGE): TaskListingPlan => {
  const listed = counts.services.filter((s) => s.taskCount > 0);
  const perServiceTasks = listed.reduce((n, s) => n + s.taskCount, 0);
  const perServiceCalls =
    listed.reduce((n, s) => n + pages(s.taskCount, pageSize), 0) + pages(perServiceTasks, pageSize);
  const clusterWideCalls = 2 * Math.max(1, pages(counts.clusterTaskCount, pageSize));
  const strategy =
    listed.length === 0
      ? TaskListing.None
      : Number.isFinite(counts.clusterTaskCount) && clusterWideCalls < perServiceCalls
        ? TaskListing.ClusterWide
        : TaskListing.PerService;
  return {
    strategy,
    listedServiceArns: strategy === TaskListing.PerService ? listed.map((s) => s.arn) : [],
    perServiceCalls,
    clusterWideCalls,
  };
};
