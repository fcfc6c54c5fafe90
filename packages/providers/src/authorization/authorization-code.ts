import { FORM, basicAuthorization, formBody } from '../adapters/client-auth';
import { classifyNetworkError, classifyResponse } from '../classify';
import { sendHttp, type HttpCall } from '../http';
import { sanitizeErrorCode, sanitizeMessage } from '../sanitize';
import type { ProviderResponse } from '../classify';
import type { EgressPolicy } from '../egress';
import type { OAuthCredential } from '../types';
import type { TokenEndpointAuthMethod } from '../refresh/types';

/** The provider app as the authorization code flow sees it. */
export type AuthorizationClient = { clientId: string; clientSecret?: string | undefined; tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined };

export type AuthorizationCallOptions = {
  /** The whole exchange, body included. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Where the calls may go: the same policy as every other provider call (egress.ts). */
  egress?: EgressPolicy | undefined;
};

/**
 * What a call to the authorization server came to. Every string in a failure is safe to store
 * and show: codes are sanitized, messages never carry a secret we sent or received.
 */
export type AuthorizationFailure = { kind: 'failed'; errorCode: string; errorMessage: string };

export type CodeExchangeOutcome =
  | { kind: 'tokens'; credential: OAuthCredential & { token_type: string }; scope: string | undefined }
  | AuthorizationFailure;

export type ServerMetadata = {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string | undefined;
  parEndpoint: string | undefined;
  userinfoEndpoint: string | undefined;
  issParameterSupported: boolean;
  codeChallengeMethods: string[] | undefined;
};

const MAX_TOKEN_CHARS = 16_384;
const MAX_LIFETIME_S = 10 * 365 * 86_400;

function send(call: HttpCall, options: AuthorizationCallOptions): Promise<ProviderResponse> {
  return sendHttp(call, { timeoutMs: options.timeoutMs, signal: options.signal, egress: options.egress });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** client_secret_basic / client_secret_post (RFC 6749 section 2.3.1), or a public client's bare id. */
function withClientAuth(client: AuthorizationClient, fields: Record<string, string>): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'content-type': FORM };
  const method = client.tokenEndpointAuthMethod ?? 'client_secret_basic';
  if (client.clientSecret && method === 'client_secret_basic') headers.authorization = basicAuthorization({ id: client.clientId, secret: client.clientSecret });
  else {
    fields.client_id = client.clientId;
    if (client.clientSecret) fields.client_secret = client.clientSecret;
  }
  return { headers, body: formBody(fields) };
}

/** A provider's error answer as a stored, shown failure: its OAuth error code, never its raw text. */
function failureOf(response: ProviderResponse, fallback: string, secrets: string[]): AuthorizationFailure {
  const classification = classifyResponse(response, { auth: 'client', secrets });
  if (classification.kind === 'failed' || classification.kind === 'transient') {
    return { kind: 'failed', errorCode: classification.errorCode, errorMessage: sanitizeMessage(classification.errorMessage, secrets) };
  }
  const code = isRecord(response.body) ? sanitizeErrorCode(response.body.error, secrets) : undefined;
  return { kind: 'failed', errorCode: code ?? fallback, errorMessage: `the provider answered ${response.status}` };
}

function networkFailure(error: unknown): AuthorizationFailure {
  const classification = classifyNetworkError(error);
  const code = classification.kind === 'ok' || classification.kind === 'already_revoked' ? 'provider_unavailable' : classification.errorCode;
  return { kind: 'failed', errorCode: code, errorMessage: 'the provider could not be reached' };
}

/**
 * RFC 6749 section 4.1.3: the authorization code and its PKCE verifier (RFC 7636) for tokens.
 * One attempt: a code is single use, and resending it after a timeout would make a careful
 * server revoke what it issued the first time (RFC 6749 section 4.1.2).
 */
export async function exchangeAuthorizationCode(
  request: { tokenEndpoint: string; client: AuthorizationClient; code: string; redirectUri: string; codeVerifier: string },
  options: AuthorizationCallOptions,
): Promise<CodeExchangeOutcome> {
  const secrets = [request.code, request.codeVerifier, ...(request.client.clientSecret ? [request.client.clientSecret] : [])];
  const { headers, body } = withClientAuth(request.client, {
    grant_type: 'authorization_code',
    code: request.code,
    redirect_uri: request.redirectUri,
    code_verifier: request.codeVerifier,
  });
  let response: ProviderResponse;
  try {
    response = await send({ method: 'POST', url: request.tokenEndpoint, headers, body }, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return networkFailure(error);
  }
  const fields = isRecord(response.body) ? response.body : {};
  const access = fields.access_token;
  if (response.status !== 200 || typeof fields.error === 'string') return failureOf(response.status === 200 ? { ...response, status: 400 } : response, 'token_exchange_failed', secrets);
  if (typeof access !== 'string' || access === '' || access.length > MAX_TOKEN_CHARS) {
    return { kind: 'failed', errorCode: 'invalid_token_response', errorMessage: 'the token endpoint answered without a usable access token' };
  }
  const refresh = typeof fields.refresh_token === 'string' && fields.refresh_token !== '' && fields.refresh_token.length <= MAX_TOKEN_CHARS ? fields.refresh_token : undefined;
  const expiresIn = typeof fields.expires_in === 'number' ? fields.expires_in : typeof fields.expires_in === 'string' ? Number(fields.expires_in) : NaN;
  const tokenType = typeof fields.token_type === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(fields.token_type) ? fields.token_type : 'Bearer';
  return {
    kind: 'tokens',
    credential: {
      type: 'oauth2',
      access_token: access,
      ...(refresh ? { refresh_token: refresh } : {}),
      token_type: tokenType,
      ...(Number.isFinite(expiresIn) && expiresIn > 0 && expiresIn < MAX_LIFETIME_S ? { expires_at: new Date(Date.now() + expiresIn * 1000).toISOString() } : {}),
    },
    scope: typeof fields.scope === 'string' && fields.scope.length <= 4096 ? fields.scope : undefined,
  };
}

/**
 * RFC 9126: the authorization request's parameters are sent to the server directly (client
 * authenticated), and the browser only carries the `request_uri` it answers.
 */
export async function pushAuthorizationRequest(
  request: { parEndpoint: string; client: AuthorizationClient; params: Record<string, string> },
  options: AuthorizationCallOptions,
): Promise<{ kind: 'pushed'; requestUri: string } | AuthorizationFailure> {
  const secrets = request.client.clientSecret ? [request.client.clientSecret] : [];
  const { headers, body } = withClientAuth(request.client, { ...request.params });
  let response: ProviderResponse;
  try {
    response = await send({ method: 'POST', url: request.parEndpoint, headers, body }, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return networkFailure(error);
  }
  const requestUri = isRecord(response.body) ? response.body.request_uri : undefined;
  if ((response.status === 201 || response.status === 200) && typeof requestUri === 'string' && requestUri.length > 0 && requestUri.length <= 2048) {
    return { kind: 'pushed', requestUri };
  }
  return failureOf(response.status < 300 ? { ...response, status: 400 } : response, 'par_failed', secrets);
}

/** OIDC Core 5.3: who the access token's user is, by the `sub` the userinfo endpoint answers. */
export async function fetchSubject(request: { userinfoEndpoint: string; accessToken: string }, options: AuthorizationCallOptions): Promise<{ kind: 'subject'; subject: string } | AuthorizationFailure> {
  let response: ProviderResponse;
  try {
    response = await send({ method: 'GET', url: request.userinfoEndpoint, headers: { authorization: `Bearer ${request.accessToken}` } }, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return networkFailure(error);
  }
  const sub = isRecord(response.body) ? response.body.sub : undefined;
  if (response.status === 200 && typeof sub === 'string' && sub.length > 0 && sub.length <= 255) return { kind: 'subject', subject: sub };
  return failureOf(response.status === 200 ? { ...response, status: 400 } : response, 'userinfo_failed', [request.accessToken]);
}

/**
 * RFC 8414 metadata of `issuer` (then OIDC discovery, which most servers publish instead). The
 * document must name the same issuer it was fetched for (RFC 8414 section 3.3), or a server could
 * speak for another one.
 */
export async function discoverServerMetadata(issuer: string, options: AuthorizationCallOptions): Promise<{ kind: 'metadata'; metadata: ServerMetadata } | AuthorizationFailure> {
  const base = new URL(issuer);
  const path = base.pathname.replace(/\/+$/, '');
  const candidates = [`${base.origin}/.well-known/oauth-authorization-server${path}`, `${base.origin}${path}/.well-known/openid-configuration`];
  let last: AuthorizationFailure = { kind: 'failed', errorCode: 'discovery_failed', errorMessage: 'no metadata document was found' };
  for (const url of candidates) {
    let response: ProviderResponse;
    try {
      response = await send({ method: 'GET', url, headers: {} }, options);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      last = networkFailure(error);
      continue;
    }
    if (response.status !== 200) {
      last = { kind: 'failed', errorCode: 'discovery_failed', errorMessage: `the metadata document answered ${response.status}` };
      continue;
    }
    return metadataOf(response.body, issuer);
  }
  return last;
}

function metadataOf(body: unknown, issuer: string): { kind: 'metadata'; metadata: ServerMetadata } | AuthorizationFailure {
  const invalid = (why: string): AuthorizationFailure => ({ kind: 'failed', errorCode: 'invalid_metadata', errorMessage: `the issuer's metadata ${why}` });
  if (!isRecord(body)) return invalid('is not a JSON object');
  if (body.issuer !== issuer) return invalid('names another issuer');
  const url = (key: string): string | undefined | null => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > 2048 || !URL.canParse(value) || /\p{Cc}/u.test(value)) return null;
    const parsed = new URL(value);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password ? value : null;
  };
  const fields = {
    authorization: url('authorization_endpoint'),
    token: url('token_endpoint'),
    revocation: url('revocation_endpoint'),
    par: url('pushed_authorization_request_endpoint'),
    userinfo: url('userinfo_endpoint'),
  };
  for (const [name, value] of Object.entries(fields)) if (value === null) return invalid(`has an unusable ${name} endpoint`);
  if (!fields.authorization || !fields.token) return invalid('names no authorization or token endpoint');
  const methods = Array.isArray(body.code_challenge_methods_supported) ? body.code_challenge_methods_supported.filter((m): m is string => typeof m === 'string') : undefined;
  return {
    kind: 'metadata',
    metadata: {
      issuer,
      authorizationEndpoint: fields.authorization,
      tokenEndpoint: fields.token,
      revocationEndpoint: fields.revocation ?? undefined,
      parEndpoint: fields.par ?? undefined,
      userinfoEndpoint: fields.userinfo ?? undefined,
      issParameterSupported: body.authorization_response_iss_parameter_supported === true,
      codeChallengeMethods: methods,
    },
  };
}
