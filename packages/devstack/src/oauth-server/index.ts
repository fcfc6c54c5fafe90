import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { stopChild } from '../services';

/**
 * A confidential client registered at the server (client_secret_basic or client_secret_post);
 * `redirectUris` for the authorization code flow (default http://127.0.0.1/callback).
 */
export type OAuthClient = { clientId: string; clientSecret: string; redirectUris?: string[] };

/** Who can sign in on the server's login page (authorization code flow). */
export type OAuthUser = { username: string; password: string };

export type OAuthServerOptions = {
  clients: OAuthClient[];
  /** Users of the login page; none: the authorization code flow cannot be completed. */
  users?: OAuthUser[];
  /** 0 or omitted: a random free port. */
  port?: number;
  /** The server's stderr and any stray stdout, line by line; dropped when omitted. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
  /** Access token lifetime in seconds (default 30 days: expiry never interferes with revocation tests). */
  accessTokenTtlSeconds?: number;
  /**
   * Rotate refresh tokens: each refresh consumes its refresh token and issues a new one;
   * presenting a consumed one again (reuse), even concurrently, revokes the whole grant.
   */
  rotateRefreshTokens?: boolean;
};

/** Misbehaviour of the refresh grant at /token; each call replaces the previous set. */
export type TokenFaults = {
  /** Delay before a refresh is processed; a request whose client disconnects meanwhile is dropped unprocessed. */
  delay_ms?: number;
  /** Answer refreshes with this status (503: temporarily_unavailable with Retry-After 1, 4xx: invalid_request). */
  fail_status?: number;
  /** Only the next n refreshes fail; without it, all of them. */
  fail_count?: number;
  /** The grant fail_status applies to: refresh_token (default) or authorization_code (the code exchange; delay_ms stays with refreshes). */
  grant?: 'refresh_token' | 'authorization_code';
};

/** One grant issued by the server: its access and refresh tokens. */
export type MintedToken = { accessToken: string; refreshToken: string; expiresAt: Date; grantId: string };

/** RFC 7662 response; only `active` is always present. */
export type IntrospectionResult = {
  active: boolean;
  client_id?: string;
  sub?: string;
  scope?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
};

export type RevocationCounts = {
  total: number;
  /** a live token was found and destroyed (with every token of its grant) */
  revoked: number;
  /** 200 for a token that an earlier request (or the revocation of its grant) destroyed */
  already_revoked: number;
  /** 200 for a token this server never issued */
  unknown: number;
  /** any non-200 answer (bad client credentials, another client's token, malformed request) */
  rejected: number;
};

export type OAuthServerStats = {
  revocation: RevocationCounts & {
    /** the most revocation requests seen within one wall-clock second */
    max_per_second: number;
    by_status: Record<string, number>;
    /** keyed by the client the request claimed to be, '(none)' when it named none */
    by_client: Record<string, RevocationCounts>;
  };
  introspection: { total: number };
  refresh: {
    /** refresh_token grant requests that reached /token */
    total: number;
    /** answered 200 */
    succeeded: number;
    /** a consumed refresh token presented again, or one presented while its first exchange was in flight */
    reuse_detected: number;
    in_flight: number;
    /** the most refreshes of one grant in flight at once (2 or more is a refresh race) */
    max_in_flight_per_grant: number;
    /** by HTTP status; `dropped`: the client went away before an answer, nothing was processed */
    by_status: Record<string, number>;
  };
};

export type OAuthServerHandle = {
  issuer: string;
  /** Where the login and consent pages start (oidc-provider's authorization endpoint). */
  authorizationEndpoint: string;
  port: number;
  tokenEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  /** Issues `count` grants for one account, each with a fresh access and refresh token. */
  mint: (clientId: string, accountId: string, count?: number) => Promise<MintedToken[]>;
  /** Issues one grant per account id, in order. */
  mintForAccounts: (clientId: string, accountIds: readonly string[]) => Promise<MintedToken[]>;
  introspect: (clientId: string, clientSecret: string, token: string) => Promise<IntrospectionResult>;
  /** `active` of each token, in order, with at most `concurrency` requests in flight. */
  introspectMany: (clientId: string, clientSecret: string, tokens: readonly string[], concurrency?: number) => Promise<boolean[]>;
  /** Revokes through the RFC 7009 endpoint with client_secret_basic; answers the HTTP status. */
  revoke: (clientId: string, clientSecret: string, token: string, tokenTypeHint?: 'access_token' | 'refresh_token') => Promise<number>;
  /** The refresh_token grant with client_secret_basic, as a client would send it. */
  refresh: (clientId: string, clientSecret: string, refreshToken: string) => Promise<{ status: number; body: Record<string, unknown> }>;
  setTokenFaults: (faults: TokenFaults) => Promise<TokenFaults>;
  stats: () => Promise<OAuthServerStats>;
  resetStats: () => Promise<OAuthServerStats>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop: () => Promise<void>;
  /** SIGKILL now: the provider vanishes mid-flight, as in a crash. */
  kill: () => void;
  process: ChildProcess;
};

const SERVER_SCRIPT = path.join(__dirname, 'server.mjs');
const MINT_BATCH = 1000;

/** Starts a real OAuth 2.0 authorization server (oidc-provider) on 127.0.0.1 in a child process. */
export async function startOAuthServer(options: OAuthServerOptions): Promise<OAuthServerHandle> {
  if (options.clients.length === 0) throw new Error('startOAuthServer needs at least one client');
  const adminSecret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    // stdin stays open as a lifeline: the server exits when it closes, so a dead parent leaks nothing
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      OAUTH_SERVER_PORT: String(options.port ?? 0),
      OAUTH_SERVER_ADMIN_SECRET: adminSecret,
      OAUTH_SERVER_CLIENTS: JSON.stringify(options.clients.map((c) => ({ client_id: c.clientId, client_secret: c.clientSecret, ...(c.redirectUris ? { redirect_uris: c.redirectUris } : {}) }))),
      OAUTH_SERVER_USERS: JSON.stringify(options.users ?? []),
      ...(options.accessTokenTtlSeconds === undefined ? {} : { OAUTH_SERVER_ACCESS_TOKEN_TTL: String(options.accessTokenTtlSeconds) }),
      ...(options.rotateRefreshTokens ? { OAUTH_SERVER_ROTATE_REFRESH_TOKENS: 'true' } : {}),
    },
  });
  let ready: { issuer: string; port: number };
  try {
    ready = await waitForReady(child, options.onLog ?? (() => undefined), options.startTimeoutMs ?? 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const { issuer, port } = ready;
  const endpoints = {
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    introspectionEndpoint: `${issuer}/token/introspection`,
  };

  async function admin<T>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${issuer}/__test/${route}`, {
      method,
      headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`oauth test server: ${method} /__test/${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async function mintBatches(clientId: string, requests: Array<Record<string, unknown>>): Promise<MintedToken[]> {
    const minted: MintedToken[] = [];
    for (const request of requests) {
      const { tokens } = await admin<{ tokens: WireToken[] }>('POST', 'mint', { client_id: clientId, ...request });
      for (const t of tokens) minted.push({ accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: new Date(t.expires_at * 1000), grantId: t.grant_id });
    }
    return minted;
  }

  async function introspect(clientId: string, clientSecret: string, token: string): Promise<IntrospectionResult> {
    const response = await postForm(endpoints.introspectionEndpoint, clientId, clientSecret, { token });
    if (response.status !== 200) throw new Error(`introspection answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as IntrospectionResult;
  }

  return {
    issuer,
    port,
    ...endpoints,
    mint: (clientId, accountId, count = 1) => {
      const requests: Array<Record<string, unknown>> = [];
      for (let left = count; left > 0; left -= MINT_BATCH) requests.push({ account_id: accountId, count: Math.min(left, MINT_BATCH) });
      return mintBatches(clientId, requests);
    },
    mintForAccounts: (clientId, accountIds) => {
      const requests: Array<Record<string, unknown>> = [];
      for (let i = 0; i < accountIds.length; i += MINT_BATCH) requests.push({ account_ids: accountIds.slice(i, i + MINT_BATCH) });
      return mintBatches(clientId, requests);
    },
    introspect,
    introspectMany: (clientId, clientSecret, tokens, concurrency = 16) =>
      mapConcurrent(tokens, concurrency, async (token) => (await introspect(clientId, clientSecret, token)).active),
    revoke: async (clientId, clientSecret, token, tokenTypeHint) => {
      const response = await postForm(endpoints.revocationEndpoint, clientId, clientSecret, { token, ...(tokenTypeHint ? { token_type_hint: tokenTypeHint } : {}) });
      await response.arrayBuffer();
      return response.status;
    },
    refresh: async (clientId, clientSecret, refreshToken) => {
      const response = await postForm(endpoints.tokenEndpoint, clientId, clientSecret, { grant_type: 'refresh_token', refresh_token: refreshToken });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    setTokenFaults: (faults) => admin<TokenFaults>('POST', 'token-faults', faults),
    stats: () => admin<OAuthServerStats>('GET', 'stats'),
    resetStats: () => admin<OAuthServerStats>('DELETE', 'stats'),
    stop: () => stopChild(child, 5_000),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    process: child,
  };
}

type WireToken = { access_token: string; refresh_token: string; expires_at: number; grant_id: string };

/** RFC 6749 section 2.3.1: client id and secret are form-encoded before they are joined. */
function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function postForm(url: string, clientId: string, clientSecret: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: basicAuth(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** Resolves on the server's ready line; rejects if it exits or stays silent too long. */
function waitForReady(child: ChildProcess, log: (line: string) => void, timeoutMs: number): Promise<{ issuer: string; port: number }> {
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    log(line);
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const failure = (why: string) => new Error(`oauth test server ${why}${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`);
    const timer = setTimeout(() => settle(() => reject(failure(`not ready after ${timeoutMs} ms`))), timeoutMs);
    child.once('error', (error) => settle(() => reject(error)));
    // 'close', not 'exit': by then stderr is drained, so the error carries the server's last words
    child.once('close', (code, signal) => settle(() => reject(failure(`exited during start-up (${signal ?? `code ${code}`})`))));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = parseReady(line);
      if (parsed) settle(() => resolve(parsed));
      else log(line);
    });
  });
}

function parseReady(line: string): { issuer: string; port: number } | undefined {
  try {
    const value = JSON.parse(line) as { ready?: unknown; issuer?: unknown; port?: unknown };
    if (value.ready === true && typeof value.issuer === 'string' && typeof value.port === 'number') return { issuer: value.issuer, port: value.port };
  } catch {
    // not the ready line
  }
  return undefined;
}
