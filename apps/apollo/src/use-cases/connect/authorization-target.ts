import { catalogAuthorizationOf } from '@at/providers';
import type { AuthConfigRecord } from '../../repositories/auth-configs';

/**
 * Where end users of this auth config consent: its own endpoint (given, or from its issuer),
 * else the provider catalog's for its toolkit, its per-tenant placeholders ({okta_domain},
 * {shop} ...) filled from the auth config's parameters.
 */
export function authorizationEndpointOf(authConfig: Pick<AuthConfigRecord, 'authorizationEndpoint' | 'toolkit' | 'parameters'>): string | undefined {
  return authConfig.authorizationEndpoint ?? catalogAuthorizationOf(authConfig.toolkit, authConfig.parameters ?? {})?.authorizationEndpoint;
}

/** The scope parameter: the auth config's scopes, else the catalog's defaults, joined as the provider expects. */
export function scopeParameterOf(authConfig: Pick<AuthConfigRecord, 'scopes' | 'toolkit'>): string | undefined {
  const catalog = catalogAuthorizationOf(authConfig.toolkit);
  const scopes = authConfig.scopes.length > 0 ? authConfig.scopes : (catalog?.defaultScopes ?? []);
  return scopes.length > 0 ? scopes.join(catalog?.scopeSeparator ?? ' ') : undefined;
}
