/**
 * The event vocabulary shared by apollo (writes created/deleted events, validates endpoint
 * subscriptions), thermos (writes revoked and job events, delivers them) and the docs.
 */
export const EVENT_TYPES = [
  'connected_account.created',
  'connected_account.revoked',
  'connected_account.needs_reauth',
  'connected_account.recovered',
  'connected_account.deleted',
  'revoke_job.completed',
  'revoke_job.failed',
  'revoke_job.cancelled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** An endpoint subscribed to `["*"]` receives every type, including ones added later. */
export const ALL_EVENTS = '*';
