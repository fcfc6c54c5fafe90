import { newId } from '@at/common';
import { generateSecret, hashSecret, SECRET_PREFIX } from '../auth/secret-tokens';
import type { ApolloContext } from '../context';
import { insertOrgWithAdminToken, type OrgRecord } from '../repositories/orgs';

/** Creates an org and its first org admin token: the plaintext goes to the caller once, only the hash is stored. */
export async function createOrg(ctx: Pick<ApolloContext, 'db'>, name: string): Promise<{ org: OrgRecord; adminToken: string }> {
  const adminToken = generateSecret(SECRET_PREFIX.orgAdminToken);
  const org = await insertOrgWithAdminToken(ctx.db, { id: newId('org'), name, adminToken: { id: newId('oat'), tokenHash: hashSecret(adminToken) } });
  return { org, adminToken };
}
