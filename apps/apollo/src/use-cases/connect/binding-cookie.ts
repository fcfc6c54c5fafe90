import type { Request } from 'express';

/**
 * Binds a connect session to the browser that opened its link (RFC 9700 section 4.7.1): the
 * callback and the api-key form are refused in any other browser, so a state or a form leaked
 * to someone else is of no use. One cookie per session, so two links open at once do not clash.
 * SameSite=Lax: the provider's redirect back is a cross-site top-level navigation.
 */
export const bindingCookieName = (sessionId: string) => `at_connect_${sessionId}`;

export function bindingCookie(sessionId: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${bindingCookieName(sessionId)}=${value}`, 'Path=/connect', `Max-Age=${Math.max(1, maxAgeSeconds)}`, 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedBindingCookie(sessionId: string, secure: boolean): string {
  return [`${bindingCookieName(sessionId)}=`, 'Path=/connect', 'Max-Age=0', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ');
}

export function bindingCookieOf(req: Request, sessionId: string): string | undefined {
  const name = bindingCookieName(sessionId);
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
