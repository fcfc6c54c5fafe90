import { createHash, randomBytes } from 'node:crypto';

/** Kinds of bearer secrets apollo issues; the prefix tells a leaked string's origin. */
export const SECRET_PREFIX = { apiKey: 'atk_', orgAdminToken: 'ato_' } as const;

export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Secrets are 256-bit random strings, so an unsalted SHA-256 is a safe lookup key; only the
 * hash is stored.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export { secretsEqual } from '@at/common';
