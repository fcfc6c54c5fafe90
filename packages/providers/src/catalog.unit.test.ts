import { retryDelayMs } from './backoff';
import { ADAPTERS } from './adapters';
import { catalogEntries, isKnownToolkit, providerKeyOf, rateKeysOf, tokenEndpointAuthOf, tokenEndpointOf, toolkitEntry } from './catalog';
import { loadCatalog } from './catalog/load';

describe('catalog', () => {
  test('knows the supported providers and those without revocation', () => {
    for (const slug of ['oauth2', 'google', 'github', 'slack', 'notion', 'dropbox', 'microsoft', 'atlassian']) expect(isKnownToolkit(slug)).toBe(true);
    expect(isKnownToolkit('toString')).toBe(false);
    expect(toolkitEntry('microsoft')?.revocation).toBe('none');
    expect(toolkitEntry('oauth2')?.requiresRevocationEndpoint).toBe(true);
  });

  test('every toolkit of the catalog files is known, with the files\' facts and nothing else', () => {
    const files = [...loadCatalog().values()];
    expect(catalogEntries().map((e) => e.slug)).toEqual(['oauth2', ...files.map((f) => f.slug)]);
    for (const file of files) {
      const entry = toolkitEntry(file.slug);
      expect(entry?.displayName).toBe(file.display_name.value);
      expect(entry?.authSchemes).toEqual(file.auth_schemes.value);
      expect(entry?.revocation).toBe(file.revocation.oauth2?.value.style ?? 'none');
      const revocable = Object.values(entry?.revocations ?? {}).some((r) => r.style !== 'none');
      expect(entry?.rateLimitPerSecond).toBe(revocable ? (file.revocation_ceiling?.value.per_second ?? null) : null);
      expect(entry?.token?.endpoint).toBe(file.oauth2?.token_endpoint.value);
    }
  });

  test('the styles the generic and code adapters serve', () => {
    const served = catalogEntries().filter((e) => e.revocation !== 'none' && ADAPTERS[e.revocation as keyof typeof ADAPTERS] !== undefined);
    expect(served.filter((e) => e.revocation === 'rfc7009').map((e) => e.slug)).toEqual(expect.arrayContaining(['oauth2', 'asana', 'box', 'gitlab', 'okta', 'salesforce', 'xero', 'zoom']));
  });

  test('token endpoints come from the catalog, placeholders filled, movable onto a test base', () => {
    expect(tokenEndpointOf('github', {})).toBe('https://github.com/login/oauth/access_token');
    expect(tokenEndpointOf('github', {}, { github: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9/login/oauth/access_token');
    expect(tokenEndpointOf('github', {}, { github: 'http://127.0.0.1:9', 'github.token': 'http://127.0.0.1:8' })).toBe('http://127.0.0.1:8/login/oauth/access_token');
    expect(tokenEndpointOf('okta', {}, {}, { okta_domain: 'acme.okta.com' })).toBe('https://acme.okta.com/oauth2/v1/token');
    expect(tokenEndpointOf('okta', {}, {}, { okta_domain: 'evil.com/x?' })).toBeUndefined();
    expect(tokenEndpointOf('okta', {})).toBeUndefined();
    // the auth config's values (ClientConfig.parameters), under the request's
    expect(tokenEndpointOf('okta', { parameters: { okta_domain: 'acme.okta.com' } })).toBe('https://acme.okta.com/oauth2/v1/token');
    expect(tokenEndpointOf('zendesk', { parameters: { subdomain: 'acme' } }, {}, { subdomain: 'other' })).toBe('https://other.zendesk.com/oauth/tokens');
    expect(tokenEndpointOf('openai', {})).toBeUndefined();
    expect(tokenEndpointAuthOf('github')).toBe(toolkitEntry('github')?.token?.authMethods[0]);
  });

  test('a per-app ceiling is keyed by slug and client id; generic RFC 7009 by origin and client id', () => {
    expect(providerKeyOf({ toolkit: 'github', client: { clientId: 'Iv1.abc' } })).toBe('github:Iv1.abc');
    expect(providerKeyOf({ toolkit: 'github', client: {} })).toBe('github');
    expect(providerKeyOf({ toolkit: 'oauth2', client: { clientId: 'app', revocationEndpoint: 'https://idp.example.com:8443/oauth/revoke' } })).toBe('oauth2:https://idp.example.com:8443:app');
    expect(providerKeyOf({ toolkit: 'oauth2', client: { revocationEndpoint: 'https://idp.example.com:8443/oauth/revoke' } })).toBe('oauth2:https://idp.example.com:8443');
    expect(providerKeyOf({ toolkit: 'acme', client: { revocationEndpoint: 'https://acme.test/revoke' } })).toBe('oauth2:https://acme.test');
    expect(providerKeyOf({ toolkit: 'oauth2', client: {} })).toBe('oauth2');
  });

  test('the keys an override may name run from the app to the whole provider', () => {
    expect(rateKeysOf({ toolkit: 'slack', client: { clientId: '123.456' } })).toEqual(['slack:123.456', 'slack']);
    expect(rateKeysOf({ toolkit: 'acme', client: { clientId: 'c', revocationEndpoint: 'https://acme.test/revoke' } })).toEqual(['oauth2:https://acme.test:c', 'oauth2:https://acme.test', 'acme', 'oauth2']);
  });

  test('every entry names what its ceiling applies to and where that comes from', () => {
    for (const entry of catalogEntries()) {
      expect(['app', 'provider']).toContain(entry.rateLimitPer);
      expect(entry.rateLimitSource.length).toBeGreaterThan(5);
      if (['github', 'slack', 'notion', 'dropbox'].includes(entry.slug)) expect(entry.rateLimitSource).toMatch(/^https:\/\//);
    }
  });
});

describe('retryDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
  test('grows exponentially with jitter in [half, full], capped', () => {
    expect(retryDelayMs(1, null, policy, () => 0)).toBe(50);
    expect(retryDelayMs(1, null, policy, () => 1)).toBe(100);
    expect(retryDelayMs(3, null, policy, () => 1)).toBe(400);
    expect(retryDelayMs(10, null, policy, () => 1)).toBe(1000);
  });
  test('honours Retry-After, capped by maxDelayMs', () => {
    expect(retryDelayMs(1, 700, policy)).toBe(700);
    expect(retryDelayMs(1, 60_000, policy)).toBe(1000);
  });
});
