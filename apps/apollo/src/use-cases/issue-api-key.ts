import { NotFoundError, newId } from '@at/common';
import { generateSecret, hashSecret, SECRET_PREFIX } from '../auth/secret-tokens';
import type { ApolloContext } from '../context';
import { insertApiKey, type ApiKeyRecord } from '../repositories/api-keys';
import { findLiveProject } from '../repositories/projects';

/** A fresh project API key: the plaintext goes to the caller once, only the hash is stored. */
export function newApiKey(): { id: string; plaintext: string; keyHash: string } {
  const plaintext = generateSecret(SECRET_PREFIX.apiKey);
  return { id: newId('key'), plaintext, keyHash: hashSecret(plaintext) };
}

/** Adds an API key to a live project of the org (another org's project is not found). */
export async function issueApiKey(ctx: ApolloContext, orgId: string, projectId: string): Promise<ApiKeyRecord & { plaintext: string }> {
  const project = await findLiveProject(ctx.db, orgId, projectId);
  if (!project) throw new NotFoundError('project');
  const key = newApiKey();
  const record = await insertApiKey(ctx.db, { id: key.id, projectId: project.id, keyHash: key.keyHash });
  return { ...record, plaintext: key.plaintext };
}
