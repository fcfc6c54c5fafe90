import { z } from 'zod';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A redirect URI a connect session may send the end user back to (RFC 9700 section 2.1: exact
 * string matching, so the stored form is what must be sent). https, or http to this machine
 * (local development, RFC 8252 section 7.3); no fragment (RFC 6749 section 3.1.2), no credentials.
 */
export function redirectUriRefusal(value: string): string | null {
  if (/\p{Cc}|\s/u.test(value) || !URL.canParse(value)) return 'must be an absolute URL without spaces or control characters';
  const url = new URL(value);
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash || value.includes('#')) return 'must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must be https (or http to 127.0.0.1, [::1] or localhost)';
}

export const redirectUri = z
  .string()
  .max(2048)
  .superRefine((value, check) => {
    const refusal = redirectUriRefusal(value);
    if (refusal) check.addIssue({ code: 'custom', message: refusal });
  });

export const allowedRedirectUris = z
  .array(redirectUri)
  .max(50)
  .refine((uris) => new Set(uris).size === uris.length, 'must not repeat a URI')
  .describe('where connect sessions may send end users back to; a session\'s redirect_uri must equal one exactly');
