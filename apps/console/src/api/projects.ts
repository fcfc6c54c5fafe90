import { api, unwrap, type Answer } from './client';

export type Project = Answer<'/dashboard/v1/projects/{id}', 'get', 200>;

/** Every live project of the org (the console shows them all; an org has few). */
export async function listAllProjects(): Promise<Project[]> {
  const projects: Project[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/dashboard/v1/projects', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
    projects.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return projects;
}

export function getProject(id: string): Promise<Project> {
  return unwrap(api.GET('/dashboard/v1/projects/{id}', { params: { path: { id } } }));
}
