/**
 * One fault-injection run: two provider servers (child processes, one client each), apollo and
 * thermos's API in this process, thermos workers as child processes, a project-scope job over
 * tens of thousands of connections, and a bystander project on the same providers. Scenarios
 * do harm mid-job through it; verify() then checks what must hold whatever happened.
 */
import { spawnProviderServer, type ProviderFaults, type ServiceProcess, type SpawnedProviderServer, type TokenPair } from '@at/devstack';
import { descendants, killTree } from '../support/process-tree';
import { allResults, bulkConnections, seedAuthConfig, seedProject, seedTenant, type Tenant } from '../support/seed';
import { startStack, type Stack, type StackOptions } from '../support/stack';
import { LONG, loadavg, recordFigures, type FaultEvent, type ProviderFigures, type ScenarioFigures } from './figures';

/**
 * Pages of 100, four in flight for the run (whatever its lanes: each provider key is a lane, and
 * either may use all four), eight connections at once in each (unless a scenario says otherwise).
 */
export const TUNING = { pageSize: 100, pagesInFlight: 4, concurrency: 8 };
/** A connection makes two calls (refresh, then access token); a re-send can repeat both. */
export const TOKENS_PER_CONNECTION = 2;
const SEED_SLICE = 25;

export type FaultRunOptions = Pick<StackOptions, 'databaseUrl' | 'temporalAddress'> & {
  scenario: string;
  seed: number;
  /** In scope, split evenly over the two providers. */
  connections: number;
  /** Per provider, in the bystander project. */
  outOfScope: number;
  workers: number;
  faults?: readonly [ProviderFaults, ProviderFaults];
  /** Requests per second allowed at a provider: enforced by the provider (429 past it) and configured in thermos. */
  ceilings?: readonly [number | undefined, number | undefined];
  /** Connections revoked at once inside one page activity, and pages in flight per run. */
  concurrency?: number;
  pagesInFlight?: number;
  thermosEnv?: Record<string, string>;
};

type Provider = { name: string; server: SpawnedProviderServer; tokens: TokenPair[]; bystanderTokens: TokenPair[] };
type JobView = { status: string; counts: Record<string, number> };

const clientOf = (name: string) => ({ clientId: `faults-${name}`, clientSecret: `faults-${name}-secret-0123456789abcdef` });

export class FaultRun {
  readonly events: FaultEvent[] = [];
  private readonly killed = new Set<ServiceProcess>();
  private jobId = '';
  private startedAt = 0;
  private finishedAt = 0;
  private readonly loadBefore = loadavg();

  private constructor(
    readonly options: FaultRunOptions,
    readonly stack: Stack,
    readonly providers: Provider[],
    readonly tenant: Tenant,
    private readonly bystander: { projectId: string; ids: string[]; rows: string },
    readonly workers: ServiceProcess[],
  ) {}

  static async start(options: FaultRunOptions): Promise<FaultRun> {
    const names = ['alpha', 'beta'] as const;
    const ceilings = options.ceilings ?? [undefined, undefined];
    const servers = await Promise.all(
      names.map((name, i) => {
        const ceiling = ceilings[i];
        return spawnProviderServer({ clients: [clientOf(name)], faults: { latencyMs: 10, ...options.faults?.[i], ...(ceiling ? { ceilingPerSecond: ceiling } : {}) } });
      }),
    );
    // keyed by the revocation endpoint's origin, as the revoker looks ceilings up; 0 = none for the rest
    const rateLimits: Record<string, number> = { oauth2: 0 };
    for (const [i, server] of servers.entries()) if (ceilings[i]) rateLimits[`oauth2:${new URL(server.url).origin}`] = ceilings[i];
    let started: Stack | undefined;
    const workers: ServiceProcess[] = [];
    try {
      // every worker is a child process (the stack starts the first): nothing in this process revokes
      const stack = await startStack({
        workerProcess: true,
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.temporalAddress ? { temporalAddress: options.temporalAddress } : {}),
        thermosEnv: {
          PROVIDER_RATE_LIMITS: JSON.stringify(rateLimits),
          REVOKE_CONCURRENCY: String(options.concurrency ?? TUNING.concurrency),
          PROVIDER_MAX_ATTEMPTS: '20',
          PROVIDER_RETRY_BUDGET_MS: '60000',
          ...options.thermosEnv,
        },
        apolloEnv: {
          REVOKE_PAGE_SIZE: String(TUNING.pageSize),
          REVOKE_PAGE_PARALLELISM: String(options.pagesInFlight ?? TUNING.pagesInFlight),
          REVOKE_MAX_PAGES_IN_FLIGHT: String(options.pagesInFlight ?? TUNING.pagesInFlight),
        },
      });
      started = stack;
      const tenant = await seedTenant(stack, `faults ${options.scenario}`);
      const other = await seedProject(stack, tenant.orgToken, 'bystander');
      const vaultKeys = stack.env['VAULT_KEYS'] as string;
      const providers: Provider[] = [];
      const authConfigs: Array<{ tenant: string; bystander: string }> = [];
      for (const [i, name] of names.entries()) {
        const server = servers[i] as SpawnedProviderServer;
        const client = clientOf(name);
        const authConfig = (apiKey: string) =>
          seedAuthConfig(stack, apiKey, { toolkit: 'oauth2', auth_scheme: 'oauth2', client_id: client.clientId, client_secret: client.clientSecret, revocation_endpoint: `${server.url}/revoke` });
        const share = Math.floor(options.connections / names.length) + (i < options.connections % names.length ? 1 : 0);
        providers.push({ name, server, tokens: await server.control.mint(client.clientId, share), bystanderTokens: await server.control.mint(client.clientId, options.outOfScope) });
        authConfigs.push({ tenant: await authConfig(tenant.apiKey), bystander: await authConfig(other.apiKey) });
      }
      // Seeded in turns, a few at a time, as a real project's connections interleave: the run
      // still puts each provider in a lane of its own.
      const asOAuth = (pairs: TokenPair[]) => pairs.map((t) => ({ accessToken: t.access_token, refreshToken: t.refresh_token }));
      const bystanderIds: string[] = [];
      for (let at = 0; at < Math.max(...providers.map((p) => p.tokens.length)); at += SEED_SLICE) {
        for (const [i, p] of providers.entries()) {
          const slice = p.tokens.slice(at, at + SEED_SLICE);
          if (slice.length > 0) await bulkConnections(stack.db.db, vaultKeys, authConfigs[i]?.tenant as string, asOAuth(slice));
        }
      }
      for (const [i, p] of providers.entries()) bystanderIds.push(...(await bulkConnections(stack.db.db, vaultKeys, authConfigs[i]?.bystander as string, asOAuth(p.bystanderTokens))));
      const bystander = { projectId: other.projectId, ids: bystanderIds, rows: await bystanderRows(stack, other.projectId) };
      workers.push(stack.worker as ServiceProcess);
      await Promise.all(Array.from({ length: options.workers - 1 }, async () => workers.push(await stack.startWorkerProcess())));
      return new FaultRun(options, stack, providers, tenant, bystander, workers);
    } catch (error) {
      // nothing may outlive a failed set-up, worker processes least of all (see killTree)
      await Promise.all([...workers, ...(started?.worker ? [started.worker] : [])].map((w) => killTree(w)));
      await started?.stop().catch(() => undefined);
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
  }

  /** Connections in flight at once, across every worker: what one fault can leave unrecorded. */
  get inFlight(): number {
    return (this.options.pagesInFlight ?? TUNING.pagesInFlight) * (this.options.concurrency ?? TUNING.concurrency);
  }

  get headers(): Record<string, string> {
    return { 'x-api-key': this.tenant.apiKey };
  }

  get jobPath(): string {
    return `/api/v1/revoke_jobs/${this.jobId}`;
  }

  async startJob(): Promise<void> {
    this.startedAt = Date.now();
    const created = await this.stack.request('POST', '/api/v1/revoke_jobs', { headers: this.headers, body: { scope: { type: 'project' } } });
    expect(created.status).toBe(202);
    this.jobId = created.body['id'] as string;
  }

  /** Share of in-scope connections the providers have revoked so far (their own count: works while our database is down). */
  async progress(): Promise<number> {
    const stats = await Promise.all(this.providers.map((p) => p.server.control.stats()));
    return stats.reduce((sum, s) => sum + s.revoked, 0) / this.options.connections;
  }

  async waitForProgress(fraction: number, timeoutMs = 600_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await this.progress();
      if (progress >= fraction) return progress;
      if (Date.now() > deadline) throw new Error(`${this.options.scenario}: progress ${progress.toFixed(3)} never reached ${fraction}`);
      await sleep(100);
    }
  }

  async note(what: string): Promise<void> {
    this.events.push({ atMs: Date.now() - this.startedAt, progress: Number((await this.progress()).toFixed(3)), what });
  }

  async killWorker(index: number): Promise<void> {
    const worker = this.workers[index] as ServiceProcess;
    this.killed.add(worker);
    await killTree(worker);
    await this.note(`SIGKILL worker ${index} (pid ${worker.child.pid})`);
  }

  async restartWorker(index: number): Promise<void> {
    this.workers[index] = await this.stack.startWorkerProcess();
    await this.note(`worker ${index} restarted (pid ${this.workers[index]?.child.pid})`);
  }

  /** Indexes of the workers still running (not killed, not exited). */
  liveWorkers(): number[] {
    return this.workers.flatMap((w, i) => (this.killed.has(w) || w.child.exitCode !== null || w.child.signalCode !== null ? [] : [i]));
  }

  /** Live workers that Temporal says hold one of the run's page activities right now. */
  async busyWorkers(): Promise<number[]> {
    const job = await this.stack.db.db.job.findUnique({ where: { id: this.jobId } });
    if (!job) return [];
    const description = await this.stack.temporal.workflow.getHandle(job.workflowId).describe().catch(() => null);
    // the SDK's default worker identity is `${pid}@${hostname}`
    const pids = new Set((description?.raw.pendingActivities ?? []).map((a) => (a.lastWorkerIdentity ?? '').split('@')[0]));
    // the worker runs in a child of the tsx CLI that spawnService started
    const processIds = (w: ServiceProcess | undefined) => (w?.child.pid === undefined ? [] : [w.child.pid, ...descendants(w.child.pid)]);
    return this.liveWorkers().filter((i) => processIds(this.workers[i]).some((pid) => pids.has(String(pid))));
  }

  /** Worker processes that died without being killed by the scenario. */
  unexpectedExits(): string[] {
    return this.workers.filter((w) => !this.killed.has(w) && (w.child.exitCode !== null || w.child.signalCode !== null)).map((w) => `${w.name} ${w.child.pid}: ${w.lines.slice(-5).join(' | ')}`);
  }

  /** The job's status; null while apollo cannot answer (its database or Temporal is down). */
  async job(): Promise<JobView | null> {
    const res = await this.stack.request<JobView>('GET', this.jobPath, { headers: this.headers }).catch(() => null);
    return res?.status === 200 ? res.body : null;
  }

  async waitForJob(timeoutMs = LONG ? 1_800_000 : 240_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job();
      if (job && job.status !== 'running') {
        this.finishedAt = Date.now();
        return job;
      }
      if (Date.now() > deadline) throw new Error(`${this.options.scenario}: job still running after ${timeoutMs} ms: ${JSON.stringify(job)}`);
      await sleep(250);
    }
  }

  /**
   * What must hold after any fault: the job completed with exactly one terminal outcome per
   * connection in scope, the providers agree every token in scope is dead, the bystanders are
   * untouched, and re-sends stay within `duplicateBound` tokens. Returns the figures.
   */
  async verify(duplicateBound: number): Promise<ScenarioFigures> {
    const { connections } = this.options;
    const job = await this.waitForJob();
    expect(this.unexpectedExits()).toEqual([]);
    expect(job).toMatchObject({ status: 'completed', counts: { total: connections, pending: 0, failed: 0 } });

    const results = await allResults(this.stack, this.jobPath, this.headers);
    const ids = results.map((r) => r['connected_account_id'] as string);
    expect(results).toHaveLength(connections);
    expect(new Set(ids).size).toBe(connections);
    const inScope = await this.stack.db.db.connectedAccount.findMany({ where: { projectId: this.tenant.projectId }, select: { id: true } });
    expect(new Set([...ids, ...inScope.map((c) => c.id)]).size).toBe(connections);
    const outcomes: Record<string, number> = {};
    for (const r of results) outcomes[r['outcome'] as string] = (outcomes[r['outcome'] as string] ?? 0) + 1;
    expect(Object.keys(outcomes).filter((o) => o !== 'revoked' && o !== 'already_revoked')).toEqual([]);

    // our side: every connection in scope revoked and its credential shredded
    const where = { projectId: this.tenant.projectId };
    expect(await this.stack.db.db.connectedAccount.count({ where: { ...where, status: { not: 'revoked' } } })).toBe(0);
    expect(await this.stack.db.db.credential.count({ where: { connectedAccount: where, destroyedAt: null } })).toBe(0);

    const providers: ProviderFigures[] = [];
    for (const p of this.providers) {
      const inScopeCheck = await p.server.control.check(p.tokens.flatMap((t) => [t.access_token, t.refresh_token]));
      expect({ provider: p.name, active: inScopeCheck.active, unknown: inScopeCheck.unknown }).toEqual({ provider: p.name, active: 0, unknown: 0 });
      const bystanders = await p.server.control.check(p.bystanderTokens.flatMap((t) => [t.access_token, t.refresh_token]));
      expect({ provider: p.name, bystandersActive: bystanders.active }).toEqual({ provider: p.name, bystandersActive: 2 * p.bystanderTokens.length });
      const stats = await p.server.control.stats();
      providers.push({
        name: p.name,
        connections: p.tokens.length,
        revokeRequests: stats.revokeRequests,
        maxPerSecond: stats.maxPerSecond,
        maxPerSlidingSecond: stats.maxPerSlidingSecond,
        ceilingViolations: stats.ceilingViolations,
        tokensRevokedMoreThanOnce: stats.tokensRevokedMoreThanOnce,
        // the access token call after its refresh token ended the grant answers "inactive" once per connection
        extraAfterInactive: stats.revokeAfterInactive - p.tokens.length,
        byStatus: stats.byStatus,
      });
    }

    // the bystander project: not one row changed, no item in the run
    expect(await bystanderRows(this.stack, this.bystander.projectId)).toBe(this.bystander.rows);
    expect(await this.stack.db.db.revokeItem.count({ where: { connectedAccountId: { in: this.bystander.ids } } })).toBe(0);

    const figures: ScenarioFigures = {
      scenario: this.options.scenario,
      mode: LONG ? 'long' : 'ci',
      seed: this.options.seed,
      connections,
      outOfScope: this.bystander.ids.length,
      workers: this.options.workers,
      jobMs: this.finishedAt - this.startedAt,
      outcomes,
      providers,
      duplicateBound,
      events: this.events,
      loadavg: { before: this.loadBefore, after: loadavg() },
    };
    recordFigures(figures);
    const duplicates = providers.reduce((sum, p) => sum + p.tokensRevokedMoreThanOnce, 0);
    expect({ duplicates, within: duplicates <= duplicateBound }).toEqual({ duplicates, within: true });
    return figures;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => killTree(w)));
    await this.stack.stop();
    await Promise.all(this.providers.map((p) => p.server.stop()));
  }
}

/** Everything about the bystander project's connections that a revocation could change. */
async function bystanderRows(stack: Stack, projectId: string): Promise<string> {
  const rows = await stack.db.db.connectedAccount.findMany({ where: { projectId }, include: { credential: true }, orderBy: { id: 'asc' } });
  return JSON.stringify(rows);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
