import { z } from 'zod';

/** Thrown (and printed by the entry point) when the environment does not validate. */
export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid environment:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses an environment with a zod object schema; every problem names its variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

/** Runs parseEnv at boot; on failure prints the list and exits the process with status 78. */
export function loadEnvOrExit<S extends z.ZodType>(schema: S, source: Record<string, string | undefined> = process.env): z.output<S> {
  try {
    return parseEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const envBool = (fallback: boolean) =>
  z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false').transform((v) => v === 'true' || v === '1');
export const envLogLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');

/** A JSON object of values, e.g. `{"google":"https://proxy"}`. */
export const envJsonRecord = <T extends z.ZodType>(value: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), value));

/**
 * How provider calls are addressed and paced, read the same way by apollo (refresh on read) and
 * thermos (revocation, refresh ahead): both spread this into their env schema, so a ceiling or
 * an override holds for every process.
 */
export const providerCallEnv = {
  /**
   * Provider base URLs overriding the catalog, JSON: {"google":"http://127.0.0.1:9000"};
   * `<slug>.token` overrides a token endpoint's base (it otherwise follows `<slug>`).
   */
  PROVIDER_BASE_URLS: envJsonRecord(z.string().url()).default({}),
  /**
   * Request ceilings (req/s) overriding the catalog, held across all processes, JSON. Keys, most
   * specific first: one app (`github:<client id>`, `oauth2:<origin>:<client id>`), every app of
   * one RFC 7009 server (`oauth2:<origin>`), every app of a provider (`github`, `oauth2`);
   * 0 removes the ceiling. Refreshes and revocations of one app count against the same ceiling.
   */
  PROVIDER_RATE_LIMITS: envJsonRecord(z.number().min(0)).default({}),
};

/** The token lifecycle, read by apollo (vend) and thermos (refresh ahead, revocation). */
export const tokenRefreshEnv = {
  /**
   * Hard deadline of one refresh (rate-limit wait plus the provider call); the refresh lease
   * lasts three times as long, so a killed lease holder blocks a connection for at most that.
   */
  TOKEN_REFRESH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

// host, host:port, [v6] or [v6]:port; no scheme, path or credentials
const HOST_ENTRY = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?$/i;

/**
 * Where provider calls may go (the egress policy of @at/providers): apollo checks a
 * revocation_endpoint against it when an auth config is created, thermos before every call.
 * Both apps spread this into their env schema, so they always agree.
 */
export const providerEgressEnv = {
  /**
   * Hosts (`name`, `name:port`, `[v6]:port`; comma-separated) whose addresses may be private,
   * e.g. an identity provider inside the VPC. https is still required.
   */
  PROVIDER_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(z.string().regex(HOST_ENTRY, 'each entry must be a host or host:port'))),
  /** Local development and tests only: allow plain http and loopback addresses. */
  PROVIDER_ALLOW_INSECURE_LOOPBACK: envBool(false),
};

/** The operator's kill switch, read by apollo (pause_state) and thermos (every provider call). */
export const providerPauseEnv = {
  /**
   * Pauses every outbound provider call at start-up; cannot be lifted through the API (restart
   * without it). POST /admin/v1/pause is the switch that needs no restart.
   */
  PROVIDER_CALLS_PAUSED: envBool(false),
};
