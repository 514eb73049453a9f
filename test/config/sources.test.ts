/**
 * The source options (issue 16): validation of `AssumeRoleArns`, `Regions`,
 * `AssumeRoleExternalId` and `IncludeOwnAccount`, and the pure plan of which (account, Region)
 * reads which clusters and namespaces, in configuration order.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/config/errors.ts';
import { loadConfig } from '../../lambda/config/load.ts';
import { planSources, sourceName } from '../../lambda/config/sources.ts';

const A = 'arn:aws:iam::222222222222:role/prometheus-sd-member';
const B = 'arn:aws:iam::333333333333:role/path/prometheus-sd-member';

const env = (options: Readonly<Record<string, string>>): Record<string, string> => ({
  DiscoveryOptions__EcsClusters: 'prod',
  ...Object.fromEntries(Object.entries(options).map(([name, value]) => [`DiscoveryOptions__${name}`, value])),
});

const problemsOf = (options: Record<string, string>): string[] => {
  try {
    loadConfig(env(options));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  return [];
};

describe('source options', () => {
  it('parses roles, Regions, the ExternalId and IncludeOwnAccount', () => {
    // Act
    const config = loadConfig(
      env({
        AssumeRoleArns: `${A}; ${B};${A}`,
        Regions: 'eu-west-1;us-gov-west-1',
        AssumeRoleExternalId: ' prometheus-sd-7f3a ',
        IncludeOwnAccount: 'false',
      }),
    );

    // Assess
    expect(config).toMatchObject({
      assumeRoleArns: [A, B],
      regions: ['eu-west-1', 'us-gov-west-1'],
      assumeRoleExternalId: 'prometheus-sd-7f3a',
      includeOwnAccount: false,
    });
  });

  it('defaults to the own account in the own Region', () => {
    // Act
    const config = loadConfig(env({}));

    // Assess
    expect(config).toMatchObject({
      assumeRoleArns: [],
      regions: [],
      assumeRoleExternalId: undefined,
      includeOwnAccount: true,
    });
  });

  it.each<{ case: string; options: Record<string, string>; expected: string[] }>([
    {
      case: 'a user ARN is not a role',
      options: { AssumeRoleArns: 'arn:aws:iam::222222222222:user/bob' },
      expected: [
        'DiscoveryOptions__AssumeRoleArns="arn:aws:iam::222222222222:user/bob" is invalid: entry "arn:aws:iam::222222222222:user/bob" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)',
      ],
    },
    {
      case: 'an account of 11 digits',
      options: { AssumeRoleArns: 'arn:aws:iam::22222222222:role/x' },
      expected: [
        'DiscoveryOptions__AssumeRoleArns="arn:aws:iam::22222222222:role/x" is invalid: entry "arn:aws:iam::22222222222:role/x" is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)',
      ],
    },
    {
      case: 'two roles in one account',
      options: { AssumeRoleArns: `${A};arn:aws:iam::222222222222:role/other` },
      expected: [
        `DiscoveryOptions__AssumeRoleArns="${A};arn:aws:iam::222222222222:role/other" is invalid: "${A}" and "arn:aws:iam::222222222222:role/other" both name account 222222222222; expected one role per account`,
      ],
    },
    {
      case: 'a Region name that is not one',
      options: { Regions: 'eu-west-1;Ireland' },
      expected: [
        'DiscoveryOptions__Regions="eu-west-1;Ireland" is invalid: entry "Ireland" is not a Region name (expected e.g. eu-west-1)',
      ],
    },
    {
      case: 'an ExternalId of one character',
      options: { AssumeRoleExternalId: 'x' },
      expected: [
        'DiscoveryOptions__AssumeRoleExternalId="x" is invalid: expected 2 to 1224 characters of letters, digits and +=,.@:/-_',
      ],
    },
    {
      case: 'an ExternalId with a space',
      options: { AssumeRoleExternalId: 'a b' },
      expected: [
        'DiscoveryOptions__AssumeRoleExternalId="a b" is invalid: expected 2 to 1224 characters of letters, digits and +=,.@:/-_',
      ],
    },
    {
      case: 'no account left to read',
      options: { IncludeOwnAccount: 'false' },
      expected: [
        'DiscoveryOptions__IncludeOwnAccount="false" and DiscoveryOptions__AssumeRoleArns=(unset) leave no account to read: expected at least one role or DiscoveryOptions__IncludeOwnAccount=true',
      ],
    },
    {
      case: 'a cluster ARN of an account that is not read',
      options: {
        AssumeRoleArns: A,
        IncludeOwnAccount: 'false',
        EcsClusters: 'arn:aws:ecs:eu-west-1:444444444444:cluster/prod',
      },
      expected: [
        'DiscoveryOptions__EcsClusters="arn:aws:ecs:eu-west-1:444444444444:cluster/prod" is invalid: entry "arn:aws:ecs:eu-west-1:444444444444:cluster/prod" names a source that is not configured: account 444444444444 is not read (not in DiscoveryOptions__AssumeRoleArns and DiscoveryOptions__IncludeOwnAccount=false)',
      ],
    },
    {
      case: 'a namespace ARN of a Region that is not read',
      options: {
        Regions: 'eu-west-1',
        CloudMapNamespaces: 'arn:aws:servicediscovery:us-east-1:222222222222:namespace/ns-0123456789abcdef',
      },
      expected: [
        'DiscoveryOptions__CloudMapNamespaces="arn:aws:servicediscovery:us-east-1:222222222222:namespace/ns-0123456789abcdef" is invalid: entry "arn:aws:servicediscovery:us-east-1:222222222222:namespace/ns-0123456789abcdef" names a source that is not configured: Region us-east-1 is not in DiscoveryOptions__Regions',
      ],
    },
  ])('rejects $case', ({ options, expected }) => {
    // Act
    const problems = problemsOf(options);

    // Assess
    expect(problems).toEqual(expected);
  });

  it.each<{ options: Record<string, string> }>([
    { options: { AssumeRoleArns: 'arn:aws-cn:iam::222222222222:role/x' } },
    { options: { AssumeRoleArns: 'arn:aws-us-gov:iam::222222222222:role/team/x.y@z' } },
    { options: { Regions: 'cn-north-1;ap-southeast-2' } },
    { options: { AssumeRoleExternalId: 'Ab+=,.@:/-_9' } },
  ])('accepts $options', ({ options }) => {
    // Act
    const problems = problemsOf(options);

    // Assess
    expect(problems).toEqual([]);
  });
});

describe('planSources', () => {
  it('lists the own account first, then the roles, each in every Region, in configuration order', () => {
    // Prepare
    const config = loadConfig(
      env({
        AssumeRoleArns: `${B};${A}`,
        Regions: 'us-east-1;eu-west-1',
        EcsClusters: 'prod;arn:aws:ecs:eu-west-1:222222222222:cluster/staging',
        CloudMapNamespaces:
          'apps;arn:aws:servicediscovery:us-east-1:111111111111:namespace/ns-0123456789abcdef',
      }),
    );

    // Act
    const plans = planSources(config, 'eu-west-1');

    // Assess: the namespace ARN names an account that is no role's, so it is the own account's.
    const ns = 'arn:aws:servicediscovery:us-east-1:111111111111:namespace/ns-0123456789abcdef';
    expect(plans.map((p) => [sourceName(p), p.roleArn, p.ecsClusters, p.cloudMapNamespaces])).toEqual([
      ['self/us-east-1', undefined, ['prod'], ['apps', ns]],
      ['self/eu-west-1', undefined, ['prod'], ['apps']],
      ['333333333333/us-east-1', B, ['prod'], ['apps']],
      ['333333333333/eu-west-1', B, ['prod'], ['apps']],
      ['222222222222/us-east-1', A, ['prod'], ['apps']],
      ['222222222222/eu-west-1', A, ['prod', 'arn:aws:ecs:eu-west-1:222222222222:cluster/staging'], ['apps']],
    ]);
  });

  it('reads the own Region when Regions is empty, and leaves it to the SDK when that is unknown', () => {
    // Prepare
    const config = loadConfig(env({}));

    // Act
    const known = planSources(config, 'ap-southeast-2').map(sourceName);
    const unknown = planSources(config, undefined).map(sourceName);

    // Assess
    expect(known).toEqual(['self/ap-southeast-2']);
    expect(unknown).toEqual(['self/default']);
  });

  it('rejects an ARN of another Region when only the own Region is read', () => {
    // Prepare
    const config = loadConfig(env({ EcsClusters: 'arn:aws:ecs:us-east-1:111111111111:cluster/prod' }));

    // Act
    const plan = () => planSources(config, 'eu-west-1');

    // Assess
    expect(plan).toThrow(ConfigError);
    expect(plan).toThrow(
      'DiscoveryOptions__EcsClusters entry "arn:aws:ecs:us-east-1:111111111111:cluster/prod" names Region us-east-1, but discovery reads only its own Region eu-west-1: add both to DiscoveryOptions__Regions',
    );
  });
});
