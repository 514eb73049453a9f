/**
 * The built-in sample fleet of `npm run demo` and of the end-to-end tests: two ECS clusters whose task
 * addresses are loopback addresses (127.0.0.0/8 all routes to `lo` on Linux), so tiny metrics endpoints
 * can really listen where discovery says the targets are.
 */
import { defineFleet, type Fleet } from '../test/aws-double/index.ts';

/** The `DiscoveryOptions__*` variables the demo runs with. */
export const DEMO_OPTIONS = {
  DiscoveryOptions__EcsClusters: 'prod;staging',
  DiscoveryOptions__EcsServiceSelectorTags: 'PROMETHEUS_TARGET=true',
  DiscoveryOptions__CacheTtlSeconds: '5',
} as const;

/** One scrape target the demo fleet must yield, with the labels Prometheus must show for it. */
export type DemoTarget = {
  /** `ip:port`, the http_sd target and the address a metrics endpoint listens on. */
  readonly target: string;
  readonly path: string;
  readonly cluster: string;
  readonly service: string;
  /** `scrape_target_name`, absent when the scrape group has no `METRICS_NAME*` tag. */
  readonly name?: string;
  /** Further labels the target must carry (sanitised names), e.g. from awkward tag keys. */
  readonly labels: Readonly<Record<string, string>>;
};

const PROD_WEB_IPS = ['127.0.0.11', '127.0.0.12'] as const;
const PROD_API_IP = '127.0.0.21';
const PROD_WORKER_IP = '127.0.0.31';
const STAGING_PAYMENTS_IP = '127.0.0.41';

/** The sample fleet, as the AWS API double serves it. */
export const demoFleet = (): Fleet =>
  defineFleet({
    namespaces: [
      {
        name: 'demo.local',
        tags: { team: 'platform', 'aws:cloudformation:stack-name': 'demo-network' },
      },
    ],
    clusters: [
      {
        name: 'prod',
        services: [
          {
            // Service Connect; an unsuffixed group from the service and a named `_ECS` pair from the tasks.
            name: 'web',
            tags: {
              PROMETHEUS_TARGET: 'true',
              METRICS_PORT: '8080',
              'app.kubernetes.io/name': 'web',
              'Owner Name': 'Team Web',
            },
            taskTags: { METRICS_PORT_ECS: '9779', METRICS_NAME_ECS: 'ecs-exporter' },
            tasks: PROD_WEB_IPS.map((ip) => ({ ip })),
            serviceConnect: { namespace: 'apps' },
          },
          {
            // Service Discovery (Cloud Map DNS namespace); a custom metrics path.
            name: 'api',
            tags: {
              PROMETHEUS_TARGET: 'true',
              METRICS_PORT: '8081',
              METRICS_PATH: '/actuator/prometheus',
              METRICS_NAME: 'api',
              'aws:cloudformation:stack-name': 'api-stack',
            },
            tasks: [{ ip: PROD_API_IP }],
            serviceDiscovery: { namespace: 'demo.local' },
          },
          {
            // Not selected: no PROMETHEUS_TARGET=true tag.
            name: 'worker',
            tags: { METRICS_PORT: '9100', PROMETHEUS_TARGET: 'false' },
            tasks: [{ ip: PROD_WORKER_IP }],
          },
        ],
      },
      {
        name: 'staging',
        services: [
          {
            // Two suffixed groups on one task: the app and an Envoy sidecar with its own path.
            name: 'payments',
            tags: {
              PROMETHEUS_TARGET: 'true',
              METRICS_PORT_APP: '8080',
              METRICS_NAME_APP: 'app',
              METRICS_PORT_SIDECAR: '9901',
              METRICS_PATH_SIDECAR: '/stats/prometheus',
              METRICS_NAME_SIDECAR: 'envoy',
            },
            taskTags: { 'app.kubernetes.io/name': 'payments', env: 'staging' },
            tasks: [{ ip: STAGING_PAYMENTS_IP }],
            serviceConnect: { namespace: 'apps' },
          },
        ],
      },
    ],
  });

const webLabels = {
  app_kubernetes_io_name: 'web',
  Owner_Name: 'Team Web',
  _sys_cloudmap_service_type: 'ServiceConnect',
} as const;

/** Every target the demo fleet yields under `DEMO_OPTIONS`, in response order. */
export const DEMO_TARGETS: readonly DemoTarget[] = [
  {
    target: `${PROD_API_IP}:8081`,
    path: '/actuator/prometheus',
    cluster: 'prod',
    service: 'api',
    name: 'api',
    labels: {
      aws_cloudformation_stack_name: 'api-stack',
      team: 'platform',
      _sys_cloudmap_service_type: 'ServiceDiscovery',
    },
  },
  ...PROD_WEB_IPS.flatMap((ip): DemoTarget[] => [
    { target: `${ip}:8080`, path: '/metrics', cluster: 'prod', service: 'web', labels: webLabels },
    {
      target: `${ip}:9779`,
      path: '/metrics',
      cluster: 'prod',
      service: 'web',
      name: 'ecs-exporter',
      labels: webLabels,
    },
  ]),
  ...(['app', 'envoy'] as const).map(
    (name): DemoTarget => ({
      target: `${STAGING_PAYMENTS_IP}:${name === 'app' ? 8080 : 9901}`,
      path: name === 'app' ? '/metrics' : '/stats/prometheus',
      cluster: 'staging',
      service: 'payments',
      name,
      labels: { app_kubernetes_io_name: 'payments', env: 'staging' },
    }),
  ),
];
