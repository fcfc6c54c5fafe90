import type { ProviderResponse } from './classify';

export type HttpCall = { method: 'POST' | 'DELETE'; url: string; headers: Record<string, string>; body?: string };

const MAX_BODY_CHARS = 64 * 1024;
const USER_AGENT = 'apollo-thermos-revoker/1';

/**
 * One HTTP exchange through Node's global fetch (undici). The timeout covers the body as well.
 * Redirects are not followed: a revocation endpoint that redirects is misconfigured, and
 * following it would resend our credentials elsewhere.
 */
export async function sendHttp(call: HttpCall, timeoutMs: number, signal?: AbortSignal): Promise<ProviderResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const response = await fetch(call.url, {
    method: call.method,
    headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...call.headers },
    redirect: 'manual',
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
  const text = (await response.text()).slice(0, MAX_BODY_CHARS);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parseBody(text) };
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
