import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, hashSecret } from '../../auth/secret-tokens';

/** The bearer secret in a connect link; the prefix tells a leaked string's origin. */
export const CONNECT_LINK_PREFIX = 'acl_';

export function newConnectLinkToken(): { token: string; tokenHash: string } {
  const token = generateSecret(CONNECT_LINK_PREFIX);
  return { token, tokenHash: hashSecret(token) };
}

/** A 256-bit random value (state, browser binding, CSRF token) and the hash that is stored. */
export function newRandomValue(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashSecret(value) };
}

/** RFC 7636: a 43-character verifier and its S256 challenge (plain is never used). */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

// what a link token, state or cookie value can look like; anything else is not looked up
const OPAQUE = /^[A-Za-z0-9_-]{16,128}$/;
export const isOpaqueValue = (value: unknown): value is string => typeof value === 'string' && OPAQUE.test(value);

export { hashSecret };
