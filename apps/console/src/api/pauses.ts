import { api, unwrap, type Answer } from './client';

export type PauseState = Answer<'/dashboard/v1/projects/{id}/pause_state', 'get', 200>;

export function getPauseState(projectId: string): Promise<PauseState> {
  return unwrap(api.GET('/dashboard/v1/projects/{id}/pause_state', { params: { path: { id: projectId } } }));
}

export function pauseProject(projectId: string, reason: string): Promise<unknown> {
  return unwrap(api.POST('/dashboard/v1/projects/{id}/pause', { params: { path: { id: projectId } }, body: reason ? { reason } : {} }));
}

export function resumeProject(projectId: string): Promise<unknown> {
  return unwrap(api.POST('/dashboard/v1/projects/{id}/resume', { params: { path: { id: projectId } }, body: {} }));
}
