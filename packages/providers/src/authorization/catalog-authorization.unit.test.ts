import { catalogAuthorizationOf } from './catalog-authorization';

describe('catalogAuthorizationOf', () => {
  test('a catalog toolkit carries its authorization endpoint, scope separator and PKCE fact', () => {
    expect(catalogAuthorizationOf('google')).toEqual({ authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth', scopeSeparator: ' ', defaultScopes: [], pkce: 'supported' });
    expect(catalogAuthorizationOf('slack')).toMatchObject({ authorizationEndpoint: 'https://slack.com/oauth/v2/authorize', scopeSeparator: ',' });
  });

  test('an endpoint with a per-tenant placeholder is not usable as is', () => {
    expect(catalogAuthorizationOf('microsoft')?.authorizationEndpoint).toBeUndefined();
  });

  test("the auth config's per-tenant values fill it; a value that is no host name does not", () => {
    expect(catalogAuthorizationOf('microsoft', { tenant: 'common' })?.authorizationEndpoint).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(catalogAuthorizationOf('okta', { okta_domain: 'Acme.okta.com' })?.authorizationEndpoint).toBe('https://acme.okta.com/oauth2/v1/authorize');
    expect(catalogAuthorizationOf('shopify', { shop: 'acme-store' })?.authorizationEndpoint).toBe('https://acme-store.myshopify.com/admin/oauth/authorize');
    expect(catalogAuthorizationOf('okta', { okta_domain: 'evil.example/x' })?.authorizationEndpoint).toBeUndefined();
  });

  test('no OAuth 2.0 section, or no such toolkit: nothing', () => {
    expect(catalogAuthorizationOf('openai')).toBeUndefined();
    expect(catalogAuthorizationOf('no-such-toolkit')).toBeUndefined();
  });
});
