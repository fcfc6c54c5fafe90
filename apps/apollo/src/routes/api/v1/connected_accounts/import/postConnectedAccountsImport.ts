import { z } from 'zod';
import { ValidationError } from '@at/common';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { importConnectedAccounts, IMPORT_OPERATION, type ImportItemResult } from '../../../../../use-cases/import-connected-accounts';
import { connectedAccountView, presentConnectedAccount } from '../connected-account-view';
import { toCredential } from '../credentials-body';
import { postConnectedAccountsBody } from '../postConnectedAccounts';
import { byteLimit, NDJSON_TYPES, readImportBody } from './import-body';

export const IMPORT_PATH = '/api/v1/connected_accounts/import';
export const MAX_IMPORT_ITEMS = 1000;

/** Each item is a single create's body, validated as strictly, on its own. */
const importItem = postConnectedAccountsBody.transform((body) => ({ auth_config_id: body.auth_config_id, user_id: body.user_id, credential: toCredential(body.credentials) }));

// RFC 9110 token-ish: printable ASCII without spaces, as Stripe and the IETF draft use them
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be 1..255 printable ASCII characters without spaces')
  .optional();

const fieldIssue = z.object({ path: z.string(), message: z.string() });

export const importResultView = z.discriminatedUnion('status', [
  z.object({ index: z.number().int().describe('position of the item in the body (NDJSON: among its non-blank lines), from 0'), status: z.literal('created'), connected_account: connectedAccountView }),
  z.object({
    index: z.number().int(),
    status: z.literal('failed'),
    error: z.object({ code: z.string().describe('invalid_request, or not_found (the auth config)'), message: z.string(), fields: z.array(fieldIssue).optional() }),
  }),
]);

export const importResponseView = z.object({
  created: z.number().int(),
  failed: z.number().int(),
  results: z.array(importResultView).describe('one per item, in body order'),
});

const present = (results: ImportItemResult[]): z.output<typeof importResponseView> => ({
  created: results.filter((r) => r.status === 'created').length,
  failed: results.filter((r) => r.status === 'failed').length,
  results: results.map((r) => (r.status === 'created' ? { index: r.index, status: r.status, connected_account: presentConnectedAccount(r.account) } : r)),
});

export const postConnectedAccountsImport = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: IMPORT_PATH,
    operationId: IMPORT_OPERATION,
    summary: "Connect up to 1,000 end users' credentials in one request (a JSON array, or NDJSON streamed)",
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.projectImport,
    ownBody: {
      description: `up to ${MAX_IMPORT_ITEMS} accounts, each the body of POST /api/v1/connected_accounts; at most IMPORT_BODY_LIMIT bytes. Send the header Idempotency-Key to make a retry a no-op.`,
      content: {
        'application/json': z.array(postConnectedAccountsBody).max(MAX_IMPORT_ITEMS),
        ...Object.fromEntries(NDJSON_TYPES.map((type) => [type, postConnectedAccountsBody.describe('one account per line')])),
      },
    },
    responses: {
      200: {
        description:
          'each item created (sealed like a single create; credentials are never returned) or failed with its own errors; the others still go in. Retried with the same Idempotency-Key and body: the same answer, nothing changed (header Idempotent-Replayed: true)',
        schema: importResponseView,
      },
      400: { description: 'the body is not a JSON array or NDJSON, has more than 1,000 items, or the Idempotency-Key is malformed', schema: errorResponseSchema },
      413: { description: 'the body is over IMPORT_BODY_LIMIT', schema: errorResponseSchema },
      415: { description: 'the body is neither application/json nor application/x-ndjson (application/jsonl), or is not UTF-8', schema: errorResponseSchema },
      422: { description: 'idempotency_key_reused: the Idempotency-Key was used with another body', schema: errorResponseSchema },
      429: { description: 'over IMPORT_RATE_LIMIT_PER_MINUTE imports a minute for this API key', schema: errorResponseSchema },
    },
    handler: async ({ auth, req }) => {
      const key = idempotencyKey.safeParse(req.header('idempotency-key'));
      if (!key.success) throw new ValidationError('invalid Idempotency-Key header', [{ path: 'header.idempotency-key', message: key.error.issues[0]?.message ?? 'invalid' }]);
      const body = await readImportBody(req, byteLimit(ctx.env.IMPORT_BODY_LIMIT), MAX_IMPORT_ITEMS);
      if (body.items.length === 0) throw new ValidationError('no accounts to import', [{ path: 'body', message: 'at least one account' }]);
      const answer = await importConnectedAccounts(ctx, auth, {
        items: body.items,
        parseItem: (value) => importItem.safeParse(value),
        body: body.bytes,
        idempotencyKey: key.data,
        present,
      });
      return { status: answer.status, body: answer.body, headers: answer.replayed ? { 'idempotent-replayed': 'true' } : {} };
    },
  });
