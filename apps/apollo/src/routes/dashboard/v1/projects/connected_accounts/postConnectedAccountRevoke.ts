import { z } from 'zod';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../../context';
import { projectOwnerFor } from '../../../../../use-cases/revoke-jobs/project-owner';
import { revokeConnectionNow } from '../../../../../use-cases/revoke-jobs/revoke-connection-now';
import { revokeNowResponses } from '../../../../api/v1/connected_accounts/postConnectedAccountRevoke';
import { idField } from '../../../../schemas';

export const revokeProjectConnectedAccountParams = z.strictObject({ id: idField('prj', 'project'), connected_account_id: idField('ca', 'connected account') });

/** Revokes one connection of a project now, as the org (an oj_ job, trigger dashboard). */
export const postConnectedAccountRevoke = (ctx: ApolloContext) =>
  defineRoute({
    method: 'post',
    path: '/dashboard/v1/projects/{id}/connected_accounts/{connected_account_id}/revoke',
    operationId: 'dashboardRevokeConnectedAccount',
    summary: 'Revoke one connected account of a project now',
    tags: ['connected accounts'],
    security: 'orgToken',
    auth: ctx.auth.org,
    params: revokeProjectConnectedAccountParams,
    responses: revokeNowResponses,
    handler: async ({ auth, params }) => {
      const { projectId } = await projectOwnerFor(ctx.db, auth.orgId, params.id);
      const result = await revokeConnectionNow(ctx, { kind: 'org', orgId: auth.orgId }, params.connected_account_id, { trigger: 'dashboard', withinProject: projectId });
      return { status: result.outcome === 'pending' ? 202 : 200, body: result };
    },
  });
