/**
 * The IAM statements the discovery core needs: exactly the actions it calls, one by one, scoped as
 * narrowly as ECS and Cloud Map allow (Service Authorization Reference, "Actions, resources, and
 * condition keys" for Amazon ECS and for AWS Cloud Map). docs/deploy.md explains every line.
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** Where a configured cluster lives, resolved from a name (this stack's account/region) or an ARN. */
type ClusterScope = {
  readonly clusterArn: string;
  readonly serviceArns: string;
  readonly taskArns: string;
  readonly containerInstanceArns: string;
};

const clusterScope = (stack: Stack, cluster: string): ClusterScope => {
  if (cluster.startsWith('arn:')) {
    // arn:<partition>:ecs:<region>:<account>:cluster/<name>, validated by validateDiscoveryOptions.
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
    stack.formatArn({ service: 'ecs', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  return {
    clusterArn: arn('cluster', cluster),
    serviceArns: arn('service', `${cluster}/*`),
    taskArns: arn('task', `${cluster}/*`),
    containerInstanceArns: arn('container-instance', `${cluster}/*`),
  };
};

const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
  new PolicyStatement({
    sid,
    effect: Effect.ALLOW,
    actions,
    resources,
    ...(conditions && { conditions }),
  });

/**
 * ECS statements. With clusters: each action on those clusters only. Without (namespaces mode):
 * services of the namespaces may run in any cluster, so the same actions on every cluster of this
 * account and region.
 */
export const ecsStatements = (
  stack: Stack,
  clusters: readonly string[],
  ec2HostAddresses = true,
): PolicyStatement[] => {
  const scopes = [...new Set(clusters)].map((cluster) => clusterScope(stack, cluster));
  const any = (resource: string) =>
    stack.formatArn({
      service: 'ecs',
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
        ]
      : []),
  ];
};

/**
 * Cloud Map statements. Namespaces are configured by name or inferred from ECS at run time, and
 * Cloud Map services are found at run time, so no id is known at synth: the actions with a
 * resource type are scoped to the services of this account and region, the others need "*".
 */
export const cloudMapStatements = (stack: Stack): PolicyStatement[] => {
  const arn = (resource: string) =>
    stack.formatArn({
      service: 'servicediscovery',
      resource,
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return [
    // No resource type for these three: Resource must be "*".
    allow(
      'CloudMapList',
      [
        'servicediscovery:ListNamespaces',
        'servicediscovery:ListServices',
        'servicediscovery:ListTagsForResource',
      ],
      ['*'],
    ),
    // GetService (a service's namespace, for a service known only by an ECS registryArn) and
    // ListInstances: resource type service.
    allow(
      'CloudMapServiceReads',
      ['servicediscovery:GetService', 'servicediscovery:ListInstances'],
      [arn('service')],
    ),
  ];
};

/** Read of the bearer-token secret, and nothing else (DescribeSecret is not called). */
export const tokenSecretStatement = (secretArn: string): PolicyStatement =>
  allow('ReadBearerToken', ['secretsmanager:GetSecretValue'], [secretArn]);
