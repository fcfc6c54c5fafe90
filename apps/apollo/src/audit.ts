import { insertAuditEvent, type AuditSurface, type NewAuditEvent, type PrismaClient } from '@at/db';
import type { Logger } from '@at/common';
import type { StateChange } from '@at/http';
import type { AdminCaller, OrgCaller, ProjectCaller } from './auth/authenticators';

type Caller = ProjectCaller | OrgCaller | AdminCaller;

const isCaller = (auth: unknown): auth is Caller =>
  typeof auth === 'object' && auth !== null && ['project', 'org', 'admin'].includes(String((auth as { kind?: unknown }).kind));

// ids look like `<prefix>_<26 chars>`: only they become targets, never any other value
const ID = /^[a-z]{2,3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** The ids a change touched: its path parameters and the ids of what it answered (a created resource, a job). */
function targetsOf(change: StateChange): string[] {
  const out: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && ID.test(value)) out.push(value);
  };
  if (change.params && typeof change.params === 'object') Object.values(change.params).forEach(add);
  const body = change.result.body;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    add(record['id']);
    const revocation = record['revocation'];
    if (revocation && typeof revocation === 'object') add((revocation as Record<string, unknown>)['job_id']);
  }
  return out;
}

function surfaceOf(path: string, caller: Caller): AuditSurface {
  if (path.startsWith('/admin/')) return 'admin';
  if (path.startsWith('/console/')) return 'console';
  if (caller.kind === 'org') return caller.surface;
  return 'api';
}

/** What the audit log records of a request: the caller, the operation, the ids; never a body. */
export function auditEventOf(change: StateChange): NewAuditEvent | null {
  const caller = change.auth;
  if (!isCaller(caller)) return null;
  // a dry run, or a switch already in that state, changed nothing
  const answer = change.result.body as Record<string, unknown> | null;
  if (answer?.['dry_run'] === true || answer?.['changed'] === false) return null;
  // an idempotent retry answered from the stored result changed nothing either
  if (change.result.headers?.['idempotent-replayed'] === 'true') return null;
  const targets = targetsOf(change);
  return {
    // an admin acts on no org of its own: the org it created or targeted, if any
    orgId: caller.kind === 'admin' ? (targets.find((id) => id.startsWith('org_')) ?? null) : caller.orgId,
    // a dashboard or admin action on a project belongs to that project's log too
    projectId: caller.kind === 'project' ? caller.projectId : (targets.find((id) => id.startsWith('prj_')) ?? null),
    actor:
      caller.kind === 'project'
        ? { type: 'api_key', id: caller.apiKeyId }
        : caller.kind === 'org'
          ? { type: 'org_admin_token', id: caller.orgAdminTokenId }
          : { type: 'admin', id: null },
    action: change.route.operationId,
    targets,
    surface: surfaceOf(change.route.path, caller),
    requestId: change.requestId,
  };
}

/**
 * The audit hook of every route: records the change after it succeeded. A failure to record is
 * logged at error (the change is made and committed; answering 500 would invite a retry of it).
 */
export function auditStateChanges(db: PrismaClient, logger: Logger) {
  return async (change: StateChange): Promise<void> => {
    const event = auditEventOf(change);
    if (!event) return;
    try {
      await insertAuditEvent(db, event);
    } catch (error) {
      logger.error('a state change could not be written to the audit log', { action: event.action, request_id: event.requestId, error: error instanceof Error ? error.message : String(error) });
    }
  };
}
