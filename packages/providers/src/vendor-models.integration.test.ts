/**
 * The adapters against the dev stack's provider server's models of GitHub, Slack and Dropbox (their documented
 * answers, over one token state): what each revocation leaves live upstream, checked at the
 * provider, never only in our result.
 */
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { createRevoker } from './revoker';
import type { OAuthCredential, RevokeRequest, RevokerOptions } from './types';

const CLIENT = { clientId: 'model-app', clientSecret: 'model-secret' };
const PAST = new Date(Date.now() - 3_600_000).toISOString();
let server: ProviderServer;
beforeAll(async () => {
  server = await createProviderServer({ clients: [CLIENT] });
});
afterAll(async () => server.close());
afterEach(() => server.setFaults({}));

function revoker(toolkit: string, options: RevokerOptions = {}) {
  return createRevoker({ baseUrls: { [toolkit]: server.url }, egress: { allowInsecureLoopback: true }, retry: { maxAttempts: 2, maxDelayMs: 10 }, ...options });
}

function request(toolkit: string, credential: Omit<OAuthCredential, 'type'>, rotated?: OAuthCredential[], client: RevokeRequest['client'] = CLIENT): RevokeRequest {
  return {
    toolkit,
    authScheme: 'oauth2',
    client,
    credential: { type: 'oauth2', ...credential },
    ...(rotated ? { onRotated: async (c: OAuthCredential) => void rotated.push(c) } : {}),
  };
}

describe('GitHub', () => {
  test('an expired GitHub App token: refreshed, the new pair stored, the grant deleted; nothing is left live', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    const result = await revoker('github').revoke(request('github', { access_token: pair!.access_token, refresh_token: pair!.refresh_token, expires_at: PAST }, rotated));
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    const issued = server.rotations().at(-1)!;
    expect(rotated).toEqual([{ type: 'oauth2', ...issued, expires_at: expect.any(String) }]);
    expect(server.check([pair!.access_token, pair!.refresh_token, issued.access_token, issued.refresh_token]).active).toBe(0);
  });

  test('the same token without an expiry on record: the 404 leads to the refresh, not to already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const result = await revoker('github').revoke(request('github', { access_token: pair!.access_token, refresh_token: pair!.refresh_token }, []));
    expect(result).toMatchObject({ outcome: 'revoked' });
    expect(server.check([pair!.refresh_token, server.rotations().at(-1)!.refresh_token]).active).toBe(0);
  });

  test('a grant deleted earlier: 404, proven by the token endpoint, is already_revoked', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    expect(await revoker('github').revoke(request('github', { access_token: pair!.access_token }))).toMatchObject({ outcome: 'revoked' });
    expect(await revoker('github').revoke(request('github', { access_token: pair!.access_token }))).toEqual({ outcome: 'already_revoked', revokedTokens: [], attempts: 2 });
  });

  test('an app GitHub does not know fails for the whole app and leaves the token alone', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('github').revoke(request('github', { access_token: pair!.access_token }, undefined, { clientId: CLIENT.clientId, clientSecret: 'wrong' }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_client', providerWide: true });
    expect(server.check([pair!.access_token]).active).toBe(1);
  });
});

describe('Slack', () => {
  test('a workspace restricting IPs answers invalid_auth: recorded failed, the token is still live and no refresh token was spent', async () => {
    server.setFaults({ slackIpRestricted: true });
    const [pair] = server.issueTokens(1, CLIENT.clientId);
    const result = await revoker('slack').revoke(request('slack', { access_token: pair!.access_token, refresh_token: pair!.refresh_token }));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'invalid_auth' });
    expect(server.check([pair!.access_token, pair!.refresh_token]).active).toBe(2);
  });

  test('rotation: when the revocation fails after the refresh, the stored pair is the live one, and revoking it later works', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    server.setFaults({ revokeUnavailable: true });
    const first = await revoker('slack').revoke(request('slack', { access_token: pair!.access_token, refresh_token: pair!.refresh_token, expires_at: PAST }, rotated));
    expect(first).toMatchObject({ outcome: 'failed', errorCode: 'provider_unavailable' });
    const issued = server.rotations().at(-1)!;
    expect(rotated).toEqual([{ type: 'oauth2', ...issued, expires_at: expect.any(String) }]);
    // the old refresh token is spent; the new pair is live, and we hold it
    expect(server.check([pair!.refresh_token]).active).toBe(0);
    expect(server.check([issued.access_token, issued.refresh_token]).active).toBe(2);

    server.setFaults({});
    const retry = await revoker('slack').revoke(request('slack', rotated[0]!, []));
    expect(retry).toEqual({ outcome: 'revoked', revokedTokens: ['access'], attempts: 1 });
    expect(server.check([issued.access_token, issued.refresh_token]).active).toBe(0);
  });
});

describe('Dropbox', () => {
  test('an expired token is refreshed (the refresh token stays), stored, and its revocation ends the whole grant', async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    const result = await revoker('dropbox').revoke(request('dropbox', { access_token: pair!.access_token, refresh_token: pair!.refresh_token, expires_at: PAST }, rotated));
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(rotated[0]).toMatchObject({ refresh_token: pair!.refresh_token });
    expect(server.check([pair!.access_token, pair!.refresh_token, rotated[0]!.access_token]).active).toBe(0);
  });

  test("the auth config's token endpoint is where the refresh-to-revoke goes, before the catalog's", async () => {
    const [pair] = server.issueTokens(1, CLIENT.clientId, { expired: true });
    const rotated: OAuthCredential[] = [];
    // the catalog's token endpoint leads nowhere; the auth config names the right one
    const result = await revoker('dropbox', { baseUrls: { dropbox: server.url, 'dropbox.token': 'http://127.0.0.1:1' } }).revoke(
      request('dropbox', { access_token: pair!.access_token, refresh_token: pair!.refresh_token, expires_at: PAST }, rotated, { ...CLIENT, tokenEndpoint: `${server.url}/oauth2/token` }),
    );
    expect(result).toEqual({ outcome: 'revoked', revokedTokens: ['access', 'refresh'], attempts: 2 });
    expect(rotated).toHaveLength(1);
    expect(server.check([pair!.access_token, pair!.refresh_token, rotated[0]!.access_token]).active).toBe(0);
  });
});
