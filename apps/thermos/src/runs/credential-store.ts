import type { PrismaClient } from '@at/db';
import type { OAuthCredential } from '@at/providers';
import type { Vault } from '@at/vault';

export class CredentialGoneError extends Error {
  override readonly name = 'CredentialGoneError';
}

/**
 * Replaces a connection's sealed credential with the pair a refresh just issued (the revoker
 * calls this before it uses the new pair: the old refresh token is spent). If revoking then
 * fails, the live pair is what is stored, and a retry revokes it. Only a credential that was
 * not destroyed meanwhile is replaced; otherwise this throws and the revoker revokes the new
 * pair at once.
 */
export async function storeRotatedCredential(db: PrismaClient, vault: Vault, connectedAccountId: string, credential: OAuthCredential): Promise<void> {
  const expiresAt = credential.expires_at !== undefined && !Number.isNaN(Date.parse(credential.expires_at)) ? new Date(credential.expires_at) : null;
  const sealed = JSON.stringify(vault.sealJson(credential, connectedAccountId));
  const count = await db.$executeRaw`
    UPDATE credentials SET sealed = ${sealed}::jsonb, expires_at = ${expiresAt}, updated_at = CURRENT_TIMESTAMP
    WHERE connected_account_id = ${connectedAccountId} AND destroyed_at IS NULL AND sealed IS NOT NULL`;
  if (count !== 1) throw new CredentialGoneError('the credential was destroyed meanwhile');
}
