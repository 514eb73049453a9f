import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';

const base = { DiscoveryOptions__EcsClusters: 'prod' };

describe('DiscoveryOptions__AwsRateShare', () => {
  it.each([
    [undefined, 0.5],
    ['', 0.5],
    ['1', 1],
    ['1.0', 1],
    ['0.25', 0.25],
    [' .1 ', 0.1],
  ])('reads %o as %d', (raw, share) => {
    const env = raw === undefined ? base : { ...base, DiscoveryOptions__AwsRateShare: raw };
    expect(loadConfig(env).awsRateShare).toBe(share);
  });

  it.each(['0', '0.0', '1.5', '-0.5', 'half', '50%', '1e-1'])('rejects %o naming the variable', (raw) => {
    expect(() => loadConfig({ ...base, DiscoveryOptions__AwsRateShare: raw })).toThrow(
      `DiscoveryOptions__AwsRateShare="${raw}" is invalid: expected a decimal number greater than 0 and at most 1 (e.g. 0.5)`,
    );
  });
});
