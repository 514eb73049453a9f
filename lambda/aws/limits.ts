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
/**
 * EC2 DescribeNetworkInterfaces is asked by a `network-interface-id` filter (an ENI id EC2 no longer
 * knows is then simply not returned, where `NetworkInterfaceIds` would fail the call): EC2 takes at
 * most 200 values per filter, and pages of at most 1,000 (`MaxResults`, allowed with filters).
 */
export const DESCRIBE_NETWORK_INTERFACES_FILTER_VALUES = 200;
export const DESCRIBE_NETWORK_INTERFACES_PAGE = 1000;
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

/** Cloud Map DiscoverInstances returns at most 1,000 instances, and a service holds at most 1,000. */
export const DISCOVER_INSTANCES_MAX = 1000;

/**
 * One AWS throttling bucket: the operations that draw from it, its capacity (burst) and its refill
 * rate, per account and Region, as AWS publishes them (or as assumed where AWS publishes nothing).
 */
export type RateFamily = {
  /** Name in logs, docs and the benchmark tables. */
  readonly name: string;
  /** Operations that share the bucket, keyed like the call context (`ecs:ListTasks`). */
  readonly operations: readonly string[];
  /** Bucket capacity: calls allowed at once from a full bucket. */
  readonly burst: number;
  /** Tokens added per second (the sustained rate). */
  readonly ratePerSecond: number;
  /** Whether AWS publishes these numbers (false: our assumption, see docs/decisions.md). */
  readonly published: boolean;
};

const ECS_READ = (name: string, operations: readonly string[], burst: number, ratePerSecond: number) =>
  ({ name, operations, burst, ratePerSecond, published: true }) as const satisfies RateFamily;

/**
 * Cloud Map publishes no rate for its control plane. Each action gets a bucket of its own sized like
 * ECS's service-read group (100 / 20): the ECS read buckets are AWS's sizing for comparable List and
 * Describe reads, and a limit nobody publishes cannot be raised by a quota request, so we stay at
 * the ECS level rather than guess higher (docs/decisions.md, "Refresh at the speed limit").
 */
const CLOUD_MAP_CONTROL = (operation: string): RateFamily => ({
  name: `Cloud Map ${operation.split(':')[1]}`,
  operations: [operation],
  burst: 100,
  ratePerSecond: 20,
  published: false,
});

/**
 * AWS's token buckets for every operation the core calls: ECS's request-throttling page (one bucket
 * per action group, shared by the actions of the group), EC2's request token limits for
 * DescribeInstances and Cloud Map's DiscoverInstances throttling page. The pacer sizes its own buckets to a share of these; the benchmark's double models them.
 */
export const AWS_RATE_FAMILIES: readonly RateFamily[] = [
  ECS_READ('ECS cluster read', ['ecs:DescribeClusters', 'ecs:ListClusters'], 50, 20),
  ECS_READ('ECS service read', ['ecs:ListServices', 'ecs:DescribeServices'], 100, 20),
  ECS_READ(
    'ECS cluster resource read',
    ['ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:DescribeContainerInstances', 'ecs:ListContainerInstances'],
    100,
    20,
  ),
  ECS_READ(
    'ECS task definition read',
    ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions', 'ecs:ListTaskDefinitionFamilies'],
    50,
    20,
  ),
  ECS_READ('ECS tag read', ['ecs:ListTagsForResource'], 50, 20),
  ECS_READ('ECS ListServicesByNamespace', ['ecs:ListServicesByNamespace'], 10, 1),
  // EC2 rates each action on its own (request rate limiting, per account and Region); DescribeInstances
  // is a non-mutating action: bucket 100, refill 20 per second (EC2 API request throttling page).
  {
    name: 'EC2 DescribeInstances',
    operations: ['ec2:DescribeInstances'],
    burst: 100,
    ratePerSecond: 20,
    published: true,
  },
  // DescribeNetworkInterfaces (public IPs of awsvpc tasks, `MetaLabels=full`): another
  // non-mutating action, its own bucket of the same size.
  {
    name: 'EC2 DescribeNetworkInterfaces',
    operations: ['ec2:DescribeNetworkInterfaces'],
    burst: 100,
    ratePerSecond: 20,
    published: true,
  },
  {
    name: 'Cloud Map DiscoverInstances',
    operations: ['servicediscovery:DiscoverInstances'],
    burst: 2000,
    ratePerSecond: 1000,
    published: true,
  },
  ...[
    'servicediscovery:ListNamespaces',
    'servicediscovery:GetNamespace',
    'servicediscovery:ListServices',
    'servicediscovery:GetService',
    'servicediscovery:ListInstances',
    'servicediscovery:ListTagsForResource',
  ].map(CLOUD_MAP_CONTROL),
];
