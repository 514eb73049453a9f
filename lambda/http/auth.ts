/**
 * Bearer-token check. The token comes from `DiscoveryOptions__BearerToken` or is read once at cold
 * start from Secrets Manager / SSM (`token-source.ts`); it is never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when the `Authorization` header value carries the configured token. */
export type TokenCheck = (authorization: string | undefined) => boolean;

const BEARER_PREFIX = /^bearer[ \t]+/i;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Accepts `Bearer <token>` (scheme case-insensitive, RFC 9110 section 11.1) and a bare `<token>`, because
 * Prometheus sends `Authorization: <credentials>` without a scheme when `authorization.type` is unset
 * (docs/decisions.md "Auth interop"). Comparing SHA-256 digests with `timingSafeEqual` keeps the time
 * independent of both the content and the length of the presented value.
 */
export const createTokenCheck = (token: string): TokenCheck => {
  const expected = digest(token);
  return (authorization) => {
    if (authorization === undefined) return false;
    const bare = authorization.trim();
    const bearer = bare.replace(BEARER_PREFIX, '');
    // Both comparisons always run, so the presence of the scheme does not change the timing either.
    const bareMatches = timingSafeEqual(digest(bare), expected);
    const bearerMatches = timingSafeEqual(digest(bearer), expected);
    return bareMatches || bearerMatches;
  };
};
