import { retryDelayMs } from './backoff';
import { PROVIDER_CATALOG, isKnownToolkit, providerKeyOf, rateKeysOf } from './catalog';

describe('catalog', () => {
  test('knows the supported providers and those without revocation', () => {
    for (const slug of ['oauth2', 'google', 'github', 'slack', 'notion', 'dropbox', 'microsoft', 'atlassian']) expect(isKnownToolkit(slug)).toBe(true);
    expect(isKnownToolkit('toString')).toBe(false);
    expect(PROVIDER_CATALOG.microsoft?.revocation).toBe('none');
    expect(PROVIDER_CATALOG.oauth2?.requiresRevocationEndpoint).toBe(true);
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
    for (const entry of Object.values(PROVIDER_CATALOG)) {
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
