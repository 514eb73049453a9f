/**
 * Page and batch maxima of the APIs the core calls. Every List call asks for the largest page and
 * every Describe call sends the largest batch the API accepts, so a refresh makes as few calls as
 * the APIs allow.
 */

/** ECS DescribeClusters accepts at most 100 clusters per call. */
export const DESCRIBE_CLUSTERS_BATCH = 100;
/** ECS DescribeServices accepts at most 10 services per call. */
export const DESCRIBE_SERVICES_BATCH = 10;
/** ECS DescribeTasks accepts at most 100 tasks per call. */
export const DESCRIBE_TASKS_BATCH = 100;
/** ECS DescribeContainerInstances accepts at most 100 container instances per call. */
export const DESCRIBE_CONTAINER_INSTANCES_BATCH = 100;
/**
 * EC2 DescribeInstances accepts at most 1,000 explicitly named `InstanceIds` per call (and then no
 * `MaxResults`); the answer may still page, so `NextToken` is followed.
 */
export const DESCRIBE_INSTANCES_BATCH = 1000;
/** ECS ListServices / ListTasks / ListServicesByNamespace return at most 100 per page (default 10 / 100 / 10). */
export const ECS_LIST_PAGE = 100;
/** Cloud Map ListNamespaces / ListServices / ListInstances return at most 100 per page. */
export const CLOUD_MAP_LIST_PAGE = 100;

/** Splits `items` into consecutive batches of at most `size`. */
export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
};
