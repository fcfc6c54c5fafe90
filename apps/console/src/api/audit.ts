import { api, unwrap, type Answer } from './client';

type AuditPage = Answer<'/dashboard/v1/audit_events', 'get', 200>;
export type AuditEvent = AuditPage['items'][number];
export type AuditFilter = { action?: string; target?: string; since?: string; until?: string };

export function listAuditEvents(filter: AuditFilter, cursor?: string): Promise<AuditPage> {
  return unwrap(api.GET('/dashboard/v1/audit_events', { params: { query: { limit: 50, ...filter, ...(cursor ? { cursor } : {}) } } }));
}
