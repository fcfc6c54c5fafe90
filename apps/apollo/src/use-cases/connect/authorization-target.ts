import type { AuthConfigRecord } from '../../repositories/auth-configs';

/** Where end users of this auth config consent: its own endpoint (given, or from its issuer). */
export function authorizationEndpointOf(authConfig: Pick<AuthConfigRecord, 'authorizationEndpoint'>): string | undefined {
  return authConfig.authorizationEndpoint ?? undefined;
}
