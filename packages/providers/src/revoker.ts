import { ADAPTERS, API_KEY_ADAPTERS, type AdapterContext, type AdapterResult, type CallOutcome, type ProviderCall } from './adapters';
import { retryDelayMs } from './backoff';
import { catalogEntryFor, rateKeysOf, tokenEndpointAuthOf, tokenEndpointOf, toolkitEntry, valuesOf, type ProviderCatalogEntry, type SupportedRevocation } from './catalog';
import { fillEndpoint } from './catalog/endpoints';
import { classifyNetworkError, classifyResponse, type Classification } from './classify';
import { cachingResolver, EgressDeniedError, egressRefusalOf, systemResolver } from './egress';
import { sendHttp } from './http';
import { isSafeErrorCode, sanitizeMessage } from './sanitize';
import { abortReason, sleep as defaultSleep } from './sleep';
import type { ApiKeyCredential, OAuthCredential, RevokeRequest, RevokeResult, Revoker, RevokerOptions, SlotTicket, TokenKind } from './types';

const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 6, maxDelayMs: 30_000, budgetMs: 120_000, baseDelayMs: 250 };
// how long a proof that an app's client credentials are valid is trusted (see adapters/github.ts)
const CLIENT_PROOF_TTL_MS = 10 * 60_000;

type Settings = { timeoutMs: number; maxAttempts: number; maxDelayMs: number; budgetMs: number };

/**
 * Revokes one credential at its provider. Whatever a provider answers becomes a RevokeResult
 * whose strings are safe to store (no NUL or other controls, well-formed, short, no secret);
 * only an abort (`signal`) or a failing rate limiter throws. Transient failures are retried
 * here, under the rate limiter, until the attempt count or the time budget runs out, so a
 * call takes at most the budget plus one timeout per provider call (at most four), plus time
 * waiting for rate-limit slots.
 */
export function createRevoker(options: RevokerOptions = {}): Revoker {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULTS.maxAttempts),
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    budgetMs: options.retry?.budgetMs ?? DEFAULTS.budgetMs,
  };
  const sleep = options.sleep ?? defaultSleep;
  const provenClients = new Map<string, number>();
  const resolver = cachingResolver(options.resolver ?? systemResolver);

  /**
   * An API key: revoked upstream only where the catalog names a call (SendGrid's key deletes
   * itself), with the values of its endpoint taken from the key; else unsupported with the
   * catalog's reason.
   */
  async function revokeApiKey(req: RevokeRequest, signal?: AbortSignal): Promise<RevokeResult> {
    if (req.credential.type !== 'api_key') return { outcome: 'failed', errorCode: 'credential_mismatch', errorMessage: 'the auth config is for API keys but the stored credential is not one', providerWide: false, attempts: 0 };
    const entry = toolkitEntry(req.toolkit);
    const revocation = entry?.revocations.api_key;
    if (!entry || !revocation) return unsupported('an API key has no revocation endpoint at the provider; the credential is destroyed locally only');
    if (revocation.style === 'none') return unsupported(revocation.reason);
    const adapter = API_KEY_ADAPTERS[revocation.style];
    if (!adapter) return { ...configFailure('revocation_not_implemented', `revoking API keys at ${entry.displayName} (${revocation.style}) is not implemented yet; the credential is kept`), attempts: 0 };
    const fromKey = adapter.parameters(req.credential.api_key);
    if (!fromKey) return { outcome: 'failed', errorCode: 'unrecognised_api_key', errorMessage: `the key is not in ${entry.displayName}'s documented format, so its id (needed to delete it) is unknown; the credential is kept`, providerWide: false, attempts: 0 };
    return run({ ...req, parameters: { ...req.parameters, ...fromKey } }, entry, revocation, (ctx) => adapter.revoke(ctx as unknown as AdapterContext<ApiKeyCredential>), signal);
  }

  async function revoke(req: RevokeRequest, signal?: AbortSignal): Promise<RevokeResult> {
    if (req.authScheme === 'api_key') return revokeApiKey(req, signal);
    if (req.credential.type !== 'oauth2') return { outcome: 'failed', errorCode: 'credential_mismatch', errorMessage: 'the auth config is OAuth 2.0 but the stored credential is not', providerWide: false, attempts: 0 };
    const entry = catalogEntryFor(req.toolkit, req.client);
    if (!entry) return unsupported('no revocation is known for this toolkit and its auth config names no revocation endpoint; the credential is destroyed locally only');
    const revocation = entry.revocations.oauth2;
    if (!revocation) return { outcome: 'failed', errorCode: 'auth_scheme_mismatch', errorMessage: `${entry.displayName} does not use OAuth 2.0`, providerWide: true, attempts: 0 };
    if (revocation.style === 'none') return unsupported(revocation.reason);
    const adapter = ADAPTERS[revocation.style];
    // the catalog knows how, but no code does it yet: a truthful failure, never a guess
    if (!adapter) return { ...configFailure('revocation_not_implemented', `revoking at ${entry.displayName} (${revocation.style}) is not implemented yet; the credential is kept`), attempts: 0 };
    return run(req, entry, revocation, adapter, signal);
  }

  /** One revocation's calls: URLs resolved, rate-limited, retried, classified with the entry's vocabulary. */
  async function run(req: RevokeRequest, entry: ProviderCatalogEntry, revocation: SupportedRevocation, adapter: (ctx: AdapterContext) => Promise<AdapterResult>, signal?: AbortSignal): Promise<RevokeResult> {

    const revocationUrl = resolveRevocationUrl(entry, revocation, req, options);
    if (typeof revocationUrl !== 'string') return { ...revocationUrl, attempts: 0 };
    // the call that confirms a revocation (Zendesk), on the same tenant and base as the revocation
    const confirmUrl = revocation.confirm ? resolveCatalogUrl(entry, revocation.confirm.endpoint, req, options) : undefined;
    if (confirmUrl !== undefined && typeof confirmUrl !== 'string') return { ...confirmUrl, attempts: 0 };
    const vocabulary = entry.vocabulary;
    const tokenUrl = tokenEndpointOf(entry.slug, req.client, options.baseUrls, req.parameters);

    // an API key's context carries it in place of the OAuth credential (see revokeApiKey)
    const credential = req.credential as OAuthCredential;
    const secrets = (req.credential.type === 'api_key' ? [req.credential.api_key, req.client.clientSecret] : [req.credential.access_token, req.credential.refresh_token, req.client.clientSecret]).filter((s): s is string => !!s);
    const rateKeys = rateKeysOf(req);
    const providerKey = rateKeys[0] as string;
    const ceiling = ceilingOf(rateKeys, options.ceilings, entry.rateLimitPerSecond);
    const startedAt = Date.now();
    let attempts = 0;
    // an error of ours (the limiter's database): the caller retries it, it is no provider's answer
    let infrastructureError: { error: unknown } | undefined;

    // One logical call: rate-limited, classified, retried while transient and within budget.
    async function send(call: ProviderCall): Promise<CallOutcome> {
      for (let attempt = 1; ; attempt += 1) {
        if (signal?.aborted) throw abortReason(signal);
        // a ceiling of 0 (set by configuration) means none
        let ticket: SlotTicket | void = undefined;
        if (options.rateLimiter && ceiling !== null && ceiling > 0) {
          try {
            ticket = await options.rateLimiter.acquire(providerKey, ceiling, signal, req.share);
          } catch (error) {
            infrastructureError = { error };
            throw error;
          }
        }
        if (req.beforeSend && (await req.beforeSend(attempts)) === 'stop') {
          return { kind: 'failed', errorCode: 'paused', errorMessage: 'provider calls were paused and the job was stopped before this request was sent', providerWide: false };
        }
        attempts += 1;
        let classification: Classification;
        try {
          const response = await sendHttp(call, { timeoutMs: settings.timeoutMs, signal, egress: options.egress, resolver });
          ticket?.answered();
          classification = classifyResponse(response, { ...call.classify, secrets, vocabulary });
        } catch (error) {
          if (signal?.aborted) throw abortReason(signal);
          // refused before anything was sent: not an attempt
          if (error instanceof EgressDeniedError) attempts -= 1;
          classification = classifyNetworkError(error);
        }
        if (classification.kind !== 'transient') return classification;
        const delay = retryDelayMs(attempt, classification.retryAfterMs, { baseDelayMs: DEFAULTS.baseDelayMs, maxDelayMs: settings.maxDelayMs });
        if (attempt >= settings.maxAttempts || Date.now() - startedAt + delay > settings.budgetMs) {
          return { kind: 'failed', errorCode: classification.errorCode, errorMessage: sanitizeMessage(`${classification.errorMessage}; gave up after ${attempt} attempts`, secrets), providerWide: false };
        }
        await sleep(delay, signal);
      }
    }

    const context: AdapterContext = {
      entry,
      revocation,
      revocationUrl,
      ...(confirmUrl ? { confirmUrl } : {}),
      client: req.client,
      credential,
      parameters: req.parameters ?? {},
      ...(tokenUrl ? { tokenUrl } : {}),
      tokenAuth: tokenEndpointAuthOf(entry.slug) ?? 'client_secret_basic',
      send,
      protect: (secret) => secrets.push(secret),
      rotated: async (fresh: OAuthCredential) => {
        await req.onRotated?.(fresh);
      },
      clientProof: {
        isProven: (clientId) => (provenClients.get(clientId) ?? 0) > Date.now(),
        prove: (clientId) => void provenClients.set(clientId, Date.now() + CLIENT_PROOF_TTL_MS),
      },
      now: () => Date.now(),
    };
    let result: AdapterResult;
    try {
      result = await adapter(context);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (infrastructureError?.error === error) throw error;
      // a bug of ours meeting an answer nobody foresaw: recorded, never a wedged page
      result = { outcome: 'failed', errorCode: 'internal_error', errorMessage: 'the provider answer could not be processed', providerWide: false };
    }
    return recordable(result, attempts, secrets);
  }

  return { revoke };
}

function unsupported(reason: string): RevokeResult {
  return { outcome: 'unsupported_by_provider', reason: sanitizeMessage(reason), attempts: 0 };
}

function ceilingOf(keys: readonly string[], overrides: RevokerOptions['ceilings'], fallback: number | null): number | null {
  for (const key of keys) {
    const value = overrides?.[key];
    if (value !== undefined) return value;
  }
  return fallback;
}

const TOKEN_KINDS: ReadonlySet<string> = new Set<TokenKind>(['access', 'refresh', 'api_key']);

/** The last line of defence: every string of a result is safe to store, whatever produced it. */
function recordable(result: AdapterResult, attempts: number, secrets: readonly string[]): RevokeResult {
  if (result.outcome === 'unsupported_by_provider') return { outcome: 'unsupported_by_provider', reason: sanitizeMessage(result.reason, secrets), attempts: 0 };
  if (result.outcome !== 'failed') return { outcome: result.outcome, revokedTokens: result.revokedTokens.filter((t) => TOKEN_KINDS.has(t)), attempts };
  return {
    outcome: 'failed',
    errorCode: isSafeErrorCode(result.errorCode) && !secrets.some((s) => result.errorCode.includes(s)) ? result.errorCode : 'provider_error',
    errorMessage: sanitizeMessage(result.errorMessage, secrets),
    providerWide: result.providerWide,
    attempts,
  };
}

type ConfigFailure = Extract<AdapterResult, { outcome: 'failed' }>;

/**
 * Where the revoke call goes: the auth config's revocation_endpoint for the `oauth2` toolkit,
 * else the catalog's endpoint with its placeholders filled (the auth config's and connected
 * account's values, the client id), moved onto `baseUrls[slug]` when set. A problem here is the
 * auth config's, shared by all its connections.
 */
function resolveRevocationUrl(entry: ProviderCatalogEntry, revocation: SupportedRevocation, req: RevokeRequest, options: RevokerOptions): string | ConfigFailure {
  let url: URL;
  if (entry.requiresRevocationEndpoint) {
    const endpoint = req.client.revocationEndpoint;
    if (!endpoint) return configFailure('missing_revocation_endpoint', 'the auth config names no revocation_endpoint');
    if (!URL.canParse(endpoint)) return configFailure('invalid_revocation_endpoint', 'the auth config revocation_endpoint is not a URL');
    url = new URL(endpoint);
  } else {
    return resolveCatalogUrl(entry, revocation.endpoint, req, options);
  }
  // checked again on the resolved address at every call; this catches what needs no DNS
  const refusal = egressRefusalOf(url, options.egress);
  if (refusal) return configFailure('egress_denied', `egress policy refused the revocation endpoint: ${refusal}`);
  return url.toString();
}

/** A catalog endpoint of the entry, its placeholders filled, moved onto `baseUrls[slug]`, egress-checked. */
function resolveCatalogUrl(entry: ProviderCatalogEntry, template: string, req: RevokeRequest, options: RevokerOptions): string | ConfigFailure {
  const filled = fillEndpoint(template, valuesOf(req.client, req.parameters), options.baseUrls?.[entry.slug]);
  if (!filled.ok && filled.name === 'client_id') return configFailure('missing_client_credentials', 'the auth config has no client id, which this provider requires to revoke');
  if (!filled.ok) return configFailure(filled.problem === 'missing' ? 'missing_parameter' : 'invalid_parameter', `the revocation endpoint of ${entry.displayName}: ${filled.message}`);
  const url = new URL(filled.url);
  const refusal = egressRefusalOf(url, options.egress);
  if (refusal) return configFailure('egress_denied', `egress policy refused the revocation endpoint: ${refusal}`);
  return url.href;
}

function configFailure(errorCode: string, errorMessage: string): ConfigFailure {
  return { outcome: 'failed', errorCode, errorMessage, providerWide: true };
}
