import { type RevokeResult } from './state';

/** What became of one revoke request. The first four come from the token state. */
export type RevokeOutcome = RevokeResult | 'invalid_client' | 'invalid_request' | 'injected_failure' | 'ceiling' | 'down' | 'hostile';

export type ClientStats = { revokeRequests: number; revoked: number };

export type ProviderStats = {
  /** Every revoke request that reached the server, whatever it was answered. */
  revokeRequests: number;
  introspectRequests: number;
  /** Revoke requests that turned an active token inactive. */
  revoked: number;
  /** Revoke responses by HTTP status; sockets destroyed while down count under `reset`. */
  byStatus: Record<string, number>;
  byOutcome: Record<RevokeOutcome, number>;
  /** Most revoke requests in one wall-clock-aligned second ([n s, n+1 s)). */
  maxPerSecond: number;
  /** Most revoke requests in any 1,000 ms span, aligned or not. */
  maxPerSlidingSecond: number;
  /** Revoke requests answered 429 because they exceeded `ceilingPerSecond`. */
  ceilingViolations: number;
  /** Processed revoke requests for a known token of the caller that was already inactive. */
  revokeAfterInactive: number;
  /** Tokens that received more than one processed revoke request (retries after 429/503 do not count). */
  tokensRevokedMoreThanOnce: number;
  perClient: Record<string, ClientStats>;
  /** refresh_token grant requests at /token, whatever they were answered. */
  refreshRequests: number;
  /** Refreshes answered with a new pair. */
  refreshed: number;
  /** Spent refresh tokens presented again (each killed its grant). */
  refreshReuse: number;
  /** Most refresh requests in any 1,000 ms span. */
  refreshMaxPerSlidingSecond: number;
  /** Refresh requests answered 429 because they exceeded `ceilingPerSecond`. */
  refreshCeilingViolations: number;
  /** Epoch ms when counting started (server start or last reset). */
  since: number;
};

const OUTCOMES: readonly RevokeOutcome[] = ['revoked', 'already_inactive', 'unknown_token', 'wrong_client', 'invalid_client', 'invalid_request', 'injected_failure', 'ceiling', 'down', 'hostile'];

/** Counts arrivals within the last second from a growable ring of timestamps. */
class SlidingSecond {
  private ring = new Float64Array(1024);
  private head = 0;
  private length = 0;
  max = 0;

  /** Records an arrival at `now` (ms) and returns how many arrived in (now - 1000, now]. */
  add(now: number): number {
    while (this.length > 0 && (this.ring[this.head] ?? 0) <= now - 1000) {
      this.head = (this.head + 1) % this.ring.length;
      this.length--;
    }
    if (this.length === this.ring.length) this.grow();
    this.ring[(this.head + this.length) % this.ring.length] = now;
    this.length++;
    if (this.length > this.max) this.max = this.length;
    return this.length;
  }

  private grow(): void {
    const next = new Float64Array(this.ring.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.ring[(this.head + i) % this.ring.length] ?? 0;
    this.ring = next;
    this.head = 0;
  }
}

export class StatsRecorder {
  private revokeRequests = 0;
  private introspectRequests = 0;
  private revoked = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly byOutcome = StatsRecorder.zeroOutcomes();
  private ceilingViolations = 0;
  private revokeAfterInactive = 0;
  private readonly perClient = new Map<string, ClientStats>();
  private readonly revokedOnce = new Set<string>();
  private readonly revokedRepeatedly = new Set<string>();
  private readonly sliding = new SlidingSecond();
  private refreshRequests = 0;
  private refreshed = 0;
  private refreshReuse = 0;
  private refreshCeilingViolations = 0;
  private readonly refreshSliding = new SlidingSecond();
  private refreshSecond = -1;
  private refreshInSecond = 0;
  private alignedSecond = -1;
  private alignedCount = 0;
  private maxAligned = 0;
  private readonly since = Date.now();

  /** Records a revoke request's arrival; returns the count so far in the current aligned second. */
  revokeArrived(now: number): number {
    this.revokeRequests++;
    this.sliding.add(now);
    const second = Math.floor(now / 1000);
    if (second !== this.alignedSecond) {
      this.alignedSecond = second;
      this.alignedCount = 0;
    }
    this.alignedCount++;
    if (this.alignedCount > this.maxAligned) this.maxAligned = this.alignedCount;
    return this.alignedCount;
  }

  /** Records a refresh request's arrival; returns the count so far in the current aligned second. */
  refreshArrived(now: number): number {
    this.refreshRequests++;
    this.refreshSliding.add(now);
    const second = Math.floor(now / 1000);
    if (second !== this.refreshSecond) {
      this.refreshSecond = second;
      this.refreshInSecond = 0;
    }
    return ++this.refreshInSecond;
  }

  refreshAnswered(outcome: 'refreshed' | 'reused' | 'ceiling' | 'other'): void {
    if (outcome === 'refreshed') this.refreshed++;
    if (outcome === 'reused') this.refreshReuse++;
    if (outcome === 'ceiling') this.refreshCeilingViolations++;
  }

  introspectArrived(): void {
    this.introspectRequests++;
  }

  /** Records how a revoke request was answered; `token` only when its body was processed. */
  revokeAnswered(status: number | 'reset' | 'hostile', outcome: RevokeOutcome, clientId?: string, token?: string): void {
    const key = String(status);
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
    this.byOutcome[outcome]++;
    if (outcome === 'ceiling') this.ceilingViolations++;
    if (outcome === 'already_inactive') this.revokeAfterInactive++;
    if (outcome === 'revoked') this.revoked++;
    if (clientId !== undefined) {
      const client = this.perClient.get(clientId) ?? { revokeRequests: 0, revoked: 0 };
      client.revokeRequests++;
      if (outcome === 'revoked') client.revoked++;
      this.perClient.set(clientId, client);
    }
    if (token !== undefined && (outcome === 'revoked' || outcome === 'already_inactive')) {
      if (!this.revokedOnce.has(token)) this.revokedOnce.add(token);
      else this.revokedRepeatedly.add(token);
    }
  }

  snapshot(): ProviderStats {
    return {
      revokeRequests: this.revokeRequests,
      introspectRequests: this.introspectRequests,
      revoked: this.revoked,
      byStatus: { ...this.byStatus },
      byOutcome: { ...this.byOutcome },
      maxPerSecond: this.maxAligned,
      maxPerSlidingSecond: this.sliding.max,
      ceilingViolations: this.ceilingViolations,
      revokeAfterInactive: this.revokeAfterInactive,
      tokensRevokedMoreThanOnce: this.revokedRepeatedly.size,
      perClient: Object.fromEntries([...this.perClient].map(([id, client]) => [id, { ...client }])),
      refreshRequests: this.refreshRequests,
      refreshed: this.refreshed,
      refreshReuse: this.refreshReuse,
      refreshMaxPerSlidingSecond: this.refreshSliding.max,
      refreshCeilingViolations: this.refreshCeilingViolations,
      since: this.since,
    };
  }

  private static zeroOutcomes(): Record<RevokeOutcome, number> {
    return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<RevokeOutcome, number>;
  }
}
