/**
 * `shareCredentials`: one AssumeRole for every client of an account, and a new one 5 minutes
 * before the held credentials expire (the SDK clients' own margin). Clock injected.
 */
import { describe, expect, it } from 'vitest';
import { REFRESH_MARGIN_MS, type RoleCredentials, shareCredentials } from '../../lambda/aws/credentials.ts';

const EXPIRES_AT = 1_700_000_600_000;

const counting = () => {
  let calls = 0;
  const provider = async (): Promise<RoleCredentials> => {
    calls += 1;
    return {
      accessKeyId: `ASIA${calls}`,
      secretAccessKey: 'secret',
      expiration: new Date(EXPIRES_AT + (calls - 1) * 3_600_000),
    };
  };
  return { provider, calls: () => calls };
};

describe('shareCredentials', () => {
  it.each([
    { case: 'well before the margin', at: EXPIRES_AT - REFRESH_MARGIN_MS - 1, calls: 1, key: 'ASIA1' },
    { case: 'at the margin', at: EXPIRES_AT - REFRESH_MARGIN_MS, calls: 2, key: 'ASIA2' },
    { case: 'after expiry', at: EXPIRES_AT + 1, calls: 2, key: 'ASIA2' },
  ])('holds or renews the credentials $case', async ({ at, calls, key }) => {
    // Prepare
    const source = counting();
    let now = EXPIRES_AT - 3_600_000;
    const shared = shareCredentials(source.provider, () => now);
    await shared();

    // Act
    now = at;
    const credentials = await shared();

    // Assess
    expect(source.calls()).toBe(calls);
    expect(credentials.accessKeyId).toBe(key);
  });

  it('makes one call for concurrent callers', async () => {
    // Prepare
    const source = counting();
    const shared = shareCredentials(source.provider, () => 0);

    // Act
    const all = await Promise.all([shared(), shared(), shared()]);

    // Assess
    expect(source.calls()).toBe(1);
    expect(all.map((c) => c.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA1']);
  });

  it('tries again after a failed call', async () => {
    // Prepare
    let calls = 0;
    const shared = shareCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('AccessDenied');
      return { accessKeyId: 'ASIA2', secretAccessKey: 'secret' };
    });

    // Act
    const first = shared();
    await expect(first).rejects.toThrow('AccessDenied');
    const second = await shared();

    // Assess
    expect(calls).toBe(2);
    expect(second.accessKeyId).toBe('ASIA2');
  });
});
