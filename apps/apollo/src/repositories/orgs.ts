import type { DbClient } from '@at/db';

export type OrgRecord = { id: string; name: string };

/** Creates an org together with its first admin token (stored hashed), in one statement. */
export async function insertOrgWithAdminToken(db: DbClient, input: { id: string; name: string; adminToken: { id: string; tokenHash: string } }): Promise<OrgRecord> {
  return db.org.create({
    data: { id: input.id, name: input.name, adminTokens: { create: { id: input.adminToken.id, tokenHash: input.adminToken.tokenHash } } },
    select: { id: true, name: true },
  });
}

/** The org admin token with this hash and whether it or its org is deleted (dashboard authentication). */
export async function findOrgAdminTokenByHash(db: DbClient, tokenHash: string): Promise<{ id: string; tokenHash: string; orgId: string; live: boolean } | null> {
  const row = await db.orgAdminToken.findUnique({ where: { tokenHash }, select: { id: true, tokenHash: true, orgId: true, deletedAt: true, org: { select: { deletedAt: true } } } });
  return row && { id: row.id, tokenHash: row.tokenHash, orgId: row.orgId, live: !row.deletedAt && !row.org.deletedAt };
}
