/**
 * `MetaLabels=full`: Prometheus' own `aws_sd_configs` role `ecs` names, with its values, and the Cloud
 * Map ids and tag families (docs/decisions.md "Portable labels (issue 15)"). Literal tables: input
 * task/service/cluster → the exact label object.
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../lambda/model/inventory.ts';
import { buildTargets } from '../../lambda/targets/build.ts';
import { tagFamilyName } from '../../lambda/targets/meta-labels.ts';
import {
  cloudMapService,
  cluster,
  config,
  instance,
  namespace,
  service,
  snapshot,
  TASK_ARN,
  TASK_DEFINITION_ARN,
  tags,
  task,
} from './fixtures.ts';

const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/c1';
const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/c1/web';

/** A Fargate task as DescribeTasks reports it, with the facts Prometheus labels. */
const fargate = (overrides: Partial<Task> = {}): Task =>
  task({
    tags: tags({ METRICS_PORT: '8080', 'app.kubernetes.io/name': 'web' }),
    availabilityZone: 'eu-west-1a',
    launchType: 'FARGATE',
    healthStatus: 'HEALTHY',
    platformFamily: 'Linux',
    platformVersion: '1.4.0',
    subnetId: 'subnet-0abc',
    ...overrides,
  });

const fleet = (taskValue: Task, extra: { clusterTags?: Record<string, string> } = {}) =>
  snapshot([
    {
      ...cluster('c1', [
        service('web', {
          tags: tags({ team: 'a', 'cost-center': '42' }),
          status: 'ACTIVE',
          tasks: [taskValue],
        }),
      ]),
      tags: tags(extra.clusterTags ?? { env: 'prod' }),
    },
  ]);

const labelsOf = (...args: Parameters<typeof buildTargets>) =>
  buildTargets(...args).groups.map((group) => group.labels);

/** The original's labels of the task above (always present). */
const ORIGINAL = {
  app_kubernetes_io_name: 'web',
  cost_center: '42',
  team: 'a',
  __meta_ecs_cluster: 'c1',
  __meta_ecs_service: 'web',
  __meta_ecs_task: TASK_ARN,
  __meta_ecs_task_definition: TASK_DEFINITION_ARN,
  _sys_ecs_cluster: 'c1',
  _sys_ecs_service: 'web',
  _sys_ecs_task: TASK_ARN,
  _sys_ecs_task_definition: TASK_DEFINITION_ARN,
};

describe('MetaLabels=full: the names of Prometheus aws_sd_configs role ecs', () => {
  it('labels a Fargate task exactly as Prometheus does, besides the original labels', () => {
    // Act
    const labels = labelsOf(fleet(fargate()), config({ metaLabels: 'full' }));

    // Assess: sorted by lower-cased name after the fixed labels (render order).
    expect(labels).toEqual([
      {
        __metrics_path__: '/metrics',
        instance: '10.0.0.5',
        ...ORIGINAL,
        __meta_ecs_availability_zone: 'eu-west-1a',
        __meta_ecs_cluster_arn: CLUSTER_ARN,
        __meta_ecs_desired_status: 'RUNNING',
        __meta_ecs_health_status: 'HEALTHY',
        __meta_ecs_ip_address: '10.0.0.5',
        __meta_ecs_last_status: 'RUNNING',
        __meta_ecs_launch_type: 'FARGATE',
        __meta_ecs_network_mode: 'awsvpc',
        __meta_ecs_platform_family: 'Linux',
        __meta_ecs_platform_version: '1.4.0',
        __meta_ecs_region: 'eu-west-1',
        __meta_ecs_service_arn: SERVICE_ARN,
        __meta_ecs_service_status: 'ACTIVE',
        __meta_ecs_subnet_id: 'subnet-0abc',
        __meta_ecs_tag_cluster_env: 'prod',
        __meta_ecs_tag_service_cost_center: '42',
        __meta_ecs_tag_service_team: 'a',
        __meta_ecs_tag_task_METRICS_PORT: '8080',
        __meta_ecs_tag_task_app_kubernetes_io_name: 'web',
        __meta_ecs_task_arn: TASK_ARN,
        __meta_ecs_task_group: 'service:web',
      },
    ]);
  });

  it('MetaLabels=compact keeps exactly the original set', () => {
    // Act
    const labels = labelsOf(fleet(fargate()), config({ metaLabels: 'compact' }));

    // Assess
    expect(labels).toEqual([{ __metrics_path__: '/metrics', instance: '10.0.0.5', ...ORIGINAL }]);
  });

  it.each<{ case: string; facts: Partial<Task>; expected: Record<string, string | undefined> }>([
    {
      case: 'EC2 facts from the inventory (container and EC2 instance) appear when known',
      facts: {
        launchType: 'EC2',
        containerInstanceArn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/c1/ci1',
        ec2Instance: {
          id: 'i-0abc',
          type: 't3.medium',
          privateIp: '10.0.1.9',
          publicIp: '203.0.113.9',
          tags: tags({ Name: 'ecs host' }),
        },
        // A bridge task is scraped at its EC2 host, on the host port ECS bound 8080 to.
        host: { ipv4: '10.0.1.9' },
        portBindings: [{ containerPort: 8080, hostPort: 32768 }],
        networkMode: 'bridge',
        subnetId: undefined,
      },
      expected: {
        __meta_ecs_launch_type: 'EC2',
        __meta_ecs_container_instance_arn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/c1/ci1',
        __meta_ecs_ec2_instance_id: 'i-0abc',
        __meta_ecs_ec2_instance_type: 't3.medium',
        __meta_ecs_ec2_instance_private_ip: '10.0.1.9',
        __meta_ecs_ec2_instance_public_ip: '203.0.113.9',
        __meta_ecs_public_ip: '203.0.113.9',
        __meta_ecs_network_mode: 'bridge',
        __meta_ecs_tag_ec2_Name: 'ecs host',
      },
    },
    {
      case: 'a stand-alone task keeps its own group',
      facts: { group: 'family:batch' },
      expected: { __meta_ecs_task_group: 'family:batch' },
    },
    {
      case: 'unknown facts are left out, not blank',
      facts: {
        availabilityZone: undefined,
        healthStatus: undefined,
        platformFamily: undefined,
        platformVersion: undefined,
        subnetId: undefined,
      },
      expected: {
        __meta_ecs_availability_zone: undefined,
        __meta_ecs_health_status: undefined,
        __meta_ecs_platform_family: undefined,
        __meta_ecs_platform_version: undefined,
        __meta_ecs_subnet_id: undefined,
        __meta_ecs_network_mode: undefined,
        __meta_ecs_container_instance_arn: undefined,
        __meta_ecs_ec2_instance_id: undefined,
        __meta_ecs_public_ip: undefined,
      },
    },
  ])('$case', ({ facts, expected }) => {
    // Act
    const [labels] = labelsOf(fleet(fargate(facts)), config({ metaLabels: 'full' }));

    // Assess
    const picked = Object.fromEntries(Object.keys(expected).map((name) => [name, labels?.[name]]));
    expect(picked).toEqual(expected);
  });

  it('the task definition network mode wins over the ENI guess', () => {
    // Prepare
    const fleetWithDefinition = {
      ...fleet(fargate()),
      taskDefinitions: [{ arn: TASK_DEFINITION_ARN, networkMode: 'host', containers: [] }],
    };

    // Act
    const [labels] = labelsOf(fleetWithDefinition, config({ metaLabels: 'full' }));

    // Assess
    expect(labels?.__meta_ecs_network_mode).toBe('host');
  });

  it('labels the Cloud Map service, namespace and matching instance, with their tag families', () => {
    // Prepare
    const web = service('web', {
      status: 'ACTIVE',
      serviceRegistryArns: ['arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-web'],
      tasks: [fargate()],
    });
    const ns = namespace('app', {
      tags: tags({ 'owner:team': 'core' }),
      services: [
        cloudMapService('web', {
          tags: tags({ tier: 'front' }),
          instances: [
            instance('i-other', { AWS_INSTANCE_IPV4: '10.0.0.9' }),
            instance('i-web', { AWS_INSTANCE_IPV4: '10.0.0.5' }),
          ],
        }),
      ],
    });

    // Act
    const [labels] = labelsOf(snapshot([cluster('c1', [web])], [ns]), config({ metaLabels: 'full' }));

    // Assess
    const cloudMap = Object.fromEntries(
      Object.entries(labels ?? {}).filter(([name]) => name.includes('cloudmap')),
    );
    expect(cloudMap).toEqual({
      __meta_cloudmap_instance_id: 'i-web',
      __meta_cloudmap_namespace_id: 'ns-app',
      __meta_cloudmap_namespace_name: 'app',
      __meta_cloudmap_service_id: 'srv-web',
      __meta_cloudmap_service_instance_id: 'i-web',
      __meta_cloudmap_service_name: 'web',
      __meta_cloudmap_service_type: 'ServiceDiscovery',
      __meta_cloudmap_tag_namespace_owner_team: 'core',
      __meta_cloudmap_tag_service_tier: 'front',
      _sys_cloudmap_service_instance_id: 'i-web',
      _sys_cloudmap_service_name: 'web',
      _sys_cloudmap_service_type: 'ServiceDiscovery',
    });
  });

  it('tag families carry every tag, even one the label filters or the reserved-name rule leave out', () => {
    // Prepare: `__scheme__` is never a label of its own; inside a family it is only a name suffix.
    const taskValue = fargate({ tags: tags({ METRICS_PORT: '8080', __scheme__: 'https', secret: 'x' }) });

    // Act
    const result = buildTargets(fleet(taskValue), config({ metaLabels: 'full', ecsTaskTags: ['METRICS_*'] }));
    const [labels] = result.groups.map((group) => group.labels);

    // Assess
    expect(labels?.__scheme__).toBeUndefined();
    expect(labels?.secret).toBeUndefined();
    expect(labels?.__meta_ecs_tag_task___scheme__).toBe('https');
    expect(labels?.__meta_ecs_tag_task_secret).toBe('x');
    expect(result.droppedLabels.reserved_name).toBe(0);
  });

  it.each([
    { key: 'team', expected: '__meta_ecs_tag_task_team' },
    { key: 'aws:cloudformation:stack-name', expected: '__meta_ecs_tag_task_aws_cloudformation_stack_name' },
    { key: '9lives', expected: '__meta_ecs_tag_task_9lives' },
    { key: 'é🙂', expected: '__meta_ecs_tag_task___' },
    { key: '', expected: '__meta_ecs_tag_task_' },
  ])('sanitises tag key $key as Prometheus does', ({ key, expected }) => {
    // Act
    const name = tagFamilyName('__meta_ecs_tag_task_', key);

    // Assess
    expect(name).toBe(expected);
  });
});
