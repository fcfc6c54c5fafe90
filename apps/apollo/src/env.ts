import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_REVOKE_TUNING, TASK_QUEUE, envBool, envLogLevel, envPort, loadEnvOrExit, parseEnv, providerCallEnv, providerEgressEnv, providerPauseEnv, tokenRefreshEnv } from '@at/common';

/** Every setting apollo reads, validated once at boot. Documented in the README. */
export const apolloEnvSchema = z.object({
  /** HTTP port of the public API. */
  APOLLO_PORT: envPort(3000),
  /** Interface to bind; 0.0.0.0 to expose beyond this machine. */
  APOLLO_HOST: z.string().min(1).default('127.0.0.1'),
  /** Postgres connection string. */
  DATABASE_URL: z.string().url(),
  /** Temporal frontend host:port. */
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue of the revoke workflows; separate deployments sharing a namespace use their own. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
  /** Temporal Cloud / TLS clusters: API key (implies TLS) or plain TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: envBool(false),
  /** Bearer token of the admin API (/admin/v1); at least 24 characters. */
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters'),
  /** Envelope-encryption key-encryption keys, `kid:base64(32 bytes)` comma-separated. */
  VAULT_KEYS: z.string().min(1),
  /** Which VAULT_KEYS entry seals new secrets (default: the last one). */
  VAULT_ACTIVE_KEY_ID: z.string().min(1).optional(),
  /** HMAC secret for paging cursors; at least 32 characters. */
  CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Base URL of thermos's internal run API and its service token. */
  THERMOS_URL: z.string().url().default('http://127.0.0.1:3001'),
  THERMOS_SERVICE_TOKEN: z.string().min(24, 'must be at least 24 characters'),
  /** Requests per minute allowed per API key / org token on the public surfaces. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Largest accepted JSON body. */
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('64kb'),
  /** Requests per minute per API key to POST /api/v1/connected_accounts/import (up to 1,000 accounts each), counted apart from RATE_LIMIT_PER_MINUTE. */
  IMPORT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Largest body of one import request (1,000 accounts with long tokens fit in the default). */
  IMPORT_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('16mb'),
  /** How long an Idempotency-Key's answer is kept (hours): a retry within it gets the same answer. */
  IDEMPOTENCY_KEY_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  /** Connections per page activity. */
  REVOKE_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(DEFAULT_REVOKE_TUNING.pageSize),
  /** Page activities in flight at once in one lane (the connections of one provider key). */
  REVOKE_PAGE_PARALLELISM: z.coerce.number().int().min(1).max(64).default(DEFAULT_REVOKE_TUNING.pageParallelism),
  /** Page activities in flight at once for a whole run, across its lanes. */
  REVOKE_MAX_PAGES_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(DEFAULT_REVOKE_TUNING.maxPagesInFlight),
  /** Connections per snapshot transaction. */
  REVOKE_SNAPSHOT_PAGE_SIZE: z.coerce.number().int().min(100).max(100_000).default(DEFAULT_REVOKE_TUNING.snapshotPageSize),
  /** How long one snapshot step copies before the pages it made ready are started (0: a transaction a step). */
  REVOKE_SNAPSHOT_STEP_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_REVOKE_TUNING.snapshotStepMs),
  /** GET .../token refreshes first when the access token expires within this many seconds. */
  TOKEN_REFRESH_LEAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  ...tokenRefreshEnv,
  /** Base URL overrides and rate ceilings of provider calls (refreshes), shared with thermos. */
  ...providerCallEnv,
  /** Lifetime of a web console session (seconds) from sign-in; default 8 hours. */
  CONSOLE_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(8 * 3600),
  /** Folder of the built web console (apps/console/dist), served at /console; absent means /console answers 404. */
  CONSOLE_DIR: z.string().min(1).default(path.resolve(__dirname, '../../console/dist')),
  /**
   * Origin (and optional path prefix) browsers reach apollo at: connect links and the OAuth
   * callback (`<url>/connect/callback`, to register at each provider) are built on it. Default:
   * the address apollo listens on.
   */
  APOLLO_PUBLIC_URL: z.string().url().refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL').optional(),
  /** How long a connect link stays usable (seconds) from its creation. */
  CONNECT_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
  /** Longest call to an authorization server during connect (discovery, PAR, code exchange, userinfo). */
  CONNECT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Temporal Web UI the console links each job's run to. */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  /** Attempts of each step of a run (snapshot, page) before the run fails; 10 rides out minutes of Postgres or Temporal downtime. */
  REVOKE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(DEFAULT_REVOKE_TUNING.maxAttempts),
  /**
   * How often the reconciler looks for revoke intents (from deletes and the sweep) still waiting
   * for their run, in ms; also the first retry delay of an intent whose start failed.
   */
  REVOKE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(5_000),
  /** Longest wait between two attempts to start one intent, in ms (the delay doubles up to it). */
  REVOKE_INTENT_MAX_BACKOFF_MS: z.coerce.number().int().min(100).max(86_400_000).default(300_000),
  ...providerEgressEnv,
  ...providerPauseEnv,
  LOG_LEVEL: envLogLevel,
});

export type ApolloEnv = z.output<typeof apolloEnvSchema>;

export const loadApolloEnv = (): ApolloEnv => loadEnvOrExit(apolloEnvSchema);
export const parseApolloEnv = (source: Record<string, string | undefined>): ApolloEnv => parseEnv(apolloEnvSchema, source);
