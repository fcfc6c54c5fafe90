import { newId } from '@at/common';
import type { ApolloContext } from '../context';
import { insertProjectWithApiKey, type ProjectRecord } from '../repositories/projects';
import { newApiKey } from './issue-api-key';

/** A project is useless without a key, so it is born with one. */
export async function createProject(ctx: ApolloContext, orgId: string, name: string): Promise<{ project: ProjectRecord; apiKey: { id: string; plaintext: string } }> {
  const key = newApiKey();
  const project = await insertProjectWithApiKey(ctx.db, { id: newId('prj'), orgId, name, apiKey: { id: key.id, keyHash: key.keyHash } });
  return { project, apiKey: { id: key.id, plaintext: key.plaintext } };
}
