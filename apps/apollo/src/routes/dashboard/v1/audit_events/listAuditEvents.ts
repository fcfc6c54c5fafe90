import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { auditEventsPage, auditPage, auditQuery } from '../../../audit-view';

export const listAuditEvents = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/dashboard/v1/audit_events',
    operationId: 'listOrgAuditEvents',
    summary: "The org's audit log: every state change in the org and its projects, and the system's actions",
    tags: ['audit'],
    security: 'orgToken',
    auth: ctx.auth.org,
    query: auditQuery,
    responses: { 200: { description: 'one page, newest first', schema: auditPage } },
    handler: async ({ auth, query }) => ({ status: 200, body: await auditEventsPage(ctx, { orgId: auth.orgId }, query) }),
  });
