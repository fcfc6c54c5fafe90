import { ADAPTERS, type AdapterContext, type AdapterResult, type CallOutcome, type ProviderCall } from './adapters';
import { retryDelayMs } from './backoff';
import { catalogEntryFor, providerKeyOf } from './catalog';
import { classifyNetworkError, classifyResponse, type Classification } from './classify';
import { sendHttp } from './http';
import { sanitizeMessage } from './sanitize';
import { abortReason, sleep as defaultSleep } from './sleep';
import type { ProviderCatalogEntry, RevokeRequest, RevokeResult, Revoker, RevokerOptions } from './types';

const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 6, maxDelayMs: 30_000, budgetMs: 120_000, baseDelayMs: 250 };
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

type Settings = { timeoutMs: number; maxAttempts: number; maxDelayMs: number; budgetMs: number };

/**
 * Revokes one credential at its provider. Provider answers become a RevokeResult; only an
 * abort (`signal`) or a failing rate limiter throws. Transient failures are retried here, under
 * the rate limiter, until the attempt count or the time budget runs out.
 */
export function createRevoker(options: RevokerOptions = {}): Revoker {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULTS.maxAttempts),
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    budgetMs: options.retry?.budgetMs ?? DEFAULTS.budgetMs,
  };
  const sleep = options.sleep ?? defaultSleep;

  async function revoke(req: RevokeRequest, signal?: AbortSignal): Promise<RevokeResult> {
    if (req.authScheme === 'api_key') return unsupported('an API key has no revocation endpoint at the provider; the credential is destroyed locally only');
    if (req.credential.type !== 'oauth2') return { outcome: 'failed', errorCode: 'credential_mismatch', errorMessage: 'the auth config is OAuth 2.0 but the stored credential is not', providerWide: false, attempts: 0 };
    const entry = catalogEntryFor(req.toolkit, req.client);
    if (!entry) return unsupported('no revocation is known for this toolkit and its auth config names no revocation endpoint; the credential is destroyed locally only');
    if (entry.revocation === 'none') return unsupported(entry.unsupportedReason ?? `${entry.displayName} has no token revocation; the credential is destroyed locally only`);

    const baseUrl = resolveBaseUrl(entry, req, options.baseUrls);
    if (typeof baseUrl !== 'string') return { ...baseUrl, attempts: 0 };

    const credential = req.credential;
    const secrets = [credential.access_token, credential.refresh_token, req.client.clientSecret].filter((s): s is string => !!s);
    const providerKey = providerKeyOf(req);
    const ceiling = options.ceilings?.[providerKey] ?? options.ceilings?.[req.toolkit] ?? options.ceilings?.[entry.slug] ?? entry.rateLimitPerSecond;
    const startedAt = Date.now();
    let attempts = 0;

    // One logical call: rate-limited, classified, retried while transient and within budget.
    async function send(call: ProviderCall): Promise<CallOutcome> {
      for (let attempt = 1; ; attempt += 1) {
        if (signal?.aborted) throw abortReason(signal);
        // a ceiling of 0 (set by configuration) means none
        if (options.rateLimiter && ceiling !== null && ceiling > 0) await options.rateLimiter.acquire(providerKey, ceiling, signal);
        attempts += 1;
        let classification: Classification;
        try {
          const response = await sendHttp(call, settings.timeoutMs, signal);
          classification = classifyResponse(response, { ...call.classify, secrets });
        } catch (error) {
          if (signal?.aborted) throw abortReason(signal);
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
      baseUrl,
      client: req.client,
      credential,
      ...(entry.tokenEndpointPath ? { tokenEndpointPath: entry.tokenEndpointPath } : {}),
      send,
      protect: (secret) => secrets.push(secret),
      now: () => Date.now(),
    };
    const result = await ADAPTERS[entry.revocation](context);
    return toRevokeResult(result, attempts, secrets);
  }

  return { revoke };
}

function unsupported(reason: string): RevokeResult {
  return { outcome: 'unsupported_by_provider', reason, attempts: 0 };
}

function toRevokeResult(result: AdapterResult, attempts: number, secrets: readonly string[]): RevokeResult {
  if (result.outcome !== 'failed') return { ...result, attempts };
  return { outcome: 'failed', errorCode: result.errorCode, errorMessage: sanitizeMessage(result.errorMessage, secrets), providerWide: result.providerWide, attempts };
}

type ConfigFailure = Extract<AdapterResult, { outcome: 'failed' }>;

/** Where the adapter sends its calls; a problem here is the auth config's, shared by all its connections. */
function resolveBaseUrl(entry: ProviderCatalogEntry, req: RevokeRequest, baseUrls: RevokerOptions['baseUrls']): string | ConfigFailure {
  if (entry.requiresRevocationEndpoint) {
    const endpoint = req.client.revocationEndpoint;
    if (!endpoint) return configFailure('missing_revocation_endpoint', 'the auth config names no revocation_endpoint');
    if (!URL.canParse(endpoint)) return configFailure('invalid_revocation_endpoint', 'the auth config revocation_endpoint is not a URL');
    const url = new URL(endpoint);
    // client secrets travel in the request: plain http only to this machine (local test servers)
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    if (!secure || url.username || url.password) return configFailure('invalid_revocation_endpoint', 'the auth config revocation_endpoint must be an https URL without credentials');
    return url.toString();
  }
  const base = baseUrls?.[entry.slug] ?? entry.defaultBaseUrl;
  if (!base) return configFailure('missing_base_url', `no base URL is configured for ${entry.displayName}`);
  return base.replace(/\/+$/, '');
}

function configFailure(errorCode: string, errorMessage: string): ConfigFailure {
  return { outcome: 'failed', errorCode, errorMessage, providerWide: true };
}
