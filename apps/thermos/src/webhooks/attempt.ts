import { signatureHeader, type Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import { parseRetryAfter, sendHttp, type EgressPolicy, type ProviderResponse } from '@at/providers';
import type { Vault } from '@at/vault';
import { disableEndpoint, recordAttempt, type AttemptResult, type ClaimedDelivery } from './delivery-store';

export type WebhookSettings = {
  /** The whole exchange of one attempt: DNS, connect, headers and body (bounded in bytes by sendHttp). */
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  egress: EgressPolicy;
};

const USER_AGENT = 'apollo-thermos-webhooks/1';

/** Exponential backoff with full jitter: attempt 1 waits up to base, attempt n up to base·2^(n-1), capped. */
export function backoffMs(attempt: number, settings: Pick<WebhookSettings, 'backoffBaseMs' | 'backoffMaxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

/** What an attempt's answer means for the delivery. */
export function judgeAnswer(response: ProviderResponse, attempt: number, giveUpAt: Date, settings: WebhookSettings, now = Date.now()): AttemptResult | { kind: 'gone'; status: 410 } {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 410) return { kind: 'gone', status: 410 };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.retryAfter, now) : null;
  const waitMs = retryAfter !== null ? Math.min(Math.max(retryAfter, 1_000), settings.backoffMaxMs) : backoffMs(attempt, settings);
  return retryOrFail(status, `endpoint answered HTTP ${status}${retryAfter !== null ? ` (Retry-After ${Math.round(retryAfter / 1000)} s)` : ''}`, now + waitMs, giveUpAt);
}

function retryOrFail(status: number | null, error: string, next: number, giveUpAt: Date): AttemptResult {
  if (next > giveUpAt.getTime()) return { kind: 'failed', status, error: `${error}; gave up: retries exhausted` };
  return { kind: 'retry', status, error, nextAttemptAt: new Date(next) };
}

function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause && typeof error.cause === 'object' ? (error.cause as { code?: unknown }).code : undefined;
  const base = error instanceof Error ? (error.name === 'TimeoutError' ? 'the endpoint did not answer in time' : error.message) : String(error);
  return typeof cause === 'string' ? `${base} (${cause})` : base;
}

export type AttemptDeps = { db: PrismaClient; vault: Vault; logger: Logger; settings: WebhookSettings };

/**
 * One attempt of a claimed delivery, recorded: signed per Standard Webhooks (the body is the
 * same on every attempt, the timestamp and signatures are fresh), sent under the egress policy
 * with the whole exchange bounded by the timeout, the answer judged (backoff or Retry-After
 * written as next_attempt_at; 410 disables the endpoint). Returns how it ended.
 */
export async function attemptDelivery(deps: AttemptDeps, d: ClaimedDelivery): Promise<AttemptResult['kind']> {
  const { db, vault, logger, settings } = deps;
  if (d.endpointGone) {
    await recordAttempt(db, d, { kind: 'failed', status: null, error: `the endpoint was ${d.endpointGone}` });
    return 'failed';
  }
  let secrets: string[];
  try {
    secrets = [vault.openJson<string>(d.secretSealed, d.endpointId)];
    if (d.previousSecretSealed !== null && d.previousSecretExpiresAt !== null && d.previousSecretExpiresAt.getTime() > Date.now()) {
      secrets.push(vault.openJson<string>(d.previousSecretSealed, d.endpointId));
    }
  } catch {
    // the vault's keys no longer open it (a key removed from VAULT_KEYS): retried, as a deployment fix may come back
    const result = retryOrFail(null, 'the endpoint secret could not be opened with the vault keys', Date.now() + backoffMs(d.attempt, settings), d.giveUpAt);
    await recordAttempt(db, d, result);
    logger.error('webhook endpoint secret could not be opened; not sent', { delivery_id: d.id, endpoint_id: d.endpointId });
    return result.kind;
  }
  const body = JSON.stringify({ id: d.eventId, type: d.eventType, created_at: d.eventCreatedAt.toISOString(), data: d.data });
  const timestamp = Math.floor(Date.now() / 1000);
  let result: AttemptResult;
  try {
    const response = await sendHttp(
      {
        method: 'POST',
        url: d.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': d.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(secrets, d.eventId, timestamp, body),
        },
        body,
      },
      { timeoutMs: settings.timeoutMs, egress: settings.egress },
    );
    const judged = judgeAnswer(response, d.attempt, d.giveUpAt, settings);
    if (judged.kind === 'gone') {
      await recordAttempt(db, d, { kind: 'failed', status: 410, error: 'endpoint answered 410 Gone: endpoint disabled' });
      await disableEndpoint(db, d.endpointId, 'the endpoint answered 410 Gone');
      logger.warn('webhook endpoint answered 410 Gone: disabled', { endpoint_id: d.endpointId });
      return 'failed';
    }
    result = judged;
  } catch (error) {
    result = retryOrFail(null, errorText(error), Date.now() + backoffMs(d.attempt, settings), d.giveUpAt);
  }
  await recordAttempt(db, d, result);
  if (result.kind !== 'delivered') logger.debug('webhook attempt not delivered', { delivery_id: d.id, endpoint_id: d.endpointId, attempt: d.attempt, outcome: result.kind, error: result.error });
  return result.kind;
}
