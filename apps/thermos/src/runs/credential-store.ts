import type { PrismaClient } from '@at/db';
import { recordRotatedForRevocation } from '@at/lifecycle';
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
  // the one write-back module: the fencing version moves with every write of the credential
  const stored = await recordRotatedForRevocation(db, { connectedAccountId, sealed: vault.sealJson(credential, connectedAccountId), expiresAt });
  if (!stored) throw new CredentialGoneError('the credential was destroyed meanwhile');
}
