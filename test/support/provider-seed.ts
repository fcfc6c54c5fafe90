import type { ProviderClient, ProviderServer } from '@at/devstack';
import { bulkConnections, seedAuthConfig } from './seed';
import type { Stack } from './stack';

export type ProviderConnections = { ids: string[]; tokens: string[] };

/** A generic RFC 7009 auth config pointing at an in-process provider server. */
export function providerAuthConfig(stack: Stack, apiKey: string, provider: ProviderServer, client: ProviderClient): Promise<string> {
  return seedAuthConfig(stack, apiKey, {
    toolkit: 'oauth2',
    auth_scheme: 'oauth2',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    revocation_endpoint: `${provider.url}/revoke`,
  });
}

/** `n` connections of an auth config, each holding a fresh token pair minted by the provider. */
export async function providerConnections(stack: Stack, provider: ProviderServer, client: ProviderClient, authConfigId: string, n: number): Promise<ProviderConnections> {
  const pairs = provider.issueTokens(n, client.clientId);
  const ids = await bulkConnections(
    stack.db.db,
    stack.env['VAULT_KEYS'] as string,
    authConfigId,
    pairs.map((pair) => ({ accessToken: pair.access_token, refreshToken: pair.refresh_token })),
  );
  return { ids, tokens: pairs.flatMap((pair) => [pair.access_token, pair.refresh_token]) };
}
