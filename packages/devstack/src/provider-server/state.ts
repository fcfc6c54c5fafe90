import { randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';
export type TokenPair = { access_token: string; refresh_token: string };
export type TokenCheck = { active: number; inactive: number; unknown: number; activeTokens: string[] };
export type RevokeResult = 'revoked' | 'already_inactive' | 'unknown_token' | 'wrong_client';
export type Introspection = { active: false } | { active: true; client_id: string; token_type: 'access_token' | 'refresh_token' };
/** A refresh: the new pair, or why not (`reused`: a spent refresh token came back, and its grant died). */
export type RefreshResult = { ok: true; pair: TokenPair } | { ok: false; reason: 'unknown_token' | 'wrong_client' | 'not_a_refresh_token' | 'inactive' | 'reused' };

type TokenRecord = { clientId: string; kind: TokenKind; grantId: number; active: boolean; consumed?: boolean };

/** 24 random bytes encode to exactly 32 base64url characters, so one buffer slices cleanly. */
const TOKEN_BYTES = 24;
const TOKEN_CHARS = 32;
export const MAX_MINT_PER_CALL = 50_000;
export const MAX_ACTIVE_TOKENS_LISTED = 100;

/** Issued tokens, grouped in grants of one access and one refresh token. */
export class TokenState {
  private readonly tokens = new Map<string, TokenRecord>();
  /** grantId -> every token of the grant; revoking its refresh token kills them all. */
  private readonly grants: string[][] = [];

  issue(clientId: string, n: number): TokenPair[] {
    if (!Number.isInteger(n) || n < 1 || n > MAX_MINT_PER_CALL) throw new RangeError(`n must be an integer in 1..${MAX_MINT_PER_CALL}`);
    // one randomBytes call per batch: minting 50,000 pairs stays in the tens of milliseconds
    const random = randomBytes(TOKEN_BYTES * 2 * n).toString('base64url');
    const pairs: TokenPair[] = new Array<TokenPair>(n);
    for (let i = 0; i < n; i++) {
      const access = random.slice(2 * i * TOKEN_CHARS, (2 * i + 1) * TOKEN_CHARS);
      const refresh = random.slice((2 * i + 1) * TOKEN_CHARS, (2 * i + 2) * TOKEN_CHARS);
      const grantId = this.grants.push([access, refresh]) - 1;
      this.tokens.set(access, { clientId, kind: 'access', grantId, active: true });
      this.tokens.set(refresh, { clientId, kind: 'refresh', grantId, active: true });
      pairs[i] = { access_token: access, refresh_token: refresh };
    }
    return pairs;
  }

  /** RFC 7009 semantics: the hint is only a hint, lookups are by token alone. */
  revoke(token: string, clientId: string): RevokeResult {
    const record = this.tokens.get(token);
    if (!record) return 'unknown_token';
    if (record.clientId !== clientId) return 'wrong_client';
    if (!record.active) return 'already_inactive';
    if (record.kind === 'refresh') {
      for (const grantToken of this.grants[record.grantId] ?? []) {
        const member = this.tokens.get(grantToken);
        if (member) member.active = false;
      }
    } else {
      record.active = false;
    }
    return 'revoked';
  }

  /**
   * The refresh_token grant with rotation and reuse detection (RFC 9700 4.14.2): each refresh
   * spends its refresh token and issues a new pair in the same grant; a spent refresh token
   * presented again kills the whole grant.
   */
  refresh(token: string, clientId: string): RefreshResult {
    const record = this.tokens.get(token);
    if (!record) return { ok: false, reason: 'unknown_token' };
    if (record.clientId !== clientId) return { ok: false, reason: 'wrong_client' };
    if (record.kind !== 'refresh') return { ok: false, reason: 'not_a_refresh_token' };
    if (record.consumed) {
      for (const member of this.grants[record.grantId] ?? []) {
        const other = this.tokens.get(member);
        if (other) other.active = false;
      }
      return { ok: false, reason: 'reused' };
    }
    if (!record.active) return { ok: false, reason: 'inactive' };
    record.active = false;
    record.consumed = true;
    const random = randomBytes(TOKEN_BYTES * 2).toString('base64url');
    const pair = { access_token: random.slice(0, TOKEN_CHARS), refresh_token: random.slice(TOKEN_CHARS, 2 * TOKEN_CHARS) };
    this.tokens.set(pair.access_token, { clientId, kind: 'access', grantId: record.grantId, active: true });
    this.tokens.set(pair.refresh_token, { clientId, kind: 'refresh', grantId: record.grantId, active: true });
    this.grants[record.grantId]?.push(pair.access_token, pair.refresh_token);
    return { ok: true, pair };
  }

  /** RFC 7662: a token of another client is reported inactive, never described. */
  introspect(token: string, clientId: string): Introspection {
    const record = this.tokens.get(token);
    if (!record || !record.active || record.clientId !== clientId) return { active: false };
    return { active: true, client_id: record.clientId, token_type: record.kind === 'access' ? 'access_token' : 'refresh_token' };
  }

  /** Unknown tokens count as inactive (and separately as unknown). */
  check(tokens: readonly string[]): TokenCheck {
    const result: TokenCheck = { active: 0, inactive: 0, unknown: 0, activeTokens: [] };
    for (const token of tokens) {
      const record = this.tokens.get(token);
      if (record?.active) {
        result.active++;
        if (result.activeTokens.length < MAX_ACTIVE_TOKENS_LISTED) result.activeTokens.push(token);
      } else {
        result.inactive++;
        if (!record) result.unknown++;
      }
    }
    return result;
  }

  get size(): number {
    return this.tokens.size;
  }
}
