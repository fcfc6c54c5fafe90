/**
 * The adapters of the catalog providers that depart from RFC 7009, against the dev stack's
 * provider server taught each one's documented answers (packages/devstack/src/provider-server/
 * catalog-vendor-routes.ts, from packages/providers/catalog/<slug>.json): success, dead token,
 * bad client, rate limit and quirks, each checked at the provider (which tokens are still live),
 * never only in our result. A change in classification fails here.
 */
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { catalogEntries, toolkitEntry } from './catalog';
import { createRevoker } from './revoker';
import type { OAuthCredential, RevokeRequest } from './types';

const CLIENT = { clientId: 'vendor-app', clientSecret: 'vendor-secret-0123' };
const PAST = new Date(Date.now() - 3_600_000).toISOString();
let server: ProviderServer;
beforeAll(async () => {
  server = await createProviderServer({ clients: [CLIENT] });
});
afterAll(async () => server.close());
afterEach(() => server.setFaults({}));

/** Per-tenant values the catalog asks for, any valid ones (the test server stands in for every host). */
const TENANT: Record<string, Record<string, string>> = { zendesk: { subdomain: 'acme' }, shopify: { shop: 'acme' }, zoho: { accounts_domain: 'accounts.zoho.eu' }, salesforce: { instance: 'login' } };

const revoker = (slug: string) => createRevoker({ baseUrls: { [slug]: server.url }, egress: { allowInsecureLoopback: true }, retry: { maxAttempts: 2, maxDelayMs: 10 } });

function request(slug: string, credential: Omit<OAuthCredential, 'type'>, options: { client?: RevokeRequest['client']; parameters?: Record<string, string>; rotated?: OAuthCredential[] } = {}): RevokeRequest {
  return {
    toolkit: slug,
    authScheme: 'oauth2',
    client: { ...(options.client ?? CLIENT), ...(TENANT[slug] ? { parameters: TENANT[slug] } : {}) },
    credential: { type: 'oauth2', ...credential },
    ...(options.parameters ? { parameters: options.parameters } : {}),
    onRotated: async (c) => void options.rotated?.push(c),
  };
}

const live = (...tokens: string[]) => server.check(tokens).active;

test('every departing style of the catalog has its model here (and Salesforce, RFC 7009 with a 400 for a dead token)', () => {
  const departing = catalogEntries().filter((e) => !['rfc7009', 'google', 'github', 'slack', 'notion', 'dropbox', 'none'].includes(e.revocations.oauth2?.style ?? 'none'));
  expect(departing.map((e) => e.slug).sort()).toEqual(['linear', 'miro', 'quickbooks', 'shopify', 'strava', 'stripe-connect', 'zendesk', 'zoho']);
});

// Providers whose revocation takes the access token (as its authentication or in the body), so
// a dead access token proves nothing while a refresh token lives: the refresh token decides.
describe.each([
  ['linear', 'the grant'],
  ['strava', 'the grant'],
  ['shopify', 'the installation'],
  ['miro', 'the grant'],
])('%s (revoking the access token ends %s)', (slug) => {
  test('success: revoked; no token of the grant is live at the provider', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker(slug).revoke(request(slug, { ...pair! }));
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(0);
  });

  test('an expired access token: refreshed, the new pair stored, then revoked; nothing is left live', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    const result = await revoker(slug).revoke(request(slug, { ...pair!, expires_at: PAST }, { rotated }));
    expect(result).toMatchObject({ outcome: 'revoked', attempts: 2 });
    expect(rotated).toHaveLength(1);
    expect(live(pair!.access_token, pair!.refresh_token, rotated[0]!.access_token, rotated[0]!.refresh_token as string)).toBe(0);
  });

  test('a refused access token with a live refresh token is not dead: refreshed and revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    // no expiry on record: the provider's dead-token answer leads to the refresh
    const result = await revoker(slug).revoke(request(slug, { ...pair! }, { rotated }));
    expect(result).toMatchObject({ outcome: 'revoked' });
    expect(live(rotated[0]!.access_token, rotated[0]!.refresh_token as string)).toBe(0);
  });

  test('dead token: a grant revoked earlier is already_revoked (the refresh token is refused too)', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker(slug).revoke(request(slug, { ...pair! }));
    expect(await revoker(slug).revoke(request(slug, { ...pair! }))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 2 });
  });

  test('bad client: the refresh a dead-looking token needs is refused for the app; failed for the whole app, tokens left live', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const result = await revoker(slug).revoke(request(slug, { ...pair!, expires_at: PAST }, { client: { ...CLIENT, clientSecret: 'wrong-secret' } }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(live(pair!.refresh_token)).toBe(1);
  });

  test('rate limited (its own shape): failed rate_limited after the retries, nothing revoked', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker(slug).revoke(request(slug, { ...pair! }))).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', attempts: 2 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(2);
  });
});

describe('miro', () => {
  test("bad client on the revoke call itself (Miro's body carries the client secret): failed for the whole app", async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('miro').revoke(request('miro', { access_token: pair!.access_token }, { client: { ...CLIENT, clientSecret: 'wrong-secret' } }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(live(pair!.access_token)).toBe(1);
  });
});

describe('zendesk (a 204 does not prove it: confirmed with a call made with the token)', () => {
  test('success: 204, then the token is refused: revoked (the access token; Zendesk revokes one token)', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('zendesk').revoke(request('zendesk', { access_token: pair!.access_token }));
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 2 });
    expect(live(pair!.access_token)).toBe(0);
  });

  test('the quirk: 204 while the token keeps working is revocation_not_confirmed, never revoked', async () => {
    server.setFaults({ zendeskRevokeIgnored: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('zendesk').revoke(request('zendesk', { access_token: pair!.access_token }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'revocation_not_confirmed', providerWide: false });
    expect(live(pair!.access_token)).toBe(1);
  });

  test('dead token (401 invalid_token), no refresh token: already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('zendesk').revoke(request('zendesk', { access_token: pair!.access_token }));
    expect(await revoker('zendesk').revoke(request('zendesk', { access_token: pair!.access_token }))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });

  test('an expired token with a refresh token: refreshed, revoked and confirmed', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    const result = await revoker('zendesk').revoke(request('zendesk', { ...pair!, expires_at: PAST }, { rotated }));
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 3 });
    expect(live(pair!.refresh_token, rotated[0]!.access_token)).toBe(0);
  });

  test('bad client at the refresh: failed for the whole app', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const result = await revoker('zendesk').revoke(request('zendesk', { ...pair!, expires_at: PAST }, { client: { ...CLIENT, clientSecret: 'wrong-secret' } }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
  });

  test('rate limited: failed rate_limited, the token still live', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('zendesk').revoke(request('zendesk', { access_token: pair!.access_token }))).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited' });
    expect(live(pair!.access_token)).toBe(1);
  });

  test('without the subdomain nothing is sent: missing_parameter for the auth config', async () => {
    const result = await revoker('zendesk').revoke({ toolkit: 'zendesk', authScheme: 'oauth2', client: CLIENT, credential: { type: 'oauth2', access_token: 'a' } });
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'missing_parameter', providerWide: true, attempts: 0 });
  });
});

describe('quickbooks (intuit: JSON body, Basic client auth)', () => {
  test('success: the refresh token is sent and the grant ends', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('quickbooks').revoke(request('quickbooks', { ...pair! }))).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(0);
  });

  test('dead token (400 invalid_grant): already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('quickbooks').revoke(request('quickbooks', { ...pair! }));
    expect(await revoker('quickbooks').revoke(request('quickbooks', { ...pair! }))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });

  test('bad client (401 invalid_client): failed for the whole app, tokens live', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('quickbooks').revoke(request('quickbooks', { ...pair! }, { client: { ...CLIENT, clientSecret: 'wrong-secret' } }))).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(live(pair!.refresh_token)).toBe(1);
  });

  test('rate limited (429, no body): failed rate_limited', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('quickbooks').revoke(request('quickbooks', { ...pair! }))).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited' });
    expect(live(pair!.refresh_token)).toBe(1);
  });
});

describe('zoho (the refresh token in the query string)', () => {
  test('success: the grant ends', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('zoho').revoke(request('zoho', { ...pair! }))).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(0);
  });

  test('dead token (400 invalid_token): already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('zoho').revoke(request('zoho', { ...pair! }));
    expect(await revoker('zoho').revoke(request('zoho', { ...pair! }))).toMatchObject({ outcome: 'already_revoked' });
  });

  test('rate limited as a 400 "Access Denied": transient, failed rate_limited; the token in the URL appears nowhere in the result', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('zoho').revoke(request('zoho', { ...pair! }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', attempts: 2 });
    expect(JSON.stringify(result)).not.toContain(pair!.refresh_token);
    expect(live(pair!.refresh_token)).toBe(1);
  });

  test('no refresh token: unsupported_by_provider (Zoho revokes refresh tokens only)', async () => {
    expect(await revoker('zoho').revoke(request('zoho', { access_token: 'only-access' }))).toMatchObject({ outcome: 'unsupported_by_provider' });
  });
});

describe('stripe-connect (deauthorize by connected account, the platform key authenticates)', () => {
  const account = (accessToken: string) => ({ stripe_user_id: `acct_${accessToken}` });

  test('success: the account is disconnected; every token of it is dead', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token) }))).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 1 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(0);
  });

  test('the quirk: an account no longer connected answers invalid_client "is not connected": already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token) }));
    const again = await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token) }));
    expect(again).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });

  test('bad client: a wrong platform key, or a client id Stripe does not know (also invalid_client), fails the whole app', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const wrongKey = await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token), client: { ...CLIENT, clientSecret: 'sk_wrong' } }));
    expect(wrongKey).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    const wrongId = await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token), client: { ...CLIENT, clientId: 'ca_unknown' } }));
    expect(wrongId).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(live(pair!.access_token)).toBe(1);
  });

  test('rate limited: failed rate_limited', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }, { parameters: account(pair!.access_token) }))).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited' });
    expect(live(pair!.access_token)).toBe(1);
  });

  test('without the connected account id nothing is sent: failed missing_parameter for this connection only', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('stripe-connect').revoke(request('stripe-connect', { ...pair! }))).toMatchObject({ outcome: 'failed', errorCode: 'missing_parameter', providerWide: false, attempts: 0 });
  });
});

describe('salesforce (RFC 7009, but a dead token is a 400)', () => {
  test('success: the refresh token ends the grant', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('salesforce').revoke(request('salesforce', { ...pair! }))).toMatchObject({ outcome: 'revoked' });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(0);
  });

  test('dead token (400 invalid_token): already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('salesforce').revoke(request('salesforce', { ...pair! }));
    expect(await revoker('salesforce').revoke(request('salesforce', { ...pair! }))).toMatchObject({ outcome: 'already_revoked' });
  });

  test('request limit (403 REQUEST_LIMIT_EXCEEDED in its array body): rate limited and retried, never revoked or dead; the tokens live', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('salesforce').revoke(request('salesforce', { ...pair! }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', attempts: 2 });
    expect(live(pair!.access_token, pair!.refresh_token)).toBe(2);
  });

  test('its catalog entry is served by the generic adapter', () => {
    expect(toolkitEntry('salesforce')?.revocation).toBe('rfc7009');
  });
});

describe('sendgrid (an API key that deletes itself)', () => {
  const keyOf = (accessToken: string) => `SG.${accessToken}.key-secret-part`;
  const apiKeyRequest = (apiKey: string): RevokeRequest => ({ toolkit: 'sendgrid', authScheme: 'api_key', client: {}, credential: { type: 'api_key', api_key: apiKey } });

  test('success: 204, the key is gone at the provider', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('sendgrid').revoke(apiKeyRequest(keyOf(pair!.access_token)))).toEqual({ outcome: 'revoked', revokedTokens: ['api_key'], attempts: 1 });
    expect(live(pair!.access_token)).toBe(0);
  });

  test('dead key (401 authorization required): already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    await revoker('sendgrid').revoke(apiKeyRequest(keyOf(pair!.access_token)));
    expect(await revoker('sendgrid').revoke(apiKeyRequest(keyOf(pair!.access_token)))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 1 });
  });

  test('the quirk: a key without the api_keys permission answers 403: failed, never revoked or dead; the key lives', async () => {
    server.setFaults({ sendgridKeyLacksPermission: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('sendgrid').revoke(apiKeyRequest(keyOf(pair!.access_token)));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'http_403', providerWide: false });
    expect(live(pair!.access_token)).toBe(1);
  });

  test('rate limited: failed rate_limited, the key lives; the key appears nowhere in the result', async () => {
    server.setFaults({ vendorRateLimited: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('sendgrid').revoke(apiKeyRequest(keyOf(pair!.access_token)));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'rate_limited', attempts: 2 });
    expect(JSON.stringify(result)).not.toContain(pair!.access_token);
    expect(live(pair!.access_token)).toBe(1);
  });

  test('a key not in the SG.<id>.<secret> form: failed unrecognised_api_key, nothing sent', async () => {
    expect(await revoker('sendgrid').revoke(apiKeyRequest('not-a-sendgrid-key'))).toMatchObject({ outcome: 'failed', errorCode: 'unrecognised_api_key', attempts: 0 });
  });

  test('an API-key toolkit that cannot revoke says why, from its catalog entry', async () => {
    const openai = toolkitEntry('openai')?.revocations.api_key;
    const result = await revoker('openai').revoke({ toolkit: 'openai', authScheme: 'api_key', client: {}, credential: { type: 'api_key', api_key: 'sk-test' } });
    expect(result).toEqual({ outcome: 'unsupported_by_provider', reason: openai?.style === 'none' ? openai.reason : '', attempts: 0 });
  });
});
