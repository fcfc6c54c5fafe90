import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { auditEventsPage, auditPage, auditQuery } from '../../../audit-view';

export const listAuditEvents = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/audit_events',
    operationId: 'listAuditEvents',
    summary: "The project's audit log: every state change, who made it, through which surface",
    tags: ['audit'],
    security: 'apiKey',
    auth: ctx.auth.project,
    query: auditQuery,
    responses: { 200: { description: 'one page, newest first', schema: auditPage } },
    handler: async ({ auth, query }) => ({ status: 200, body: await auditEventsPage(ctx, { orgId: auth.orgId, projectId: auth.projectId }, query) }),
  });
