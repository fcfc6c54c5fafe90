import autocannon from 'autocannon';
import { type SpawnedProviderServer } from '@at/devstack';
import { round } from './process-stats';

export type LimitResult = { connections: number; seconds: number; requestsPerSecond: number; latencyP50Ms: number; latencyP99Ms: number; non2xx: number; errors: number };

/**
 * The provider endpoint's raw capacity: autocannon keeps `connections` keep-alive connections
 * busy with RFC 7009 requests (one token, client_secret_basic, as thermos sends them) for a
 * fixed time. The server does the same work for a live or an already revoked token.
 */
export async function measureLimit(provider: SpawnedProviderServer, client: { clientId: string; clientSecret: string }, connections: number, seconds: number): Promise<LimitResult> {
  const [pair] = await provider.control.mint(client.clientId, 1);
  if (!pair) throw new Error('the provider minted no token');
  const authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  const result = await autocannon({
    url: `${provider.url}/revoke`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: pair.refresh_token, token_type_hint: 'refresh_token' }).toString(),
  });
  return {
    connections,
    seconds,
    requestsPerSecond: round(result.requests.total / result.duration),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
