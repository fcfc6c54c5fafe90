import type { ClientAuthMethod, ProviderCatalogEntry, SupportedRevocation } from '../catalog';
import type { EndpointValues } from '../catalog/endpoints';
import type { ClassifyContext } from '../classify';
import type { HttpCall } from '../http';
import type { ApiKeyCredential, ClientConfig, Credential, OAuthCredential, TokenKind } from '../types';

/** One logical provider call; the revoker rate-limits, retries and classifies it. */
export type ProviderCall = HttpCall & { classify: Pick<ClassifyContext, 'auth'> };

export type CallOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'already_revoked'; errorCode: string }
  | { kind: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; status?: number };

export type AdapterFailure = { outcome: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean };
export type AdapterResult =
  | { outcome: 'revoked' | 'already_revoked'; revokedTokens: TokenKind[] }
  // the provider offers no revocation for what this credential holds (e.g. refresh tokens only, and it has none)
  | { outcome: 'unsupported_by_provider'; reason: string }
  | AdapterFailure;

export type AdapterContext<C extends Credential = OAuthCredential> = {
  entry: ProviderCatalogEntry;
  /** How the catalog says this credential is revoked: method, auth, token, encoding, fields. */
  revocation: SupportedRevocation;
  /** The revocation endpoint, its placeholders filled (the auth config's for generic RFC 7009). */
  revocationUrl: string;
  /** Where the catalog says a revocation is confirmed with the revoked token (Zendesk). */
  confirmUrl?: string;
  client: ClientConfig;
  credential: C;
  /** The per-tenant values of the request (auth config's and connected account's). */
  parameters: EndpointValues;
  /** The full URL of the provider's token endpoint, for adapters that refresh. */
  tokenUrl?: string;
  /** How the app authenticates at the token endpoint (catalog); client_secret_basic when unknown. */
  tokenAuth: ClientAuthMethod;
  send(call: ProviderCall): Promise<CallOutcome>;
  /** Registers a secret learnt mid-flight (a refreshed token) so it is masked like the others. */
  protect(secret: string): void;
  /** Stores a token pair a refresh just issued, before it is used; rejects if it could not be stored. */
  rotated(credential: OAuthCredential): Promise<void>;
  /** Client ids whose client credentials the provider recently accepted (in this process). */
  clientProof: { isProven(clientId: string): boolean; prove(clientId: string): void };
  now(): number;
};

export type RevocationAdapter = (ctx: AdapterContext) => Promise<AdapterResult>;
export type ApiKeyRevocationAdapter = (ctx: AdapterContext<ApiKeyCredential>) => Promise<AdapterResult>;
