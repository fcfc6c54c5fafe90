import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { softDeleteProject } from '../../../../repositories/projects';
import { deleteWithRevocation } from '../../../../use-cases/revoke-jobs/delete-with-revocation';
import { deleteResponses, idParam, revokeOnDeleteQuery } from '../../../schemas';

export const deleteProjectParams = idParam('prj', 'project');

export const deleteProject = (ctx: ApolloContext) =>
  defineRoute({
    method: 'delete',
    path: '/dashboard/v1/projects/{id}',
    operationId: 'deleteProject',
    summary: 'Delete a project (soft), optionally revoking every credential live under it',
    tags: ['projects'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: deleteProjectParams,
    query: revokeOnDeleteQuery,
    responses: deleteResponses,
    handler: async ({ auth, params, query }) => {
      const revocation = await deleteWithRevocation(ctx, {
        resource: 'project',
        softDelete: (db) => softDeleteProject(db, auth.orgId, params.id),
        owner: { kind: 'org', orgId: auth.orgId },
        scope: { type: 'project', id: params.id },
        revoke: query.revoke_on_delete,
      });
      return { status: 200, body: { id: params.id, deleted: true, revocation } };
    },
  });
