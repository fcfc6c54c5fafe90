/** `pnpm load [--flag value]...`: every knob of a load run, with defaults for a 2-core machine. */
export type LoadOptions = {
  /** Seconds of measured load (after seeding and the first jobs). */
  seconds: number;
  /** Requests in flight at once (closed loop: each virtual user sends its next on a reply). */
  concurrency: number;
  projects: number;
  /** Connections seeded in total, split across the projects. */
  connections: number;
  /** apollo RATE_LIMIT_PER_MINUTE per key; the default is high so limits do not hide capacity. */
  rateLimitPerMinute: number;
  /** Write the figures as JSON here as well. */
  json: string | undefined;
  /** `split`: thermos's run API and its worker in two processes (as deployed); `all`: one process. */
  thermos: 'split' | 'all';
};

const DEFAULTS: LoadOptions = { seconds: 60, concurrency: 200, projects: 4, connections: 20_000, rateLimitPerMinute: 10_000_000, json: undefined, thermos: 'split' };

export class UsageError extends Error {}

const USAGE = 'usage: pnpm load [--seconds 60] [--concurrency 200] [--projects 4] [--connections 20000] [--rate-limit 10000000] [--thermos split|all] [--json file]';

export function parseOptions(argv: string[]): LoadOptions {
  const options = { ...DEFAULTS };
  const numbers: Record<string, keyof Omit<LoadOptions, 'json' | 'thermos'>> = {
    '--seconds': 'seconds',
    '--concurrency': 'concurrency',
    '--projects': 'projects',
    '--connections': 'connections',
    '--rate-limit': 'rateLimitPerMinute',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i] as string, argv[i + 1]];
    if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    if (flag === '--json') {
      options.json = value;
      continue;
    }
    if (flag === '--thermos') {
      if (value !== 'split' && value !== 'all') throw new UsageError(`--thermos is split or all\n${USAGE}`);
      options.thermos = value;
      continue;
    }
    const key = numbers[flag];
    const n = Number(value);
    if (!key || !Number.isInteger(n) || n < 1) throw new UsageError(`bad ${flag} ${value}\n${USAGE}`);
    options[key] = n;
  }
  if (options.connections < options.projects * 20) throw new UsageError(`--connections must be at least 20 per project\n${USAGE}`);
  return options;
}
