import { createHash } from 'node:crypto';
import { z } from 'zod';
import { idSchema } from './ids';

/** What a revoke job covers. A closed union: each kind names one entity by id. */
export const SCOPE_TYPES = ['org', 'project', 'auth_config', 'connected_account'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export const scopeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('org'), id: idSchema('org', 'org') }),
  z.strictObject({ type: z.literal('project'), id: idSchema('prj', 'project') }),
  z.strictObject({ type: z.literal('auth_config'), id: idSchema('ac', 'auth config') }),
  z.strictObject({ type: z.literal('connected_account'), id: idSchema('ca', 'connected account') }),
]);
export type Scope = z.infer<typeof scopeSchema>;

/**
 * The target of one workflow run: a scope, the failed items of an earlier run, or the orphans of
 * an org (sealed credentials under deleted parents that no run covers: the sweep).
 */
export type RunTarget = { kind: 'scope'; scope: Scope } | { kind: 'retry'; sourceRunId: string } | { kind: 'orphans'; orgId: string };

/** Canonical text of a target: the only input of the dedup key. */
export function canonicalTarget(target: RunTarget): string {
  switch (target.kind) {
    case 'scope':
      return `scope:${target.scope.type}:${target.scope.id}`;
    case 'retry':
      return `retry:${target.sourceRunId}`;
    case 'orphans':
      return `orphans:${target.orgId}`;
  }
}

const DIGEST_HEX_CHARS = 32;

/**
 * The Temporal workflow id of a target: a stable hash of its canonical form, so concurrent
 * requests for one scope collide on the id and share one run.
 */
export function dedupKey(target: RunTarget): string {
  const digest = createHash('sha256').update(canonicalTarget(target)).digest('hex').slice(0, DIGEST_HEX_CHARS);
  return `revoke-${target.kind === 'scope' ? target.scope.type : target.kind}-${digest}`;
}

/** Every id `dedupKey` can produce, and nothing else. */
export const WORKFLOW_ID_PATTERN = new RegExp(`^revoke-(${[...SCOPE_TYPES, 'retry', 'orphans'].join('|')})-[0-9a-f]{${DIGEST_HEX_CHARS}}$`);
