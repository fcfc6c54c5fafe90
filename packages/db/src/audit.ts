import { Prisma } from '../generated/prisma/client';
import type { DbClient } from './transaction';

/*
 * The audit log: who did what to which ids, through which surface, when. Append-only: the code
 * only inserts and reads, and database triggers refuse UPDATE, DELETE and TRUNCATE. Never a
 * secret: actions are operation names, targets are ids.
 */

import type { AuditActorType } from '../generated/prisma/client';
export type AuditSurface = 'api' | 'dashboard' | 'console' | 'admin' | 'system';

export type NewAuditEvent = {
  orgId: string | null;
  projectId: string | null;
  actor: { type: AuditActorType; id: string | null };
  action: string;
  targets: string[];
  surface: AuditSurface;
  requestId: string | null;
};

/** One audit event and its target rows, in one statement. */
export async function insertAuditEvent(db: DbClient, event: NewAuditEvent): Promise<void> {
  const targets = [...new Set(event.targets)];
  await db.$executeRaw`
    WITH audit AS (
      INSERT INTO audit_events (id, org_id, project_id, actor_type, actor_id, action, targets, surface, request_id)
      VALUES (at_new_id('aud'), ${event.orgId}, ${event.projectId}, ${event.actor.type}::audit_actor_type, ${event.actor.id}, ${event.action}, ${targets}::text[], ${event.surface}, ${event.requestId})
      RETURNING id)
    INSERT INTO audit_event_targets (target_id, audit_event_id) SELECT unnest(${targets}::text[]), id FROM audit`;
}

export type AuditEventRow = {
  id: string;
  orgId: string | null;
  projectId: string | null;
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  targets: string[];
  surface: string;
  requestId: string | null;
  createdAt: Date;
};

export type AuditFilter = {
  orgId: string;
  /** only this project's events (the platform API); undefined: the whole org's */
  projectId?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
};

/** Newest first, keyset paged by id (ids sort by time). */
export async function listAuditEvents(db: DbClient, filter: AuditFilter, before: string | undefined, take: number): Promise<AuditEventRow[]> {
  const parts: Prisma.Sql[] = [Prisma.sql`a.org_id = ${filter.orgId}`];
  if (filter.projectId !== undefined) parts.push(Prisma.sql`a.project_id = ${filter.projectId}`);
  if (filter.action !== undefined) parts.push(Prisma.sql`a.action = ${filter.action}`);
  if (filter.target !== undefined) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM audit_event_targets t WHERE t.target_id = ${filter.target} AND t.audit_event_id = a.id)`);
  if (filter.since !== undefined) parts.push(Prisma.sql`a.created_at >= ${filter.since}`);
  if (filter.until !== undefined) parts.push(Prisma.sql`a.created_at < ${filter.until}`);
  if (before !== undefined) parts.push(Prisma.sql`a.id < ${before}`);
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT a.id, a.org_id, a.project_id, a.actor_type::text AS actor_type, a.actor_id, a.action, a.targets, a.surface, a.request_id, a.created_at
    FROM audit_events a WHERE ${Prisma.join(parts, ' AND ')} ORDER BY a.id DESC LIMIT ${take}`;
  return rows.map((r) => ({
    id: String(r['id']),
    orgId: (r['org_id'] as string | null) ?? null,
    projectId: (r['project_id'] as string | null) ?? null,
    actorType: r['actor_type'] as AuditActorType,
    actorId: (r['actor_id'] as string | null) ?? null,
    action: String(r['action']),
    targets: (r['targets'] as string[] | null) ?? [],
    surface: String(r['surface']),
    requestId: (r['request_id'] as string | null) ?? null,
    createdAt: r['created_at'] as Date,
  }));
}
