import { z } from 'zod';
import { TASK_QUEUE, envBool, envLogLevel, envPort, loadEnvOrExit, parseEnv, providerCallEnv, providerEgressEnv, providerPauseEnv, tokenRefreshEnv } from '@at/common';

const DURATION = /^([1-9][0-9]{0,6})(s|m|h)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `off`, or a whole number of seconds, minutes or hours (`90s`, `15m`, `1h`), read as ms (null for off). */
const sweepInterval = z
  .string()
  .refine((text) => text === 'off' || DURATION.test(text), 'must be off or a duration such as 30s, 15m, 1h')
  .transform((text) => {
    const match = DURATION.exec(text);
    return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : null;
  });

/** Every setting thermos reads, validated once at boot. Documented in the README. */
export const thermosEnvSchema = z.object({
  /** Port of the internal run API (service-token protected). */
  THERMOS_PORT: envPort(3001),
  THERMOS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Token apollo presents to the run API; at least 24 characters. */
  THERMOS_SERVICE_TOKEN: z.string().min(24, 'must be at least 24 characters'),
  /** HMAC secret for item cursors; at least 32 characters. */
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters'),
  DATABASE_URL: z.string().url(),
  /** Connections per database pool of this process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(40),
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue of the revoke workflows; separate deployments sharing a namespace use their own. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: envBool(false),
  VAULT_KEYS: z.string().min(1),
  VAULT_ACTIVE_KEY_ID: z.string().min(1).optional(),
  /** Connections revoked concurrently inside one page activity. */
  REVOKE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** Page activities one worker runs at once. */
  MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(200).default(8),
  /** Base URL overrides and rate ceilings of provider calls (revocations, refreshes), shared with apollo. */
  ...providerCallEnv,
  ...tokenRefreshEnv,
  ...providerEgressEnv,
  ...providerPauseEnv,
  /** How often a worker re-reads the pauses (operator and per project): a pause or resume reaches it within this. */
  PAUSE_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** Per-request provider timeout and the retry budget of one connection. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  PROVIDER_RETRY_BUDGET_MS: z.coerce.number().int().min(0).default(120_000),
  PROVIDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /**
   * Refresh ahead: how often its Schedule runs (0: no Schedule; it is left as it is), how far
   * ahead of expiry it renews tokens, credentials per page and refreshes in flight per page.
   */
  REFRESH_AHEAD_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  REFRESH_AHEAD_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  REFRESH_AHEAD_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  REFRESH_AHEAD_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** Run only the HTTP API, or only the worker (default: both). */
  THERMOS_ROLE: z.enum(['all', 'worker', 'api']).default('all'),
  /**
   * How often a worker looks for runs whose workflow ended without closing them (terminated,
   * timed out) and releases what they held; also done when their status is read.
   */
  RUN_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * How often the sweep (a Temporal Schedule each worker creates or updates at start) looks for
   * sealed credentials under deleted parents that no run covers; `off` leaves the schedule alone.
   */
  REVOKE_SWEEP_INTERVAL: sweepInterval.prefault('1h'),
  /**
   * Whether this worker delivers webhooks: relays the outbox into deliveries and runs the
   * delivery lanes' workflows and activities (task queue `<TEMPORAL_TASK_QUEUE>-webhooks`).
   */
  WEBHOOK_DELIVERY: envBool(true),
  /** One webhook attempt, whole exchange (DNS, connect, headers, body); the body read is capped at 64 KiB. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  /** How long a delivery is retried before it is given up (default 3 days). */
  WEBHOOK_RETRY_FOR_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(3 * 86_400),
  /** Exponential backoff of webhook retries (jittered): first wait, and the longest one (also caps Retry-After). */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  /**
   * Delivery lanes (workflows) per endpoint: a connected account's events all go through the lane
   * its id hashes to, in order. Fixed per delivery when it is made, so changing it is safe.
   */
  WEBHOOK_LANES: z.coerce.number().int().min(1).max(64).default(8),
  /** Attempts in flight at once in one lane (so per endpoint at most WEBHOOK_LANES times this). */
  WEBHOOK_LANE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Lane passes (activities) one worker runs at once, across endpoints. */
  WEBHOOK_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(500).default(32),
  /** How often the relay reads the outbox for new events to dispatch. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  /**
   * A pending delivery this long past due means its lane missed its wake-up (the relay died
   * between commit and signal, Temporal was down, the workflow was terminated): the relay wakes
   * the lane again. Checked every half of it.
   */
  WEBHOOK_REWAKE_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * `production` makes the worker load the workflow bundle built at build time
   * (`pnpm --filter @at/thermos build` writes apps/thermos/dist/workflow-bundle.js) and refuse to
   * start if it is missing, was built by another SDK version or is older than the sources beside
   * it. Anything else (or unset) bundles the current sources on demand, cached.
   */
  NODE_ENV: z.string().optional(),
  /** A built workflow bundle to load instead of dist/'s, with the production checks (whatever NODE_ENV says). */
  THERMOS_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** How long in-flight activities may finish on SIGTERM before they are cancelled. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(20_000),
  LOG_LEVEL: envLogLevel,
});

export type ThermosEnv = z.output<typeof thermosEnvSchema>;

export const loadThermosEnv = (): ThermosEnv => loadEnvOrExit(thermosEnvSchema);
export const parseThermosEnv = (source: Record<string, string | undefined>): ThermosEnv => parseEnv(thermosEnvSchema, source);
