import { DependencyUnavailableError } from '@at/common';

export type RunOutcome = 'pending' | 'revoked' | 'already_revoked' | 'unsupported_by_provider' | 'failed';
export type RunCountsView = { total: number; pending: number; revoked: number; already_revoked: number; unsupported_by_provider: number; failed: number };
export type RunView = { run_id: string; workflow_id: string; status: 'running' | 'completed' | 'failed'; counts: RunCountsView; created_at: string; finished_at: string | null };
export type RunItemView = { connected_account_id: string; outcome: RunOutcome; revoked_tokens: string[]; error_code: string | null; error_message: string | null; finished_at: string | null };

/** apollo's view of thermos's internal run API. */
export type ThermosClient = {
  getRun(workflowId: string, runId: string): Promise<RunView | null>;
  listItems(workflowId: string, runId: string, query: { outcome?: RunOutcome; limit: number; cursor?: string }): Promise<{ items: RunItemView[]; next_cursor: string | null }>;
};

export function createThermosClient(_options: { baseUrl: string; serviceToken: string }): ThermosClient {
  // replaced by the client generated from thermos's OpenAPI document
  return {
    getRun: async () => {
      throw new DependencyUnavailableError('thermos');
    },
    listItems: async () => {
      throw new DependencyUnavailableError('thermos');
    },
  };
}
