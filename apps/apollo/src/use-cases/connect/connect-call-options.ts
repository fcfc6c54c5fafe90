import type { AuthorizationCallOptions, EgressPolicy } from '@at/providers';
import type { ApolloContext } from '../../context';

/** Calls to an authorization server during connect: bounded in time, under the egress policy. */
export function connectCallOptions(ctx: Pick<ApolloContext, 'env'>): AuthorizationCallOptions & { egress: EgressPolicy } {
  return {
    timeoutMs: ctx.env.CONNECT_PROVIDER_TIMEOUT_MS,
    egress: { allowedHosts: ctx.env.PROVIDER_ALLOWED_HOSTS, allowInsecureLoopback: ctx.env.PROVIDER_ALLOW_INSECURE_LOOPBACK },
  };
}
