import { type ProviderClient } from './client-auth';
import { FaultController, type ProviderFaults } from './faults';
import { StatsRecorder, type ProviderStats } from './stats';
import { TokenState, type IssueOptions, type TokenCheck, type TokenPair } from './state';

export class UnknownClientError extends Error {
  override readonly name = 'UnknownClientError';
}

/**
 * Everything the fake provider knows: its clients, tokens, faults and counters. The HTTP
 * endpoints and the in-process handle both go through it, so both modes behave alike.
 */
export class ProviderModel {
  readonly clients: ReadonlyMap<string, string>;
  readonly tokens = new TokenState();
  readonly faults = new FaultController();
  private recorder = new StatsRecorder();

  constructor(clients: readonly ProviderClient[], faults: ProviderFaults = {}) {
    this.clients = new Map(clients.map((client) => [client.clientId, client.clientSecret]));
    this.faults.set(faults);
  }

  get stats(): StatsRecorder {
    return this.recorder;
  }

  /** Token pairs a vendor token endpoint issued by refreshing, oldest first. */
  readonly rotations: TokenPair[] = [];

  mint(clientId: string, n: number, options: IssueOptions = {}): TokenPair[] {
    if (!this.clients.has(clientId)) throw new UnknownClientError(`unknown client ${JSON.stringify(clientId)}`);
    return this.tokens.issue(clientId, n, options);
  }

  recordRotation(pair: TokenPair): void {
    this.rotations.push(pair);
  }

  check(tokens: readonly string[]): TokenCheck {
    return this.tokens.check(tokens);
  }

  snapshot(): ProviderStats {
    return this.recorder.snapshot();
  }

  resetStats(): void {
    this.recorder = new StatsRecorder();
  }

  currentFaults(): ProviderFaults {
    return this.faults.current();
  }

  setFaults(faults: ProviderFaults): ProviderFaults {
    this.faults.set(faults);
    return this.faults.current();
  }
}
