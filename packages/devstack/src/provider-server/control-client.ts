import { type ProviderFaults } from './faults';
import { type ProviderStats } from './stats';
import { MAX_ACTIVE_TOKENS_LISTED, MAX_MINT_PER_CALL, type TokenCheck, type TokenPair } from './state';

const CHECK_BATCH = 100_000;

export class ProviderControlError extends Error {
  override readonly name = 'ProviderControlError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Drives a provider server's /__control/ endpoints, in-process or in a child process alike. */
export class ProviderControlClient {
  constructor(readonly baseUrl: string) {}

  /** Mints `n` token pairs for `clientId`, in batches the server accepts; `expired` access tokens if asked. */
  async mint(clientId: string, n: number, options: { expired?: boolean } = {}): Promise<TokenPair[]> {
    const pairs: TokenPair[] = [];
    for (let left = n; left > 0; left -= MAX_MINT_PER_CALL) {
      const { tokens } = await this.call<{ tokens: TokenPair[] }>('POST', 'tokens', { clientId, n: Math.min(left, MAX_MINT_PER_CALL), ...(options.expired ? { expired: true } : {}) });
      for (const pair of tokens) pairs.push(pair);
    }
    return pairs;
  }

  /** Counts active/inactive among `tokens`; large lists go in several calls. */
  async check(tokens: readonly string[]): Promise<TokenCheck> {
    const total: TokenCheck = { active: 0, inactive: 0, unknown: 0, activeTokens: [] };
    for (let start = 0; start < tokens.length; start += CHECK_BATCH) {
      const part = await this.call<TokenCheck>('POST', 'check', { tokens: tokens.slice(start, start + CHECK_BATCH) });
      total.active += part.active;
      total.inactive += part.inactive;
      total.unknown += part.unknown;
      total.activeTokens.push(...part.activeTokens.slice(0, MAX_ACTIVE_TOKENS_LISTED - total.activeTokens.length));
    }
    return total;
  }

  /** Pairs the vendor token endpoints issued by refreshing, oldest first. */
  async rotations(): Promise<TokenPair[]> {
    return (await this.call<{ rotations: TokenPair[] }>('GET', 'rotations')).rotations;
  }

  stats(): Promise<ProviderStats> {
    return this.call('GET', 'stats');
  }

  resetStats(): Promise<ProviderStats> {
    return this.call('POST', 'stats/reset');
  }

  faults(): Promise<ProviderFaults> {
    return this.call('GET', 'faults');
  }

  /** Replaces the faults in force; `{}` clears them. */
  setFaults(faults: ProviderFaults): Promise<ProviderFaults> {
    return this.call('POST', 'faults', faults);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(`/__control/${path}`, this.baseUrl), {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new ProviderControlError(`provider control ${method} ${path} answered ${response.status}: ${text}`, response.status);
    return JSON.parse(text) as T;
  }
}
