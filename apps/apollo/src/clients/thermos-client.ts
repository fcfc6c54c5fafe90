import createClient from 'openapi-fetch';
import { DependencyUnavailableError, NotFoundError, ValidationError } from '@at/common';
import type { components, paths } from '../../generated/thermos-api';

export type RunView = components['schemas']['Run'];
export type RunItemView = components['schemas']['RunItem'];
export type RunOutcome = RunItemView['outcome'];
export type RunItemsPage = components['schemas']['RunItemsPage'];

/** apollo's view of thermos's internal run API (typed by the client generated from its OpenAPI). */
export type ThermosClient = {
  getRun(workflowId: string, runId: string): Promise<RunView | null>;
  listItems(workflowId: string, runId: string, query: { outcome?: RunOutcome; limit: number; cursor?: string }): Promise<RunItemsPage>;
};

export function createThermosClient(options: { baseUrl: string; serviceToken: string; timeoutMs?: number }): ThermosClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, headers: { authorization: `Bearer ${options.serviceToken}` } });
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const unavailable = (cause: unknown) => new DependencyUnavailableError('thermos', { cause });
  return {
    async getRun(workflowId, runId) {
      const result = await client
        .GET('/v1/workflows/{workflow_id}/runs/{run_id}', { params: { path: { workflow_id: workflowId, run_id: runId } }, signal: signal() })
        .catch((error: unknown) => {
          throw unavailable(error);
        });
      if (result.response.status === 404) return null;
      if (!result.data) throw unavailable(new Error(`thermos answered ${result.response.status}`));
      return result.data;
    },
    async listItems(workflowId, runId, query) {
      const result = await client
        .GET('/v1/workflows/{workflow_id}/runs/{run_id}/items', {
          params: { path: { workflow_id: workflowId, run_id: runId }, query },
          signal: signal(),
        })
        .catch((error: unknown) => {
          throw unavailable(error);
        });
      if (result.response.status === 404) throw new NotFoundError('revoke job');
      // a cursor thermos refuses was already validated by apollo: treat it as the caller's error
      if (result.response.status === 400) throw new ValidationError('invalid cursor', [{ path: 'query.cursor', message: 'not a cursor issued for this request' }]);
      if (!result.data) throw unavailable(new Error(`thermos answered ${result.response.status}`));
      return result.data;
    },
  };
}
