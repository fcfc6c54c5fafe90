import { api, unwrap, type Answer } from './client';

export type JobSummary = Answer<'/dashboard/v1/revoke_jobs', 'get', 200>['items'][number];
export type Job = Answer<'/dashboard/v1/revoke_jobs/{id}', 'get', 200>;
export type JobResult = Answer<'/dashboard/v1/revoke_jobs/{id}/results', 'get', 200>['items'][number];
export type Outcome = JobResult['outcome'];
export type ScopeType = JobSummary['scope']['type'];
export type DryRun = Extract<Answer<'/dashboard/v1/revoke_jobs', 'post', 200>, { dry_run: true }>;
export type StartedJob = Answer<'/dashboard/v1/revoke_jobs', 'post', 202>;
type Page<T> = { items: T[]; next_cursor: string | null };

export const OUTCOMES: readonly Outcome[] = ['pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed', 'cancelled'];

/**
 * Where a job lives: the org's own (oj_, started on the dashboard) or a project's (pj_, started
 * with one of its API keys), which the org admin reads under the project.
 */
export type JobRef = { id: string; projectId?: string | undefined };

export const jobHref = (ref: JobRef) => (ref.projectId ? `#/projects/${ref.projectId}/jobs/${ref.id}` : `#/jobs/${ref.id}`);

export function listJobs(projectId?: string, cursor?: string): Promise<Page<JobSummary>> {
  const query = { limit: 20, ...(cursor ? { cursor } : {}) };
  return projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs', { params: { path: { id: projectId }, query } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs', { params: { query } }));
}

export function getJob(ref: JobRef): Promise<Job> {
  return ref.projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs/{id}', { params: { path: { id: ref.id } } }));
}

export function listResults(ref: JobRef, outcome: Outcome | undefined, cursor?: string): Promise<Page<JobResult>> {
  const query = { limit: 50, ...(outcome ? { outcome } : {}), ...(cursor ? { cursor } : {}) };
  return ref.projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/results', { params: { path: { id: ref.projectId, job_id: ref.id }, query } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs/{id}/results', { params: { path: { id: ref.id }, query } }));
}

export async function retryJob(ref: JobRef): Promise<StartedJob> {
  return ref.projectId
    ? unwrap(api.POST('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/retry', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.POST('/dashboard/v1/revoke_jobs/{id}/retry', { params: { path: { id: ref.id } } }));
}

export type ScopeChoice = { type: ScopeType; id?: string };

export async function previewRevoke(scope: ScopeChoice): Promise<DryRun> {
  const answer = await unwrap(api.POST('/dashboard/v1/revoke_jobs', { body: { scope, dry_run: true } }));
  if (!('dry_run' in answer)) throw new Error('apollo started a job instead of a dry run');
  return answer;
}

export async function startRevoke(scope: ScopeChoice): Promise<StartedJob> {
  const answer = await unwrap(api.POST('/dashboard/v1/revoke_jobs', { body: { scope, dry_run: false } }));
  if ('dry_run' in answer) throw new Error('apollo answered a dry run');
  return answer;
}

/** The run of a job in the Temporal Web UI. */
export function temporalRunUrl(temporal: { ui_url: string; namespace: string }, job: Pick<JobSummary, 'workflow_id' | 'run_id'>): string {
  return `${temporal.ui_url}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(job.workflow_id)}/${encodeURIComponent(job.run_id)}`;
}

/** Cancels a running job: calls in flight finish and are recorded; the job ends cancelled. */
export async function cancelJob(ref: JobRef): Promise<Job> {
  return ref.projectId
    ? unwrap(api.POST('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/cancel', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.POST('/dashboard/v1/revoke_jobs/{id}/cancel', { params: { path: { id: ref.id } } }));
}
