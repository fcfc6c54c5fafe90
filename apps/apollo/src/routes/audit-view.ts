import { z } from 'zod';
import { listAuditEvents, type AuditEventRow, type AuditFilter } from '@at/db';
import type { ApolloContext } from '../context';
import { pageOf, pageQueryShape } from './paging';
import { instant, iso, plainText, timestamp } from './schemas';

/** Audit events as returned, on both surfaces. */
export const auditEventView = z.object({
  id: z.string(),
  org_id: z.string().nullable(),
  project_id: z.string().nullable(),
  actor: z.object({
    type: z.enum(['api_key', 'org_admin_token', 'admin', 'system']),
    id: z.string().nullable().describe('key_/oat_ id, null for the admin token, or what acted for the system (reconciler, sweep)'),
  }),
  action: z.string().describe('the operation (operationId of the endpoint, or the system action)'),
  targets: z.array(z.string()).describe('ids the action touched'),
  surface: z.enum(['api', 'dashboard', 'console', 'admin', 'system']),
  request_id: z.string().nullable(),
  created_at: timestamp,
});

export const auditQuery = z.strictObject({
  ...pageQueryShape,
  action: plainText(100).optional().describe('only this action, e.g. deleteConnectedAccount'),
  target: plainText(100).optional().describe('only events touching this id'),
  since: instant('only events at or after this time').optional(),
  until: instant('only events before this time').optional(),
});

export const auditPage = pageOf(auditEventView);

const present = (e: AuditEventRow): z.output<typeof auditEventView> => ({
  id: e.id,
  org_id: e.orgId,
  project_id: e.projectId,
  actor: { type: e.actorType, id: e.actorId },
  action: e.action,
  targets: e.targets,
  surface: e.surface as z.output<typeof auditEventView>['surface'],
  request_id: e.requestId,
  created_at: iso(e.createdAt),
});

/** One page, newest first; the cursor is bound to the caller and the filters. */
export async function auditEventsPage(ctx: ApolloContext, scope: Pick<AuditFilter, 'orgId' | 'projectId'>, query: z.output<typeof auditQuery>): Promise<z.output<typeof auditPage>> {
  const binding = `${scope.projectId ?? scope.orgId}:audit:${query.action ?? ''}:${query.target ?? ''}:${query.since ?? ''}:${query.until ?? ''}`;
  const before = query.cursor === undefined ? undefined : ctx.cursors.decode(query.cursor, binding);
  const rows = await listAuditEvents(
    ctx.db,
    { ...scope, action: query.action, target: query.target, since: query.since ? new Date(query.since) : undefined, until: query.until ? new Date(query.until) : undefined },
    before,
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(present), next_cursor: rows.length > query.limit && last ? ctx.cursors.encode(last.id, binding) : null };
}
