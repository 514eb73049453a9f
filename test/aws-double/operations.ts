/** The `X-Amz-Target` dispatch table: which operations the double speaks, under which names. */
import { cloudMapOperations } from './cloudmap.ts';
import type { ec2Operations } from './ec2.ts';
import { ecsOperations } from './ecs.ts';
import type { MessageKey } from './errors.ts';
import type { FleetIndex } from './fleet-index.ts';
import type { Input } from './input.ts';
import { secretsManagerOperations, ssmOperations } from './secrets.ts';

/** An operation as IAM names it, e.g. `ecs:ListTasks`, `servicediscovery:ListInstances`. */
export type Operation =
  | `ecs:${keyof typeof ecsOperations}`
  | `servicediscovery:${keyof typeof cloudMapOperations}`
  | `secretsmanager:${keyof typeof secretsManagerOperations}`
  | `ssm:${keyof typeof ssmOperations}`
  | `ec2:${keyof typeof ec2Operations}`;

export const ServiceName = {
  Ecs: 'ecs',
  CloudMap: 'servicediscovery',
  SecretsManager: 'secretsmanager',
  Ssm: 'ssm',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

type Handler = (index: FleetIndex, input: Input) => unknown;

type ServiceTable = {
  readonly service: ServiceName;
  /** The JSON 1.1 target prefix the SDK sends (`<prefix>.<Operation>`). */
  readonly prefix: string;
  readonly messageKey: MessageKey;
  readonly handlers: Readonly<Record<string, Handler>>;
};

const TABLES: readonly ServiceTable[] = [
  {
    service: ServiceName.Ecs,
    prefix: 'AmazonEC2ContainerServiceV20141113',
    messageKey: 'message',
    handlers: ecsOperations,
  },
  {
    service: ServiceName.CloudMap,
    prefix: 'Route53AutoNaming_v20170314',
    messageKey: 'Message',
    handlers: cloudMapOperations,
  },
  {
    service: ServiceName.SecretsManager,
    prefix: 'secretsmanager',
    messageKey: 'Message',
    handlers: secretsManagerOperations,
  },
  { service: ServiceName.Ssm, prefix: 'AmazonSSM', messageKey: 'message', handlers: ssmOperations },
];

export type ResolvedOperation = {
  readonly operation: Operation;
  readonly service: ServiceName;
  readonly messageKey: MessageKey;
  readonly handler: Handler;
};

const byTarget = new Map<string, ResolvedOperation>(
  TABLES.flatMap((table) =>
    Object.entries(table.handlers).map(([name, handler]) => [
      `${table.prefix}.${name}`,
      {
        operation: `${table.service}:${name}` as Operation,
        service: table.service,
        messageKey: table.messageKey,
        handler,
      },
    ]),
  ),
);

/** Every operation the double implements. */
export const OPERATIONS: readonly Operation[] = [...byTarget.values()].map((r) => r.operation);

/** The operation an `X-Amz-Target` header names, or `undefined` for one the double does not speak. */
export const resolveTarget = (target: string | undefined): ResolvedOperation | undefined =>
  target === undefined ? undefined : byTarget.get(target);

/** The message member of errors that are not tied to an operation (unknown target). */
export const messageKeyOfTarget = (target: string | undefined): MessageKey =>
  TABLES.find((t) => target?.startsWith(`${t.prefix}.`))?.messageKey ?? 'message';
