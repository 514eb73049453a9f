/**
 * The IAM statements the discovery core needs: exactly the actions it calls, one by one, scoped as
 * narrowly as ECS and Cloud Map allow (Service Authorization Reference, "Actions, resources, and
 * condition keys" for Amazon ECS and for AWS Cloud Map). docs/deploy.md explains every line.
 */
import { ArnFormat, type Stack, Validations } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** Where a configured cluster lives, resolved from a name (this stack's account/region) or an ARN. */
type ClusterScope = {
  readonly clusterArn: string;
  readonly serviceArns: string;
  readonly taskArns: string;
  readonly containerInstanceArns: string;
};

const clusterScope = (stack: Stack, cluster: string, region?: string): ClusterScope => {
  // arn:<partition>:ecs:<region>:<account>:cluster/<name>. Any other text is taken as a name: the
  // function accepts it too and finds no such cluster (a warning), so the policy grants nothing real.
  if (cluster.startsWith('arn:') && cluster.includes(':cluster/')) {
    const prefix = cluster.slice(0, cluster.indexOf(':cluster/') + 1);
    const name = cluster.slice(prefix.length + 'cluster/'.length);
    return {
      clusterArn: cluster,
      serviceArns: `${prefix}service/${name}/*`,
      taskArns: `${prefix}task/${name}/*`,
      containerInstanceArns: `${prefix}container-instance/${name}/*`,
    };
  }
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({
      service: 'ecs',
      region,
      resource,
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return {
    clusterArn: arn('cluster', cluster),
    serviceArns: arn('service', `${cluster}/*`),
    taskArns: arn('task', `${cluster}/*`),
    containerInstanceArns: arn('container-instance', `${cluster}/*`),
  };
};

/** The ARN of each configured cluster (a name is in this stack's account and region), deduplicated. */
export const clusterArns = (stack: Stack, clusters: readonly string[]): string[] =>
  [...new Set(clusters)].map((cluster) => clusterScope(stack, cluster).clusterArn);

const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions,
    resources,
    ...(conditions && { conditions }),
  });

/** Where and what the read statements cover. */
export type ReadScope = {
  /** Region of cluster names, wildcards and container instances. @default the stack's */
  readonly region?: string;
  /** `Ec2HostAddresses`: include ecs:DescribeContainerInstances and ec2:DescribeInstances. @default true */
  readonly ec2HostAddresses?: boolean;
  /** `DockerLabels` is not `none`: include ecs:DescribeTaskDefinition. @default false */
  readonly readsTaskDefinitions?: boolean;
  /**
   * `MetaLabels=full` (the handler's default): include ec2:DescribeNetworkInterfaces, the public IP
   * of awsvpc tasks (`__meta_ecs_public_ip`). Only together with `ec2HostAddresses`. @default true
   */
  readonly readsNetworkInterfaces?: boolean;
};

/**
 * ECS statements. With clusters: each action on those clusters only. Without (namespaces mode):
 * services of the namespaces may run in any cluster, so the same actions on every cluster of this
 * account and region. `region` (default: the stack's) is where cluster names and wildcards point.
 */
export const ecsStatements = (
  stack: Stack,
  clusters: readonly string[],
  {
    region,
    ec2HostAddresses = true,
    readsTaskDefinitions = false,
    readsNetworkInterfaces = true,
  }: ReadScope = {},
): PolicyStatement[] => {
  const scopes = [...new Set(clusters)].map((cluster) => clusterScope(stack, cluster, region));
  const any = (resource: string) =>
    stack.formatArn({
      service: 'ecs',
      region,
      resource,
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const scoped = scopes.length > 0;
  return [
    // DescribeClusters: resource type cluster.
    allow(
      'EcsDescribeClusters',
      ['ecs:DescribeClusters'],
      scoped ? scopes.map((scope) => scope.clusterArn) : [any('cluster')],
    ),
    // DescribeServices: resource type service (service/<cluster>/<name>).
    allow(
      'EcsDescribeServices',
      ['ecs:DescribeServices'],
      scoped ? scopes.map((scope) => scope.serviceArns) : [any('service')],
    ),
    // DescribeTasks: resource type task (task/<cluster>/<id>).
    allow(
      'EcsDescribeTasks',
      ['ecs:DescribeTasks'],
      scoped ? scopes.map((scope) => scope.taskArns) : [any('task')],
    ),
    // ListServices has no resource type and ListTasks names only container-instance, so both take
    // Resource "*"; the ecs:cluster condition key (supported by both) limits them to our clusters.
    allow(
      'EcsListInClusters',
      ['ecs:ListServices', 'ecs:ListTasks'],
      ['*'],
      scoped ? { ArnEquals: { 'ecs:cluster': scopes.map((scope) => scope.clusterArn) } } : undefined,
    ),
    // ListServicesByNamespace has no resource type. Its only condition key, ecs:namespace, takes a
    // namespace ARN, which is unknown at synth when namespaces are given by name or are inferred.
    allow('EcsListServicesByNamespace', ['ecs:ListServicesByNamespace'], ['*']),
    ...(ec2HostAddresses
      ? [
          // DescribeContainerInstances: resource type container-instance (container-instance/<cluster>/<id>).
          allow(
            'EcsDescribeContainerInstances',
            ['ecs:DescribeContainerInstances'],
            scoped ? scopes.map((scope) => scope.containerInstanceArns) : [any('container-instance')],
          ),
          // EC2 DescribeInstances supports no resource-level permissions: Resource must be "*".
          allow('Ec2DescribeInstances', ['ec2:DescribeInstances'], ['*']),
          // DescribeNetworkInterfaces (MetaLabels=full: public IPs of awsvpc task ENIs) likewise.
          ...(readsNetworkInterfaces
            ? [allow('Ec2DescribeNetworkInterfaces', ['ec2:DescribeNetworkInterfaces'], ['*'])]
            : []),
        ]
      : []),
    // DescribeTaskDefinition (only with DockerLabels): task definitions belong to no cluster, and the
    // action lists no resource type to scope by, so "*". Granted only when asked for, because a task
    // definition also holds the containers' environment values.
    ...(readsTaskDefinitions
      ? [allow('EcsDescribeTaskDefinition', ['ecs:DescribeTaskDefinition'], ['*'])]
      : []),
  ];
};

/**
 * Cloud Map statements. Namespaces are configured by name or inferred from ECS at run time, and
 * Cloud Map services are found at run time, so no id is known at synth: the actions with a
 * resource type are scoped to the services of this account and region, the others need "*".
 */
export const cloudMapStatements = (stack: Stack, region?: string): PolicyStatement[] => {
  const arn = (resource: string) =>
    stack.formatArn({
      service: 'servicediscovery',
      region,
      resource,
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return [
    // No resource type for the three List actions: Resource must be "*". DiscoverInstances (every
    // instance of a service, the data plane) is on "*" too: the Service Authorization Reference long
    // listed no resource type for it, which requires "*"; newer editions list namespace and service,
    // which "*" also satisfies. It reads the same instances ListInstances would.
    allow(
      'CloudMapList',
      [
        'servicediscovery:ListNamespaces',
        'servicediscovery:ListServices',
        'servicediscovery:ListTagsForResource',
        'servicediscovery:DiscoverInstances',
      ],
      ['*'],
    ),
    // GetService (a service's namespace, for a service known only by an ECS registryArn) and
    // ListInstances (only where DiscoverInstances cannot answer: a namespace without HttpName, or a
    // full answer of 1,000 instances): resource type service.
    allow(
      'CloudMapServiceReads',
      ['servicediscovery:GetService', 'servicediscovery:ListInstances'],
      [arn('service')],
    ),
  ];
};

/**
 * Every ECS and Cloud Map read a complete discovery makes: the role that runs discovery (the
 * serving function in embedded mode, the refresher in snapshot mode) gets exactly these.
 * `region` (default: the stack's): one Region's statements; `lib/discovery-sources.ts` joins several.
 */
export const discoveryReadStatements = (
  stack: Stack,
  clusters: readonly string[],
  scope: ReadScope = {},
): PolicyStatement[] => [
  ...ecsStatements(stack, clusters, scope),
  ...cloudMapStatements(stack, scope.region),
];

/** Read of the bearer-token secret, and nothing else (DescribeSecret is not called). */
export const tokenSecretStatement = (secretArn: string): PolicyStatement =>
  allow('ReadBearerToken', ['secretsmanager:GetSecretValue'], [secretArn]);

/**
 * The role that runs discovery assumes each member account's read role (issue 16): exactly the
 * configured role ARNs, no wildcard.
 */
export const assumeRoleStatement = (roleArns: readonly string[]): PolicyStatement =>
  allow('AssumeMemberRoles', ['sts:AssumeRole'], [...roleArns]);

/** The serving function in snapshot mode: reads the one snapshot object (conditional GET). */
export const snapshotReadStatement = (objectArn: string): PolicyStatement =>
  allow('ReadSnapshot', ['s3:GetObject'], [objectArn]);

/**
 * The refresher: reads the stored snapshot (its inventory is the base of an incremental update)
 * and writes a new one (conditional PUT). ListBucket on the bucket makes a missing snapshot read
 * as 404 NoSuchKey instead of 403 AccessDenied, so the refresher can tell "no snapshot yet" (do a
 * full refresh) from a denied read; the bucket holds nothing but the snapshot
 * (docs/decisions.md, "Snapshot refresher in the CDK (issue 13)").
 */
export const snapshotWriteStatements = (bucketArn: string, objectArn: string): PolicyStatement[] => [
  allow('ReadWriteSnapshot', ['s3:GetObject', 's3:PutObject'], [objectArn]),
  allow('FindSnapshot', ['s3:ListBucket'], [bucketArn]),
];

/**
 * Lambda creates and removes a function's ENIs with the function's role; these EC2 actions support
 * no resource-level permissions (AWSLambdaVPCAccessExecutionRole grants the same).
 */
export const vpcNetworkInterfacesStatement = (): PolicyStatement =>
  allow(
    'VpcNetworkInterfaces',
    [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    ['*'],
  );

/** cdk-nag flattens `{"Ref": "AWS::Region"}` into `<AWS::Region>`; acknowledgments must match it. */
const flattenForNag = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flattenForNag).join('');
  if (value !== null && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flattenForNag).join(join[0]);
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined) return `<${ref}>`;
  }
  return JSON.stringify(value);
};

/** Why each wildcard statement cannot be narrower, by Sid. */
const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  EcsDescribeClusters: 'Every cluster of this account and region: services of the namespaces may run in any.',
  EcsDescribeServices:
    'Services are discovered at run time; scoped to the configured clusters (service/<cluster>/*).',
  EcsDescribeTasks: 'Tasks are discovered at run time; scoped to the configured clusters (task/<cluster>/*).',
  EcsListInClusters:
    'ListServices has no resource type and ListTasks only container-instance; the ecs:cluster condition scopes them.',
  EcsListServicesByNamespace:
    'No resource type; ecs:namespace needs namespace ARNs, unknown at synth (names, inferred namespaces).',
  EcsDescribeTaskDefinition:
    'No resource type and no cluster condition; asked for by DockerLabels (task definitions of the discovered tasks).',
  CloudMapList:
    'ListNamespaces, ListServices and ListTagsForResource support no resource-level permissions; DiscoverInstances did not either (see cloudMapStatements).',
  CloudMapServiceReads: 'Cloud Map services are found at run time; scoped to this account and region.',
  VpcNetworkInterfaces: 'Lambda ENI management actions support no resource-level permissions.',
  EcsDescribeContainerInstances:
    'Container instances are found at run time; scoped to the configured clusters (container-instance/<cluster>/*).',
  Ec2DescribeInstances: 'EC2 DescribeInstances supports no resource-level permissions.',
  Ec2DescribeNetworkInterfaces: 'EC2 DescribeNetworkInterfaces supports no resource-level permissions.',
};

/** IAM5 findings of `statements` on `role`, one acknowledgment each, with the reason. */
export const acknowledgeWildcards = (
  stack: Stack,
  role: IRole,
  statements: readonly PolicyStatement[],
): void => {
  // One acknowledgment per finding: "*" is shared by several statements, so their reasons join.
  const findings = new Map<string, string[]>();
  for (const statement of statements.map(
    (each) => stack.resolve(each.toStatementJson()) as { Sid?: string; Resource: unknown },
  )) {
    const reason = statement.Sid === undefined ? undefined : WILDCARD_REASONS[statement.Sid];
    if (reason === undefined) continue;
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources.map(flattenForNag).filter((text) => text.includes('*'))) {
      const id = `AwsSolutions-IAM5[Resource::${resource}]`;
      findings.set(id, [...(findings.get(id) ?? []), `${statement.Sid}: ${reason}`]);
    }
  }
  for (const [id, why] of findings) {
    Validations.of(role).acknowledge({ id, reason: why.join(' ') });
  }
};
