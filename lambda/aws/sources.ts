/**
 * The AWS side of sources: for each planned (account, Region), its own SDK clients (the Region's
 * endpoints, the account's credentials) and its own pacer, because AWS's throttling buckets are per
 * account and Region (docs/decisions.md "Many accounts and Regions (issue 16)"). Made once per
 * process at the edge, like the single clients before.
 */
import type { SourcePlan } from '../config/sources.ts';
import { arnSource, planSources, sourceName } from '../config/sources.ts';
import type { DiscoveryConfig } from '../config/types.ts';
import { type AwsClients, createAwsClients } from './clients.ts';
import { assumeRoleCredentials, type RoleCredentialProvider, type RoleCredentials } from './credentials.ts';
import { createPacer, type Pacer } from './pacer.ts';

export type Source = {
  readonly plan: SourcePlan;
  /** `111111111111/eu-west-1` (`self/…` for the own account): how logs, errors and metrics name it. */
  readonly name: string;
  readonly clients: AwsClients;
  readonly pacer: Pacer;
};

export type SourceOptions = {
  /** Endpoint of every client, STS included (tests, LocalStack). @default the SDK's resolution */
  readonly endpoint?: string;
  /** Credentials of the own account (and the caller of AssumeRole). @default the SDK's default chain */
  readonly credentials?: RoleCredentials | RoleCredentialProvider;
  /** Region of the STS calls (the function's own). @default the first source's Region */
  readonly stsRegion?: string;
  /** Makes each source's pacer. @default a pacer at `config.awsRateShare` */
  readonly pacerFor?: (plan: SourcePlan) => Pacer;
};

/** Clients and pacer for every planned source; one credential provider per role, shared by its Regions. */
export const createSources = (
  config: DiscoveryConfig,
  plans: readonly SourcePlan[],
  options: SourceOptions = {},
): Source[] => {
  const roles = new Map<string, RoleCredentialProvider>();
  const stsRegion = options.stsRegion ?? plans[0]?.region;
  const credentialsOf = (plan: SourcePlan) => {
    if (plan.roleArn === undefined) return options.credentials;
    let provider = roles.get(plan.roleArn);
    if (provider === undefined) {
      provider = assumeRoleCredentials({
        roleArn: plan.roleArn,
        externalId: config.assumeRoleExternalId,
        stsRegion,
        endpoint: options.endpoint,
        credentials: options.credentials,
      });
      roles.set(plan.roleArn, provider);
    }
    return provider;
  };
  return plans.map((plan) => {
    const credentials = credentialsOf(plan);
    return {
      plan,
      name: sourceName(plan),
      clients: createAwsClients({
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(plan.region === undefined ? {} : { region: plan.region }),
        ...(credentials === undefined ? {} : { credentials }),
      }),
      pacer: options.pacerFor?.(plan) ?? createPacer({ share: config.awsRateShare }),
    };
  });
};

export type ResolveSourcesDeps = {
  /** Ready-made sources (tests). */
  readonly sources?: readonly Source[];
  /** Clients of the single own-account source (the one-account deployment and its tests). */
  readonly clients?: AwsClients;
  /** Pacer of the single own-account source. */
  readonly pacer?: Pacer;
  /** The function's Region. @default AWS_REGION */
  readonly region?: string;
};

/**
 * The sources of `config`: `deps.sources` when given; else, for a one-account, one-Region
 * configuration, one source with `deps.clients` and `deps.pacer` (as before sources existed); else
 * new clients per source.
 */
export const resolveSources = (config: DiscoveryConfig, deps: ResolveSourcesDeps = {}): readonly Source[] => {
  if (deps.sources !== undefined) return deps.sources;
  const plans = planSources(config, deps.region ?? process.env.AWS_REGION);
  const only = plans.length === 1 ? plans[0] : undefined;
  if (only !== undefined && only.roleArn === undefined) {
    return [
      {
        plan: only,
        name: sourceName(only),
        clients: deps.clients ?? createAwsClients(only.region === undefined ? {} : { region: only.region }),
        pacer: deps.pacer ?? createPacer({ share: config.awsRateShare }),
      },
    ];
  }
  if (deps.clients !== undefined) {
    throw new Error('resolveSources: `clients` serve one own-account source; pass `sources` for several');
  }
  const ownRegion = deps.region ?? process.env.AWS_REGION;
  return createSources(config, plans, ownRegion === undefined ? {} : { stsRegion: ownRegion });
};

/**
 * The source an ECS ARN (cluster, task) belongs to: the role source of its account and Region,
 * else the own account's source of its Region; undefined when no source reads it.
 */
export const sourceOfArn = (sources: readonly Source[], arn: string): Source | undefined => {
  const at = arnSource(arn);
  if (at === undefined) return sources.length === 1 ? sources[0] : undefined;
  const inRegion = (source: Source) => source.plan.region === undefined || source.plan.region === at.region;
  return (
    sources.find((s) => s.plan.accountId === at.accountId && inRegion(s)) ??
    sources.find((s) => s.plan.accountId === undefined && inRegion(s))
  );
};
