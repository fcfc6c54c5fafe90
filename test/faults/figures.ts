import { appendFileSync, readFileSync } from 'node:fs';
import type { ProviderStats } from '@at/devstack';

/** FAULTS_LONG=1 runs every scenario at full size (test/faults/run-long.sh sets it). */
export const LONG = process.env['FAULTS_LONG'] === '1';

/** The CI value, or the long one under FAULTS_LONG=1. */
export const sized = <T>(ci: T, long: T): T => (LONG ? long : ci);

/** One thing done to the system mid-job, with how far the providers had got (0..1). */
export type FaultEvent = { atMs: number; progress: number; what: string };

export type ProviderFigures = {
  name: string;
  connections: number;
  revokeRequests: number;
  maxPerSecond: number;
  maxPerSlidingSecond: number;
  ceilingViolations: number;
  /** Tokens a provider processed a revoke request for more than once: re-sends after a crash. */
  tokensRevokedMoreThanOnce: number;
  /** Requests for an already dead token beyond the one per connection the adapter always makes. */
  extraAfterInactive: number;
  byStatus: ProviderStats['byStatus'];
};

export type ScenarioFigures = {
  scenario: string;
  mode: 'ci' | 'long';
  seed: number;
  connections: number;
  outOfScope: number;
  workers: number;
  jobMs: number;
  outcomes: Record<string, number>;
  providers: ProviderFigures[];
  /** The most re-sent tokens this scenario tolerates (2 tokens x connections in flight x faults). */
  duplicateBound: number;
  events: FaultEvent[];
  loadavg: { before: string; after: string };
};

export const loadavg = (): string => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
};

/** Appends a scenario's figures to $FAULTS_REPORT (JSON lines), for docs/reliability.md. */
export function recordFigures(figures: ScenarioFigures): void {
  const file = process.env['FAULTS_REPORT'];
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

/** A small seeded generator (mulberry32), so a run's random fault moments can be replayed via FAULTS_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const faultSeed = (): number => Number(process.env['FAULTS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
