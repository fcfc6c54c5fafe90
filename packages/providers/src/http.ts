import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { ProviderResponse } from './classify';
import { pinnedLookup, vetDestination, type EgressPolicy, type Resolver } from './egress';
import { abortReason } from './sleep';

export type HttpCall = { method: 'POST' | 'DELETE' | 'GET'; url: string; headers: Record<string, string>; body?: string };

export type HttpOptions = {
  /** The whole exchange: DNS, connect, headers and body, however slowly they trickle in. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  egress?: EgressPolicy | undefined;
  resolver?: Resolver | undefined;
};

/** A provider's answer is a few hundred bytes; anything past this is cut off and the socket dropped. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADER_CHARS = 256;
const USER_AGENT = 'apollo-thermos-revoker/1';

// A run sends up to millions of small requests to a few hosts: keep-alive sockets are reused,
// and node:http costs about a quarter of fetch's (undici) CPU per request (docs/performance.md).
// No accept-encoding is sent and node:http never inflates: a compressed body stays opaque bytes.
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) } as const;

/**
 * One HTTP exchange over a keep-alive agent, to an address the egress policy vetted (the
 * socket connects to exactly that address; TLS still checks the host name). Redirects are not
 * followed: a revocation endpoint that redirects is misconfigured, and following it would
 * resend our credentials elsewhere. The body is read up to MAX_BODY_BYTES, then the socket is
 * destroyed. A network failure rejects with its errno (or HPE_ parser) code as `cause`; an
 * egress refusal rejects with EgressDeniedError.
 */
export async function sendHttp(call: HttpCall, options: HttpOptions): Promise<ProviderResponse> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const url = new URL(call.url);
  const startedAt = Date.now();
  const addresses = await withTimeout(vetDestination(url, options.egress, options.resolver), options.timeoutMs, signal);
  return exchange(call, url, pinnedLookup(addresses), Math.max(1, options.timeoutMs - (Date.now() - startedAt)), signal);
}

function timeoutError(): DOMException {
  return new DOMException('The provider did not answer in time', 'TimeoutError');
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(timeoutError())), timeoutMs);
    const onAbort = () => done(() => reject(abortReason(signal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function done(outcome: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    }
    work.then(
      (value) => done(() => resolve(value)),
      (error: unknown) => done(() => reject(error)),
    );
  });
}

function exchange(call: HttpCall, url: URL, lookup: ReturnType<typeof pinnedLookup>, timeoutMs: number, signal: AbortSignal | undefined): Promise<ProviderResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
    const request = (secure ? https : http).request(url, {
      method: call.method,
      agent: secure ? AGENTS['https:'] : AGENTS['http:'],
      lookup,
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
    const timer = setTimeout(() => fail(timeoutError()), timeoutMs);
    const onAbort = () => fail(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => fail(new Error('the provider request failed', { cause: error })));
    // 101 Switching Protocols is not an answer we can use: drop the socket
    request.on('upgrade', (_response, socket) => {
      socket.destroy();
      fail(new Error('the provider switched protocols', { cause: { code: 'HPE_UNEXPECTED_UPGRADE' } }));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) => {
        const text = Buffer.concat(chunks).toString('utf8');
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: headerValue(response.headers, 'retry-after'),
            body: parseBody(text),
            truncated,
          }),
        );
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = MAX_BODY_BYTES - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (size < MAX_BODY_BYTES) return;
        // enough: an endless or oversized body is not read to its end, the socket is not reused
        answer(true);
        request.destroy();
      });
      response.on('end', () => answer(false));
      response.on('error', (error) => fail(new Error('the provider response failed', { cause: error })));
      response.on('close', () => fail(new Error('the provider closed the response early', { cause: { code: 'ECONNRESET' } })));
    });
    request.end(body);
  });
}

/** A header as a short string, for parsing only: raw header values never leave this package. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const first = (Array.isArray(value) ? value[0] : value) ?? null;
  return first === null ? null : first.slice(0, MAX_HEADER_CHARS);
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not JSON (or nested past the parser's stack): the text, for classification only
    return text;
  }
}
