import type { TransientCode } from '../classify';
import type { ClientConfig, OAuthCredential, SlotTicket } from '../types';

/** RFC 6749 section 2.3.1 client authentication at the token endpoint. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const satisfies readonly TokenEndpointAuthMethod[];

/** The provider app as a refresh sees it: the auth config's client, token endpoint and client auth. */
export type RefreshClient = ClientConfig & { tokenEndpointAuthMethod?: TokenEndpointAuthMethod };

export type RefreshRequest = {
  toolkit: string;
  client: RefreshClient;
  /** The credential being refreshed (its refresh token is what is sent). */
  credential: OAuthCredential & { refresh_token: string };
  /** Who shares a rate ceiling fairly with others waiting on it (see RateLimiter). */
  share?: string;
};

/**
 * What one refresh attempt came to. `dead`: the provider refused the refresh token itself
 * (invalid_grant or its equivalent), so the grant is gone and the end user must reconnect. Any
 * other failure says nothing about the grant.
 */
export type RefreshOutcome =
  | { kind: 'refreshed'; credential: OAuthCredential & { token_type: string }; rotated: boolean; attempts: 1 }
  | { kind: 'dead'; errorCode: string; errorMessage: string; attempts: 1 }
  | { kind: 'transient'; errorCode: TransientCode; errorMessage: string; retryAfterMs: number | null; attempts: 0 | 1 }
  | { kind: 'failed'; errorCode: string; errorMessage: string; providerWide: boolean; attempts: 0 | 1 };

/**
 * A rate-limit slot taken before the refresh (acquireSlot); its ticket, when the limiter gave one,
 * is told when the provider answers (the limiter's margin learns the call's jitter).
 */
export type HeldSlot = { ticket?: SlotTicket | undefined };

export type RefreshOptions = {
  /**
   * Hard deadline of the whole attempt in ms: waiting for a rate-limit slot (unless `held`)
   * and the provider call. A lease holder passes less than its lease, so its call can never
   * still be in flight when the lease lapses.
   */
  deadlineMs: number;
  /** The caller already acquired the rate-limit slot of this call (acquireSlot), with its ticket if the limiter gave one. */
  held?: HeldSlot;
  signal?: AbortSignal;
};
