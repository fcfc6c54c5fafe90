import { retryDelayMs } from './backoff';
import { PROVIDER_CATALOG, isKnownToolkit, providerKeyOf } from './catalog';

describe('catalog', () => {
  test('knows the supported providers and those without revocation', () => {
    for (const slug of ['oauth2', 'google', 'github', 'slack', 'notion', 'dropbox', 'microsoft', 'atlassian']) expect(isKnownToolkit(slug)).toBe(true);
    expect(isKnownToolkit('toString')).toBe(false);
    expect(PROVIDER_CATALOG.microsoft?.revocation).toBe('none');
    expect(PROVIDER_CATALOG.oauth2?.requiresRevocationEndpoint).toBe(true);
  });

  test('the rate-limit key is the slug, or the revocation endpoint origin for generic RFC 7009', () => {
    expect(providerKeyOf({ toolkit: 'github', client: {} })).toBe('github');
    expect(providerKeyOf({ toolkit: 'oauth2', client: { revocationEndpoint: 'https://idp.example.com:8443/oauth/revoke' } })).toBe('oauth2:https://idp.example.com:8443');
    expect(providerKeyOf({ toolkit: 'acme', client: { revocationEndpoint: 'https://acme.test/revoke' } })).toBe('oauth2:https://acme.test');
    expect(providerKeyOf({ toolkit: 'oauth2', client: {} })).toBe('oauth2');
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
