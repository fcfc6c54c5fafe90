import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { newId, UnprocessableError, ValidationError, type FieldIssue } from '@at/common';
import { transaction } from '@at/db';
import { zodIssuesToFields } from '@at/http';
import type { Credential } from '@at/providers';
import type { ProjectCaller } from '../auth/authenticators';
import type { ApolloContext } from '../context';
import { findLiveAuthConfigs, lockLiveAuthConfigs, type AuthConfigRecord } from '../repositories/auth-configs';
import { insertConnectedAccounts, type ConnectedAccountRecord, type ImportedAccount } from '../repositories/connected-accounts';
import { claimIdempotencyKey, deleteExpiredIdempotencyKeys, findIdempotentAnswer, type IdempotencyScope } from '../repositories/idempotency-keys';
import { assertCredentialFits, storedCredentialOf } from './credential-rules';

export const IMPORT_OPERATION = 'importConnectedAccounts';

/** One item as read from the body: a value to validate, or why its text was unreadable. */
export type ImportInput = { index: number; value: unknown } | { index: number; unreadable: FieldIssue[] };

export type ItemError = { code: string; message: string; fields?: FieldIssue[] };
export type ImportItemResult = { index: number; status: 'created'; account: ConnectedAccountRecord } | { index: number; status: 'failed'; error: ItemError };

/** What the item schema yields: the route's (strict) body of a single create. */
export type ImportItem = { auth_config_id: string; user_id: string; credential: Credential };

export type ImportRequest = {
  items: ImportInput[];
  /** Validates one item's value (strictly) into an account to create. */
  parseItem: (value: unknown) => { success: true; data: ImportItem } | { success: false; error: z.ZodError };
  /** The raw body: with the key, a retry must send the same bytes. */
  body: Buffer;
  idempotencyKey?: string | undefined;
  /** Shapes the answer stored under the key and returned (the route's view of the results). */
  present: (results: ImportItemResult[]) => unknown;
};

export type ImportAnswer = { status: number; body: unknown; replayed: boolean };

const invalid = (message: string, fields: FieldIssue[]): ItemError => ({ code: 'invalid_request', message, fields });

// Thrown inside the transaction when another request stored its answer under the key first.
class KeyTaken extends Error {}

/**
 * Connects up to a thousand end users in one request. Each item is validated and checked
 * against its auth config like a single create; the valid ones are sealed (each to its own id)
 * and written together with their `connected_account.created` events, in one transaction; an
 * invalid item is answered with its own errors and does not stop the others. With an
 * Idempotency-Key the answer is stored in that transaction: a retry (same key, same body) gets
 * it back and changes nothing; the same key with another body is a 422.
 */
export async function importConnectedAccounts(ctx: ApolloContext, caller: ProjectCaller, request: ImportRequest): Promise<ImportAnswer> {
  const requestHash = createHash('sha256').update(request.body).digest('hex');
  const scope: IdempotencyScope | undefined =
    request.idempotencyKey === undefined ? undefined : { projectId: caller.projectId, operation: IMPORT_OPERATION, key: request.idempotencyKey };
  if (scope) {
    const stored = await storedAnswer(ctx, scope, requestHash);
    if (stored) return stored;
  }

  const results = new Map<number, ImportItemResult>();
  const candidates: Array<{ index: number; item: ImportItem }> = [];
  for (const input of request.items) {
    if ('unreadable' in input) {
      results.set(input.index, { index: input.index, status: 'failed', error: invalid('item could not be read', input.unreadable) });
      continue;
    }
    const parsed = request.parseItem(input.value);
    if (parsed.success) candidates.push({ index: input.index, item: parsed.data });
    else results.set(input.index, { index: input.index, status: 'failed', error: invalid('invalid item', zodIssuesToFields('item', parsed.error)) });
  }

  const authConfigs = new Map<string, AuthConfigRecord>();
  const referenced = [...new Set(candidates.map((c) => c.item.auth_config_id))];
  for (const config of referenced.length === 0 ? [] : await findLiveAuthConfigs(ctx.db, caller.projectId, referenced)) authConfigs.set(config.id, config);

  const at = new Date();
  const sealed: Array<{ index: number; account: ImportedAccount; authConfig: AuthConfigRecord }> = [];
  for (const { index, item } of candidates) {
    const authConfig = authConfigs.get(item.auth_config_id);
    if (!authConfig) {
      results.set(index, { index, status: 'failed', error: { code: 'not_found', message: 'auth config not found', fields: [{ path: 'item.auth_config_id', message: "not a live auth config of the caller's project" }] } });
      continue;
    }
    try {
      assertCredentialFits(authConfig, item.credential, 'item.credentials');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      results.set(index, { index, status: 'failed', error: invalid(error.message, error.fields) });
      continue;
    }
    const id = newId('ca');
    sealed.push({
      index,
      authConfig,
      account: {
        id,
        orgId: authConfig.orgId,
        projectId: authConfig.projectId,
        authConfigId: authConfig.id,
        userId: item.user_id,
        toolkit: authConfig.toolkit,
        credential: storedCredentialOf(ctx.vault, id, item.credential),
      },
    });
  }

  try {
    const body = await transaction(ctx.db, async (tx) => {
      // a deletion of an auth config waits for this transaction; one deleted since the read above
      // fails its items here, as it would have before it
      const live = await lockLiveAuthConfigs(tx, [...authConfigs.keys()]);
      const created = new Map<number, ImportItemResult>(results);
      const written: ImportedAccount[] = [];
      for (const { index, account, authConfig } of sealed) {
        if (!live.has(account.authConfigId)) {
          created.set(index, { index, status: 'failed', error: { code: 'not_found', message: 'auth config not found', fields: [{ path: 'item.auth_config_id', message: "not a live auth config of the caller's project" }] } });
          continue;
        }
        written.push(account);
        created.set(index, { index, status: 'created', account: recordOf(account, authConfig, at) });
      }
      const answer = request.present([...created.values()].sort((a, b) => a.index - b.index));
      if (scope && !(await claimIdempotencyKey(tx, scope, { apiKeyId: caller.apiKeyId, requestHash, status: 200, response: answer, ttlHours: ctx.env.IDEMPOTENCY_KEY_TTL_HOURS }))) {
        throw new KeyTaken();
      }
      await insertConnectedAccounts(tx, written, at);
      return answer;
    }, { timeout: 60_000 });
    if (scope) await deleteExpiredIdempotencyKeys(ctx.db, caller.projectId);
    return { status: 200, body, replayed: false };
  } catch (error) {
    if (!(error instanceof KeyTaken) || !scope) throw error;
    // a concurrent request with this key committed first: its answer is this one's
    const stored = await storedAnswer(ctx, scope, requestHash);
    if (stored) return stored;
    throw error;
  }
}

async function storedAnswer(ctx: ApolloContext, scope: IdempotencyScope, requestHash: string): Promise<ImportAnswer | null> {
  const stored = await findIdempotentAnswer(ctx.db, scope);
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    throw new UnprocessableError('idempotency_key_reused', 'this Idempotency-Key was used with another request body; use a new key for a new request');
  }
  return { status: stored.status, body: stored.response, replayed: true };
}

function recordOf(account: ImportedAccount, authConfig: AuthConfigRecord, at: Date): ConnectedAccountRecord {
  return {
    id: account.id,
    orgId: account.orgId,
    projectId: account.projectId,
    authConfigId: account.authConfigId,
    userId: account.userId,
    toolkit: authConfig.toolkit,
    authScheme: authConfig.authScheme,
    status: 'active',
    statusReason: null,
    lastRefreshedAt: null,
    lastRefreshErrorAt: null,
    lastRefreshError: null,
    createdAt: at,
    updatedAt: at,
  };
}
