import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { softDeleteConnectedAccount } from '../../../../repositories/connected-accounts';
import { deleteWithRevocation } from '../../../../use-cases/revoke-jobs/delete-with-revocation';
import { deleteResponses, idParam, revokeOnDeleteQuery } from '../../../schemas';

export const deleteConnectedAccountParams = idParam('ca', 'connected account');

export const deleteConnectedAccount = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/api/v1/connected_accounts/{id}',
    operationId: 'deleteConnectedAccount',
    summary: 'Delete a connected account (soft), optionally revoking its credential at the provider',
    tags: ['connected accounts'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: deleteConnectedAccountParams,
    query: revokeOnDeleteQuery,
    responses: deleteResponses,
    handler: async ({ auth, params, query }) => {
      const revocation = await deleteWithRevocation(ctx, {
        resource: 'connected account',
        softDelete: (db) => softDeleteConnectedAccount(db, auth.projectId, params.id),
        owner: { kind: 'project', orgId: auth.orgId, projectId: auth.projectId },
        scope: { type: 'connected_account', id: params.id },
        revoke: query.revoke_on_delete,
      });
      return { status: 200, body: { id: params.id, deleted: true, revocation } };
    },
  });
