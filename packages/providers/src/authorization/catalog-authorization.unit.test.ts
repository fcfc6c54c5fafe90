import { catalogAuthorizationOf } from './catalog-authorization';

describe('catalogAuthorizationOf', () => {
  test('a catalog toolkit carries its authorization endpoint, scope separator and PKCE fact', () => {
    expect(catalogAuthorizationOf('google')).toEqual({ authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth', scopeSeparator: ' ', defaultScopes: [], pkce: 'supported' });
    expect(catalogAuthorizationOf('slack')).toMatchObject({ authorizationEndpoint: 'https://slack.com/oauth/v2/authorize', scopeSeparator: ',' });
  });

  test('an endpoint with a per-tenant placeholder is not usable as is', () => {
    expect(catalogAuthorizationOf('microsoft')?.authorizationEndpoint).toBeUndefined();
  });

  test('no OAuth 2.0 section, or no such toolkit: nothing', () => {
    expect(catalogAuthorizationOf('openai')).toBeUndefined();
    expect(catalogAuthorizationOf('no-such-toolkit')).toBeUndefined();
  });
});
