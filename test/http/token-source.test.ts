import { describe, expect, it } from 'vitest';
import { resolveBearerToken, retryDelayMs, ssmParameterName } from '../../lambda/http/token-source.ts';

describe('ssmParameterName', () => {
  it.each([
    { reference: 'ssm:/prometheus/sd-token', parameter: '/prometheus/sd-token' },
    { reference: 'ssm:sd-token', parameter: 'sd-token' },
    {
      reference: 'arn:aws:ssm:eu-west-1:123456789012:parameter/prometheus/sd-token',
      parameter: 'arn:aws:ssm:eu-west-1:123456789012:parameter/prometheus/sd-token',
    },
    {
      reference: 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/sd-token',
      parameter: 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/sd-token',
    },
    { reference: 'prometheus/sd-token', parameter: undefined },
    {
      reference: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sd-token-AbCdEf',
      parameter: undefined,
    },
  ])('reads $reference from $parameter', ({ reference, parameter }) => {
    expect(ssmParameterName(reference)).toBe(parameter);
  });
});

describe('resolveBearerToken', () => {
  const reader = (value: string) => {
    const references: string[] = [];
    return {
      references,
      read: async (reference: string) => {
        references.push(reference);
        return value;
      },
    };
  };

  it('uses the configured token without reading any secret', async () => {
    // Prepare
    const secrets = reader('from-secret');

    // Act
    const token = await resolveBearerToken(
      { bearerToken: 'inline', bearerTokenSecret: undefined },
      secrets.read,
    );

    // Assess
    expect([token, secrets.references]).toEqual(['inline', []]);
  });

  it('reads the secret when one is configured', async () => {
    // Prepare
    const secrets = reader('from-secret');

    // Act
    const token = await resolveBearerToken(
      { bearerToken: undefined, bearerTokenSecret: 'sd-token' },
      secrets.read,
    );

    // Assess
    expect([token, secrets.references]).toEqual(['from-secret', ['sd-token']]);
  });

  it('answers undefined (no auth) when neither is configured', async () => {
    await expect(
      resolveBearerToken({ bearerToken: undefined, bearerTokenSecret: undefined }, reader('x').read),
    ).resolves.toBeUndefined();
  });

  it.each(['', ' \n\t '])('refuses a blank secret (%j)', async (value) => {
    await expect(
      resolveBearerToken({ bearerToken: undefined, bearerTokenSecret: 'sd-token' }, reader(value).read),
    ).rejects.toThrow('The bearer token secret sd-token is empty');
  });

  it('refuses a blank configured token instead of turning auth off', async () => {
    await expect(
      resolveBearerToken({ bearerToken: '  ', bearerTokenSecret: undefined }, reader('x').read),
    ).rejects.toThrow('The configured bearer token is blank');
  });
});

describe('retryDelayMs', () => {
  it.each([
    { failures: 1, delayMs: 1000 },
    { failures: 2, delayMs: 2000 },
    { failures: 3, delayMs: 4000 },
    { failures: 6, delayMs: 32_000 },
    { failures: 7, delayMs: 60_000 },
    { failures: 40, delayMs: 60_000 },
  ])('waits $delayMs ms after $failures failed reads in a row', ({ failures, delayMs }) => {
    expect(retryDelayMs(failures)).toBe(delayMs);
  });
});
