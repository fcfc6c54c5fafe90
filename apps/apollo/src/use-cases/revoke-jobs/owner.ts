/** Who owns a job: the org (oj_, dashboard and admin) or a project (pj_, platform API). */
export type JobOwner = { kind: 'org'; orgId: string } | { kind: 'project'; orgId: string; projectId: string };

export const ownerIdOf = (owner: JobOwner): string => (owner.kind === 'org' ? owner.orgId : owner.projectId);

/** The id prefix of the jobs an owner creates. */
export const jobPrefixOf = (owner: JobOwner): 'oj' | 'pj' => (owner.kind === 'org' ? 'oj' : 'pj');
