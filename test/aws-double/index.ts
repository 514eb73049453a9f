/** The AWS API double: fleets, the server and SDK clients pointed at it. See README.md. */
export { AWS_BUCKETS } from './aws-buckets.ts';
export type { DoubleClientConfig, DoubleClients, DoubleEndpoint } from './clients.ts';
export { clientConfig, doubleEnv, FAKE_CREDENTIALS, makeClients } from './clients.ts';
export type { FaultError, FaultHandle, FaultSpec, LatencySpec, TokenBucketSpec } from './faults.ts';
export type {
  CloudMapServiceSpec,
  ClusterSpec,
  DeploymentSpec,
  Fleet,
  FleetCloudMapService,
  FleetCluster,
  FleetInstance,
  FleetNamespace,
  FleetService,
  FleetSpec,
  FleetTask,
  InstanceSpec,
  NamespaceSpec,
  ServiceConnectSpec,
  ServiceDiscoverySpec,
  ServiceSpec,
  Tag,
  TagsInput,
  TaskSpec,
} from './fleet.ts';
export { allCloudMapServices, allTasks, defineFleet } from './fleet.ts';
export type { GenerateOptions } from './generate.ts';
export { generateFleet, generateFleetSpec } from './generate.ts';
export type { Operation } from './operations.ts';
export { OPERATIONS } from './operations.ts';
export type { S3Double, S3Object } from './s3.ts';
export { S3Operation } from './s3.ts';
export type { AwsDouble, AwsDoubleOptions, CallCounts, DoubleCall, SourceKey } from './server.ts';
export { startAwsDouble } from './server.ts';
export type { AssumeRoleCall, RoleSpec } from './sts.ts';
export type { TaskStateChangeEvent } from './task-events.ts';
export { taskStateChanges, toSqsEvent } from './task-events.ts';
