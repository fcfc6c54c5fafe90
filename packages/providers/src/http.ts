import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { ProviderResponse } from './classify';
import { abortReason } from './sleep';

export type HttpCall = { method: 'GET' | 'POST' | 'DELETE'; url: string; headers: Record<string, string>; body?: string };

const MAX_BODY_CHARS = 64 * 1024;
const USER_AGENT = 'apollo-thermos-revoker/1';

// A run sends up to millions of small requests to a few hosts: keep-alive sockets are reused,
// and node:http costs about a quarter of fetch's (undici) CPU per request (docs/performance.md).
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) } as const;

/**
 * One HTTP exchange over a keep-alive agent. The timeout covers the body as well. Redirects are
 * not followed: a revocation endpoint that redirects is misconfigured, and following it would
 * resend our credentials elsewhere. A network failure rejects with its errno code as `cause`.
 */
export function sendHttp(call: HttpCall, timeoutMs: number, signal?: AbortSignal): Promise<ProviderResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const url = new URL(call.url);
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? AGENTS['https:'] : AGENTS['http:'];
    const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
    const request = transport.request(url, {
      method: call.method,
      agent,
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown) => {
      if (settled) return; // e.g. the response's 'close' after its 'end'
      settle(() => reject(error));
      request.destroy();
    };
    const timer = setTimeout(() => fail(new DOMException('The provider did not answer in time', 'TimeoutError')), timeoutMs);
    const onAbort = () => fail(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(new Error('the provider request failed', { cause: error })));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // read to the end either way, so the socket can be reused
        if (size < MAX_BODY_CHARS) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_CHARS);
        settle(() => resolve({ status: response.statusCode ?? 0, retryAfter: headerValue(response.headers, 'retry-after'), body: parseBody(text) }));
      });
      response.on('error', (error) => fail(new Error('the provider response failed', { cause: error })));
      response.on('close', () => fail(new Error('the provider closed the response early', { cause: { code: 'ECONNRESET' } })));
    });
    request.end(body);
  });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
