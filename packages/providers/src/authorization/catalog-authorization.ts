import { fillEndpoint, type EndpointValues } from '../catalog/endpoints';
import { loadCatalog } from '../catalog/load';

/** What the provider catalog knows of a toolkit's consent step (packages/providers/catalog). */
export type CatalogAuthorization = {
  /** Absent when the catalog's endpoint has a per-tenant placeholder ({tenant}, {shop}, ...) that `values` does not fill. */
  authorizationEndpoint: string | undefined;
  scopeSeparator: ' ' | ',' | '+';
  defaultScopes: readonly string[];
  pkce: 'required' | 'supported' | 'not_supported' | null;
};

/**
 * The catalog's authorization facts of a toolkit, or undefined when it has no OAuth 2.0 section;
 * `values` (the auth config's parameters and client id) fill the endpoint's placeholders.
 */
export function catalogAuthorizationOf(toolkit: string, values: EndpointValues = {}): CatalogAuthorization | undefined {
  const oauth2 = loadCatalog().get(toolkit)?.oauth2;
  if (!oauth2) return undefined;
  const filled = fillEndpoint(oauth2.authorization_endpoint.value, values);
  return {
    authorizationEndpoint: filled.ok ? filled.url : undefined,
    scopeSeparator: oauth2.scopes.value.separator,
    defaultScopes: oauth2.scopes.value.defaults,
    pkce: oauth2.pkce.value,
  };
}
