import type { DbClient } from '@at/db';

export type OrgRecord = { id: string; name: string };

/** Creates an org together with its first admin token (stored hashed), in one statement. */
export async function insertOrgWithAdminToken(db: DbClient, input: { id: string; name: string; adminToken: { id: string; tokenHash: string } }): Promise<OrgRecord> {
  return db.org.create({
    data: { id: input.id, name: input.name, adminTokens: { create: { id: input.adminToken.id, tokenHash: input.adminToken.tokenHash } } },
    select: { id: true, name: true },
  });
}

