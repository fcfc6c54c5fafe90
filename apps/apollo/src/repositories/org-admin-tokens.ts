import type { DbClient } from '@at/db';

export type OrgAdminTokenRecord = { id: string; orgId: string; orgName: string };

/** The live token with this hash, of a live org; null otherwise. */
export async function findLiveOrgAdminToken(db: DbClient, tokenHash: string): Promise<OrgAdminTokenRecord | null> {
  const row = await db.orgAdminToken.findUnique({ where: { tokenHash }, include: { org: { select: { name: true, deletedAt: true } } } });
  if (!row || row.deletedAt || row.org.deletedAt) return null;
  return { id: row.id, orgId: row.orgId, orgName: row.org.name };
}
