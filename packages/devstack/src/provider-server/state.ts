import { randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';
export type TokenPair = { access_token: string; refresh_token: string };
export type TokenCheck = { active: number; inactive: number; unknown: number; activeTokens: string[] };
export type RevokeResult = 'revoked' | 'already_inactive' | 'unknown_token' | 'wrong_client';
export type Introspection = { active: false } | { active: true; client_id: string; token_type: 'access_token' | 'refresh_token' };
/** A refresh: the new pair, or why not (`reused`: a spent refresh token came back, and its grant died). */
export type RefreshResult = { ok: true; pair: TokenPair } | { ok: false; reason: 'unknown_token' | 'wrong_client' | 'not_a_refresh_token' | 'inactive' | 'reused' };

type TokenRecord = { clientId: string; kind: TokenKind; grantId: number; active: boolean; expired: boolean; consumed?: boolean };

/** What the token is to the server: unusable tokens say why. */
export type TokenStatus = 'active' | 'expired' | 'inactive' | 'unknown' | 'wrong_client';
export type IssueOptions = { expired?: boolean };

/** 24 random bytes encode to exactly 32 base64url characters, so one buffer slices cleanly. */
const TOKEN_BYTES = 24;
const TOKEN_CHARS = 32;
export const MAX_MINT_PER_CALL = 50_000;
export const MAX_ACTIVE_TOKENS_LISTED = 100;

/** Issued tokens, grouped in grants of one access and one refresh token. */
export class TokenState {
  private readonly tokens = new Map<string, TokenRecord>();
  /** grantId -> its tokens (one refresh token, one or more access tokens); revoking the refresh token kills all. */
  private readonly grants: string[][] = [];

  /** `expired`: the access tokens are past their expiry (their refresh tokens still work). */
  issue(clientId: string, n: number, options: IssueOptions = {}): TokenPair[] {
    if (!Number.isInteger(n) || n < 1 || n > MAX_MINT_PER_CALL) throw new RangeError(`n must be an integer in 1..${MAX_MINT_PER_CALL}`);
    // one randomBytes call per batch: minting 50,000 pairs stays in the tens of milliseconds
    const random = randomBytes(TOKEN_BYTES * 2 * n).toString('base64url');
    const pairs: TokenPair[] = new Array<TokenPair>(n);
    for (let i = 0; i < n; i++) {
      const access = random.slice(2 * i * TOKEN_CHARS, (2 * i + 1) * TOKEN_CHARS);
      const refresh = random.slice((2 * i + 1) * TOKEN_CHARS, (2 * i + 2) * TOKEN_CHARS);
      const grantId = this.grants.push([access, refresh]) - 1;
      this.tokens.set(access, { clientId, kind: 'access', grantId, active: true, expired: options.expired === true });
      this.tokens.set(refresh, { clientId, kind: 'refresh', grantId, active: true, expired: false });
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
  refreshRotating(token: string, clientId: string): RefreshResult {
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
    this.tokens.set(pair.access_token, { clientId, kind: 'access', grantId: record.grantId, active: true, expired: false });
    this.tokens.set(pair.refresh_token, { clientId, kind: 'refresh', grantId: record.grantId, active: true, expired: false });
    this.grants[record.grantId]?.push(pair.access_token, pair.refresh_token);
    return { ok: true, pair };
  }

  /** A token's standing for `clientId` (undefined: any client); `kind` restricts it to one kind. */
  status(token: string, clientId?: string, kind?: TokenKind): TokenStatus {
    const record = this.tokens.get(token);
    if (!record || (kind !== undefined && record.kind !== kind)) return 'unknown';
    if (clientId !== undefined && record.clientId !== clientId) return 'wrong_client';
    if (!record.active) return 'inactive';
    return record.expired ? 'expired' : 'active';
  }

  /** The client a token was issued to, if it exists. */
  clientOf(token: string): string | undefined {
    return this.tokens.get(token)?.clientId;
  }

  /** Ends the token's whole grant (GitHub's grant deletion, Slack's and Dropbox's revocation). */
  revokeGrant(token: string): void {
    const record = this.tokens.get(token);
    if (!record) return;
    for (const member of this.grants[record.grantId] ?? []) {
      const other = this.tokens.get(member);
      if (other) other.active = false;
    }
  }

  /**
   * A refresh: with `rotate` the old grant ends and a new pair is issued (Slack, GitHub), else a
   * new access token joins the grant and the refresh token stays valid (Dropbox).
   */
  refresh(refreshToken: string, clientId: string, rotate: boolean): TokenPair | TokenStatus {
    const standing = this.status(refreshToken, clientId, 'refresh');
    if (standing !== 'active') return standing;
    const record = this.tokens.get(refreshToken) as TokenRecord;
    if (rotate) {
      this.revokeGrant(refreshToken);
      return this.issue(clientId, 1)[0] as TokenPair;
    }
    const [access] = this.issue(clientId, 1);
    const fresh = this.tokens.get((access as TokenPair).access_token) as TokenRecord;
    this.tokens.delete((access as TokenPair).refresh_token);
    fresh.grantId = record.grantId;
    this.grants[record.grantId]?.push((access as TokenPair).access_token);
    return { access_token: (access as TokenPair).access_token, refresh_token: refreshToken };
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
