import { Prisma } from '../generated/prisma/client';
import type { EventType } from '@at/common';
import type { DbClient } from './transaction';

/*
 * The outbox. Every event is written by the transaction (often the very statement) that makes
 * the change it reports, so a change that rolls back sends nothing and a committed one is never
 * lost. Writers of a connection's events hold its row lock (connected_accounts, id order), so per
 * connection the sequence is the order of the changes.
 */

export type NewEvent = {
  orgId: string;
  projectId: string | null;
  connectedAccountId: string | null;
  type: EventType;
  data: Record<string, unknown>;
};

/** One event, its id made by the database (at_new_id: evt_ ids sort by time like every other). */
export async function insertEvent(db: DbClient, event: NewEvent): Promise<void> {
  await db.$executeRaw`INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
    VALUES (at_new_id('evt'), ${event.orgId}, ${event.projectId}, ${event.connectedAccountId}, ${event.type}, ${JSON.stringify(event.data)}::jsonb)`;
}

/**
 * The data of a connection's event, as a jsonb expression over the aliases ca
 * (connected_accounts) and ac (auth_configs). Never a credential.
 */
export const CONNECTION_EVENT_DATA = Prisma.sql`jsonb_build_object('connected_account_id', ca.id, 'project_id', ca.project_id,
  'auth_config_id', ca.auth_config_id, 'user_id', ca.user_id, 'toolkit', ac.toolkit)`;

export type DeletedParent = { type: 'connected_account' | 'auth_config' | 'project'; id: string };

/**
 * One `connected_account.deleted` event for each connection the deletion of `parent` (just made
 * in the caller's transaction) took away, set-based: a connection deleted earlier, or under an
 * auth config deleted earlier, had its event then. The connections are locked first (id order,
 * the lock order of every writer) so their events stay in the order of their changes.
 */
export async function insertDeletedEvents(db: DbClient, parent: DeletedParent): Promise<number> {
  const where = {
    connected_account: Prisma.sql`ca.id = ${parent.id}`,
    auth_config: Prisma.sql`ca.auth_config_id = ${parent.id} AND ca.deleted_at IS NULL`,
    project: Prisma.sql`ca.project_id = ${parent.id} AND ca.deleted_at IS NULL AND ac.deleted_at IS NULL`,
  }[parent.type];
  return db.$executeRaw`
    WITH gone AS MATERIALIZED (
      SELECT ca.id FROM connected_accounts ca JOIN auth_configs ac ON ac.id = ca.auth_config_id WHERE ${where} ORDER BY ca.id FOR UPDATE OF ca)
    INSERT INTO events (id, org_id, project_id, connected_account_id, type, data)
    SELECT at_new_id('evt'), ca.org_id, ca.project_id, ca.id, 'connected_account.deleted',
      ${CONNECTION_EVENT_DATA} || jsonb_build_object('deleted_with', jsonb_build_object('type', ${parent.type}::text, 'id', ${parent.id}::text))
    FROM gone JOIN connected_accounts ca ON ca.id = gone.id JOIN auth_configs ac ON ac.id = ca.auth_config_id
    ORDER BY ca.id`;
}
