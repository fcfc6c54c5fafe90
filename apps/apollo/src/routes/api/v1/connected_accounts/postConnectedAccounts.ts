import { z } from 'zod';
import { defineRoute, errorResponseSchema } from '@at/http';
import type { Credential } from '@at/providers';
import type { ApolloContext } from '../../../../context';
import { createConnectedAccount } from '../../../../use-cases/create-connected-account';
import { idField, instant, oauthSecret, opaqueSecret, plainText } from '../../../schemas';
import { connectedAccountView, presentConnectedAccount } from './connected-account-view';

const OAUTH_FIELDS = ['access_token', 'refresh_token', 'expires_at'] as const;

// One object rather than a union of two, so an unknown or misplaced field is named in the error.
export const credentialsBody = z
  .strictObject({
    access_token: oauthSecret(8192).optional(),
    refresh_token: oauthSecret(8192).optional(),
    expires_at: instant('when the access token expires').optional(),
    api_key: opaqueSecret(4096).optional(),
  })
  .superRefine((value, check) => {
    if (value.api_key !== undefined) {
      for (const field of OAUTH_FIELDS) {
        if (value[field] !== undefined) check.addIssue({ code: 'custom', path: [field], message: 'not allowed with api_key' });
      }
    } else if (value.access_token === undefined) {
      check.addIssue({ code: 'custom', path: ['access_token'], message: 'required (or api_key for an api_key auth config)' });
    }
  })
  .describe('either {access_token, refresh_token?, expires_at?} (auth_scheme oauth2) or {api_key} (auth_scheme api_key); stored sealed, never returned');

export const postConnectedAccountsBody = z.strictObject({
  auth_config_id: idField('ac', 'auth config'),
  user_id: plainText(256).describe('your id of the end user, 1..256 characters'),
  credentials: credentialsBody,
});

function toCredential(body: z.output<typeof credentialsBody>): Credential {
  if (body.api_key !== undefined) return { type: 'api_key', api_key: body.api_key };
  return {
    type: 'oauth2',
    access_token: body.access_token ?? '',
    ...(body.refresh_token === undefined ? {} : { refresh_token: body.refresh_token }),
    ...(body.expires_at === undefined ? {} : { expires_at: new Date(body.expires_at).toISOString() }),
  };
}

export const postConnectedAccounts = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/api/v1/connected_accounts',
    operationId: 'createConnectedAccount',
    summary: "Connect an end user's credential under an auth config",
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    body: postConnectedAccountsBody,
    responses: {
      201: { description: 'created (credentials are never returned)', schema: connectedAccountView },
      404: { description: "the auth config is not the caller's, or was deleted", schema: errorResponseSchema },
    },
    handler: async ({ auth, body }) => {
      const account = await createConnectedAccount(ctx, auth, { authConfigId: body.auth_config_id, userId: body.user_id, credential: toCredential(body.credentials) });
      return { status: 201, body: presentConnectedAccount(account) };
    },
  });
