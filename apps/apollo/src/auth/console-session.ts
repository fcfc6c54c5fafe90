import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import { generateSecret, hashSecret } from './secret-tokens';

/** The console's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over https. */
export const SESSION_COOKIE = 'at_console_session';
/** Every state change made with the session cookie carries the session's CSRF token here. */
export const CSRF_HEADER = 'x-csrf-token';

export const SESSION_SECRET_PREFIX = 'acs_';

const MAX_COOKIE_LENGTH = 256;

export type SessionSecrets = { secret: string; idHash: string; csrfToken: string; csrfTokenHash: string };

/**
 * The CSRF token is derived from the session secret (HMAC), so a reloaded page can be given it
 * again by GET /console/api/session without the server keeping it in clear; knowing it tells
 * nothing about the cookie.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('console-csrf').digest('base64url');
}

export function newSessionSecrets(): SessionSecrets {
  const secret = generateSecret(SESSION_SECRET_PREFIX);
  return secretsOf(secret);
}

export function secretsOf(secret: string): SessionSecrets {
  const csrfToken = csrfTokenFor(secret);
  return { secret, idHash: hashSecret(secret), csrfToken, csrfTokenHash: hashSecret(csrfToken) };
}

/** The session cookie's value, if the request carries one that could be ours. */
export function sessionCookieOf(req: Request): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value.length > 0 && value.length <= MAX_COOKIE_LENGTH && /^[A-Za-z0-9_-]+$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Secure when the browser reached us over https, directly or through a proxy that says so; a
 * forged x-forwarded-proto only makes the cookie stricter.
 */
export function servedOverHttps(req: Request): boolean {
  return req.secure || req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
