import type { LoadClient, Reply } from './client';
import type { Recorder } from './stats';
import type { LoadProject } from './seed';

/** What one project's virtual users share: its jobs so far and the next connection to revoke. */
type Operation = { name: string; weight: number; run: (state: ProjectState, user: UserState) => Promise<{ reply: Reply; ok: boolean }> };
type UserState = { resultsCursor: string | null; accountsCursor: string | null };

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/**
 * The operation mix of a tenant integration: mostly polling job status and paging results,
 * some creates (one connection at a time, dry runs, and a repeated large scope that joins the
 * run in flight), some listings.
 */
function operations(client: LoadClient): Operation[] {
  const created = (reply: Reply, state: ProjectState) => {
    if (reply.status === 202 || reply.status === 200) {
      const id = reply.body['id'];
      if (typeof id === 'string' && !state.jobs.includes(id)) state.jobs.push(id);
      return true;
    }
    return false;
  };
  return [
    {
      name: 'POST /api/v1/revoke_jobs (connection scope)',
      weight: 8,
      run: async (state) => {
        const id = state.project.singles[state.nextSingle % state.project.singles.length] as string;
        state.nextSingle += 1;
        const reply = await client.request('POST', '/api/v1/revoke_jobs', state.project.headers, { scope: { type: 'connected_account', id } });
        return { reply, ok: created(reply, state) };
      },
    },
    {
      name: 'POST /api/v1/revoke_jobs (auth config scope, joins the run in flight)',
      weight: 3,
      run: async (state) => {
        const reply = await client.request('POST', '/api/v1/revoke_jobs', state.project.headers, { scope: { type: 'auth_config', id: state.project.bulkAuthConfigId } });
        return { reply, ok: created(reply, state) };
      },
    },
    {
      name: 'POST /api/v1/revoke_jobs (dry run)',
      weight: 4,
      run: async (state) => {
        const reply = await client.request('POST', '/api/v1/revoke_jobs', state.project.headers, { scope: { type: 'project' }, dry_run: true });
        return { reply, ok: reply.status === 200 };
      },
    },
    {
      name: 'GET /api/v1/revoke_jobs/{id}',
      weight: 35,
      run: async (state) => {
        const reply = await client.request('GET', `/api/v1/revoke_jobs/${pick(state.jobs)}`, state.project.headers);
        return { reply, ok: reply.status === 200 };
      },
    },
    {
      name: 'GET /api/v1/revoke_jobs/{id}/results',
      weight: 35,
      run: async (state, user) => {
        const cursor = user.resultsCursor === null ? '' : `&cursor=${encodeURIComponent(user.resultsCursor)}`;
        const reply = await client.request('GET', `/api/v1/revoke_jobs/${state.bigJob}/results?limit=100${cursor}`, state.project.headers);
        user.resultsCursor = reply.status === 200 ? ((reply.body['next_cursor'] as string | null) ?? null) : null;
        return { reply, ok: reply.status === 200 };
      },
    },
    {
      name: 'GET /api/v1/revoke_jobs',
      weight: 7,
      run: async (state) => {
        const reply = await client.request('GET', '/api/v1/revoke_jobs?limit=50', state.project.headers);
        return { reply, ok: reply.status === 200 };
      },
    },
    {
      name: 'GET /api/v1/connected_accounts',
      weight: 8,
      run: async (state, user) => {
        const cursor = user.accountsCursor === null ? '' : `&cursor=${encodeURIComponent(user.accountsCursor)}`;
        const reply = await client.request('GET', `/api/v1/connected_accounts?limit=100${cursor}`, state.project.headers);
        user.accountsCursor = reply.status === 200 ? ((reply.body['next_cursor'] as string | null) ?? null) : null;
        return { reply, ok: reply.status === 200 };
      },
    },
  ];
}

export type ProjectState = { project: LoadProject; jobs: string[]; bigJob: string; nextSingle: number };

/** One large job per project (its auth config of bulk connections): results to page, a run to join. */
export async function startLargeJobs(client: LoadClient, projects: LoadProject[]): Promise<ProjectState[]> {
  const states: ProjectState[] = [];
  for (const project of projects) {
    const res = await client.request('POST', '/api/v1/revoke_jobs', project.headers, { scope: { type: 'auth_config', id: project.bulkAuthConfigId } });
    if (res.status !== 202) throw new Error(`starting the large job: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body['id'] as string;
    states.push({ project, jobs: [id], bigJob: id, nextSingle: 0 });
  }
  return states;
}

/** Runs `concurrency` virtual users for `seconds`; returns the measured duration. */
export async function runWorkload(client: LoadClient, states: ProjectState[], concurrency: number, seconds: number, recorder: Recorder, onTick: (line: string) => void): Promise<number> {
  const ops = operations(client);
  const totalWeight = ops.reduce((sum, op) => sum + op.weight, 0);
  const choose = () => {
    let r = Math.random() * totalWeight;
    for (const op of ops) if ((r -= op.weight) < 0) return op;
    return ops[0] as Operation;
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  const ticker = setInterval(() => onTick(`  ${Math.round((performance.now() - started) / 1000)} s: ${done} requests`), 10_000);
  const user = async (index: number) => {
    const state = states[index % states.length] as ProjectState;
    const mine: UserState = { resultsCursor: null, accountsCursor: null };
    while (performance.now() < deadline) {
      const op = choose();
      const { reply, ok } = await op.run(state, mine);
      recorder.record(op.name, reply.status, reply.ms, ok);
      done += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => user(i)));
  } finally {
    clearInterval(ticker);
  }
  return (performance.now() - started) / 1000;
}
