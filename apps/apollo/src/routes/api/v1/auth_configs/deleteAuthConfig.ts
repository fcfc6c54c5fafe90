import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { softDeleteAuthConfig } from '../../../../repositories/auth-configs';
import { deleteWithRevocation } from '../../../../use-cases/revoke-jobs/delete-with-revocation';
import { deleteResponses, idParam, revokeOnDeleteQuery } from '../../../schemas';

export const deleteAuthConfigParams = idParam('ac', 'auth config');

export const deleteAuthConfig = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/api/v1/auth_configs/{id}',
    operationId: 'deleteAuthConfig',
    summary: 'Delete an auth config (soft), optionally revoking every credential live under it',
    tags: ['auth configs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: deleteAuthConfigParams,
    query: revokeOnDeleteQuery,
    responses: deleteResponses,
    handler: async ({ auth, params, query }) => {
      const revocation = await deleteWithRevocation(ctx, {
        resource: 'auth config',
        softDelete: (db) => softDeleteAuthConfig(db, auth.projectId, params.id),
        owner: { kind: 'project', orgId: auth.orgId, projectId: auth.projectId },
        scope: { type: 'auth_config', id: params.id },
        revoke: query.revoke_on_delete,
      });
      return { status: 200, body: { id: params.id, deleted: true, revocation } };
    },
  });
