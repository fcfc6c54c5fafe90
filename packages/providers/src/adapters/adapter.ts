import type { ClassifyContext } from '../classify';
import type { HttpCall } from '../http';
import type { ClientConfig, OAuthCredential, TokenKind } from '../types';

/** One logical provider call; the revoker rate-limits, retries and classifies it. */
export type ProviderCall = HttpCall & { classify: Pick<ClassifyContext, 'auth'> };

export type CallOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'already_revoked'; errorCode: string }
  | { kind: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; status?: number };

export type AdapterFailure = { outcome: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean };
export type AdapterResult = { outcome: 'revoked' | 'already_revoked'; revokedTokens: TokenKind[] } | AdapterFailure;

export type AdapterContext = {
  /** The provider's base URL; for generic RFC 7009, the auth config's full revocation endpoint. */
  baseUrl: string;
  client: ClientConfig;
  credential: OAuthCredential;
  /** The full URL of the provider's token endpoint, for adapters that refresh. */
  tokenUrl?: string;
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
