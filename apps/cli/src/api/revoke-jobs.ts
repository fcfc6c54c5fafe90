import { unwrap, type Answer, type ApolloClient } from './client';

export type Job = Answer<'/dashboard/v1/revoke_jobs/{id}', 'get', 200>;
export type JobSummary = Answer<'/dashboard/v1/revoke_jobs', 'get', 200>['items'][number];
export type JobResult = Answer<'/dashboard/v1/revoke_jobs/{id}/results', 'get', 200>['items'][number];
export type Outcome = JobResult['outcome'];
export type Scope = { type: JobSummary['scope']['type']; id?: string };
export type DryRun = Extract<Answer<'/dashboard/v1/revoke_jobs', 'post', 200>, { dry_run: true }>;
export type StartedJob = Answer<'/dashboard/v1/revoke_jobs', 'post', 202>;
type Page<T> = { items: T[]; next_cursor: string | null };

export const OUTCOMES: readonly Outcome[] = ['pending', 'revoked', 'already_revoked', 'unsupported_by_provider', 'failed', 'cancelled'];

/** An org job (oj_), or a project's own job (pj_) read under its project. */
export type JobRef = { id: string; projectId?: string | undefined };

export async function startRevoke(api: ApolloClient, scope: Scope, dryRun: boolean): Promise<DryRun | StartedJob> {
  return unwrap(api.POST('/dashboard/v1/revoke_jobs', { body: { scope, dry_run: dryRun } }));
}

export function getJob(api: ApolloClient, ref: JobRef): Promise<Job> {
  return ref.projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs/{id}', { params: { path: { id: ref.id } } }));
}

export function listJobs(api: ApolloClient, projectId: string | undefined, limit: number, cursor?: string): Promise<Page<JobSummary>> {
  const query = { limit, ...(cursor ? { cursor } : {}) };
  return projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs', { params: { path: { id: projectId }, query } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs', { params: { query } }));
}

export function listResults(api: ApolloClient, ref: JobRef, query: { limit: number; outcome?: Outcome | undefined; cursor?: string | undefined }): Promise<Page<JobResult>> {
  const q = { limit: query.limit, ...(query.outcome ? { outcome: query.outcome } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) };
  return ref.projectId
    ? unwrap(api.GET('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/results', { params: { path: { id: ref.projectId, job_id: ref.id }, query: q } }))
    : unwrap(api.GET('/dashboard/v1/revoke_jobs/{id}/results', { params: { path: { id: ref.id }, query: q } }));
}

export function retryJob(api: ApolloClient, ref: JobRef): Promise<StartedJob> {
  return ref.projectId
    ? unwrap(api.POST('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/retry', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.POST('/dashboard/v1/revoke_jobs/{id}/retry', { params: { path: { id: ref.id } } }));
}

/** Asks apollo to cancel a running job; answers the job as it stands right after. */
export function cancelJob(api: ApolloClient, ref: JobRef): Promise<Job> {
  return ref.projectId
    ? unwrap(api.POST('/dashboard/v1/projects/{id}/revoke_jobs/{job_id}/cancel', { params: { path: { id: ref.projectId, job_id: ref.id } } }))
    : unwrap(api.POST('/dashboard/v1/revoke_jobs/{id}/cancel', { params: { path: { id: ref.id } } }));
}
