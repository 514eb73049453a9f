import { describe, expect, it } from 'vitest';
import { createTokenCheck } from '../../lambda/http/auth.ts';

describe('createTokenCheck', () => {
  const cases: readonly { header: string | undefined; accepted: boolean; why: string }[] = [
    { header: 'Bearer s3cr3t-token', accepted: true, why: 'the Bearer scheme' },
    { header: 'bearer s3cr3t-token', accepted: true, why: 'a lower-case scheme' },
    { header: 'BEARER s3cr3t-token', accepted: true, why: 'an upper-case scheme' },
    { header: 'Bearer   s3cr3t-token  ', accepted: true, why: 'extra blanks around the token' },
    { header: 's3cr3t-token', accepted: true, why: 'a bare token (Prometheus without authorization.type)' },
    { header: undefined, accepted: false, why: 'no header' },
    { header: '', accepted: false, why: 'an empty header' },
    { header: 'Bearer', accepted: false, why: 'the scheme alone' },
    { header: 'Bearer wrong-token', accepted: false, why: 'a wrong token' },
    { header: 'Bearer s3cr3t-token-and-more', accepted: false, why: 'a longer token' },
    { header: 'Bearer s3cr3t', accepted: false, why: 'a prefix of the token' },
    { header: 'Basic s3cr3t-token', accepted: false, why: 'another scheme' },
    { header: 'Bearer S3CR3T-TOKEN', accepted: false, why: 'the token in another case' },
    { header: 'Bearer s3cr3t-token,Bearer s3cr3t-token', accepted: false, why: 'a repeated header' },
  ];

  it.each(cases)('answers $accepted for $why', ({ header, accepted }) => {
    // Prepare
    const check = createTokenCheck('s3cr3t-token');

    // Act
    const result = check(header);

    // Assess
    expect(result).toBe(accepted);
  });
});
