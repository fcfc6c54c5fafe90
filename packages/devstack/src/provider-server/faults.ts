import { HOSTILE_SHAPES, isHostileShape, type HostileShape } from './hostile';

/** Misbehaviour injected into the provider's public endpoints (never into /__control/). */
export type ProviderFaults = {
  /** Delay added to every revoke response. */
  latencyMs?: number;
  /** Fraction (0..1) of revoke requests answered 503 and 429 alternately, with Retry-After. */
  failureRate?: number;
  /** Retry-After value for injected failures; default 1. */
  retryAfterSeconds?: number;
  /** Everything but /__control/ fails: sockets destroyed (`reset`, default) or `503`. */
  down?: boolean;
  downMode?: 'reset' | '503';
  /** With `down`: come back up by itself after this long. */
  downForMs?: number;
  /** Revoke (and, counted apart, refresh) requests beyond this many in the current wall-clock second get 429, Retry-After: 1. */
  ceilingPerSecond?: number;
  /** Every client authentication fails with 401 invalid_client. */
  invalidClient?: boolean;
  /** Every revoke request is answered with this hostile shape (see hostile.ts). */
  hostile?: HostileShape;
  /** Vendor revocations (Slack, GitHub, Dropbox) answer 503; their token endpoints keep working. */
  revokeUnavailable?: boolean;
  /** Slack answers invalid_auth to every revocation, as for a call from a disallowed IP. */
  slackIpRestricted?: boolean;
  /** The catalog vendor revocations (catalog-vendor-routes.ts) answer with their own rate-limit shape. */
  vendorRateLimited?: boolean;
  /** Zendesk answers its revocation 204 while the token keeps working (a token without write scope). */
  zendeskRevokeIgnored?: boolean;
  /** A SendGrid key without the api_keys permission: its self-deletion answers 403. */
  sendgridKeyLacksPermission?: boolean;
};

export class FaultError extends Error {
  override readonly name = 'FaultError';
}

type FieldCheck = (value: unknown) => boolean;
const nonNegative: FieldCheck = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const boolean: FieldCheck = (v) => typeof v === 'boolean';
const CHECKS: Record<keyof ProviderFaults, [FieldCheck, string]> = {
  latencyMs: [nonNegative, 'a number >= 0'],
  failureRate: [(v) => nonNegative(v) && (v as number) <= 1, 'a number in 0..1'],
  retryAfterSeconds: [(v) => nonNegative(v) && Number.isInteger(v), 'an integer >= 0'],
  down: [boolean, 'a boolean'],
  downMode: [(v) => v === 'reset' || v === '503', "'reset' or '503'"],
  downForMs: [nonNegative, 'a number >= 0'],
  ceilingPerSecond: [(v) => nonNegative(v) && Number.isInteger(v) && (v as number) > 0, 'an integer > 0'],
  invalidClient: [boolean, 'a boolean'],
  hostile: [isHostileShape, `one of ${HOSTILE_SHAPES.join(', ')}`],
  revokeUnavailable: [boolean, 'a boolean'],
  slackIpRestricted: [boolean, 'a boolean'],
  vendorRateLimited: [boolean, 'a boolean'],
  zendeskRevokeIgnored: [boolean, 'a boolean'],
  sendgridKeyLacksPermission: [boolean, 'a boolean'],
};

/** Validates faults that arrive as JSON (control endpoint, CLI). */
export function parseFaults(input: unknown): ProviderFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultError('faults must be an object');
  const faults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const check = CHECKS[key as keyof ProviderFaults] as [FieldCheck, string] | undefined;
    if (!check) throw new FaultError(`unknown fault ${JSON.stringify(key)}`);
    if (value === undefined || value === null) continue;
    if (!check[0](value)) throw new FaultError(`${key} must be ${check[1]}`);
    faults[key] = value;
  }
  return faults as ProviderFaults;
}

export type DownMode = 'reset' | '503';

/** The faults in force; setting replaces the previous set entirely. */
export class FaultController {
  private faults: ProviderFaults = {};
  private downUntil: number | undefined;
  private failures = 0;

  set(faults: ProviderFaults, now = Date.now()): void {
    this.faults = parseFaults(faults);
    this.downUntil = this.faults.down && this.faults.downForMs !== undefined ? now + this.faults.downForMs : undefined;
  }

  /** The faults in force, with `down` already cleared once `downForMs` has elapsed. */
  current(now = Date.now()): ProviderFaults {
    this.downMode(now);
    return { ...this.faults };
  }

  downMode(now: number): DownMode | undefined {
    if (!this.faults.down) return undefined;
    if (this.downUntil !== undefined && now >= this.downUntil) {
      const { down: _down, downForMs: _downForMs, ...rest } = this.faults;
      this.faults = rest;
      this.downUntil = undefined;
      return undefined;
    }
    return this.faults.downMode ?? 'reset';
  }

  /** 503 or 429 (alternating) for a `failureRate` share of calls, else undefined. */
  injectedFailure(): 503 | 429 | undefined {
    const rate = this.faults.failureRate ?? 0;
    if (rate <= 0 || Math.random() >= rate) return undefined;
    return this.failures++ % 2 === 0 ? 503 : 429;
  }

  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.faults.retryAfterSeconds ?? 1;
  }

  get ceilingPerSecond(): number | undefined {
    return this.faults.ceilingPerSecond;
  }

  get invalidClient(): boolean {
    return this.faults.invalidClient ?? false;
  }

  get hostile(): HostileShape | undefined {
    return this.faults.hostile;
  }

  get revokeUnavailable(): boolean {
    return this.faults.revokeUnavailable ?? false;
  }

  get slackIpRestricted(): boolean {
    return this.faults.slackIpRestricted ?? false;
  }

  get vendorRateLimited(): boolean {
    return this.faults.vendorRateLimited ?? false;
  }

  get zendeskRevokeIgnored(): boolean {
    return this.faults.zendeskRevokeIgnored ?? false;
  }

  get sendgridKeyLacksPermission(): boolean {
    return this.faults.sendgridKeyLacksPermission ?? false;
  }
}
