/**
 * A streamed snapshot with the real activities, worker, Temporal server and Postgres: pages are
 * revoked while the snapshot is still copying, each page inside one lane, numbered as a single
 * snapshot would number them; a cancel in the middle stops the snapshot, and what it never
 * copied is never touched.
 */
import type { RevokePageInput } from '../activities/revoke-page';
import { createProviderServer, type ProviderServer } from '@at/devstack';
import { fetchRunChain } from '../workflow-histories';
import { connectionStatuses, seedAuthConfig, seedConnections, seedTenant, startRunHarness, type RunHarness } from '../../test/run-harness';

const CLIENT = { clientId: 'streamed-app', clientSecret: 'streamed-app-secret-0123456789' };

let h: RunHarness;
const providers: ProviderServer[] = [];

beforeAll(async () => {
  h = await startRunHarness({ REVOKE_CONCURRENCY: '4' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await Promise.all(providers.map((p) => p.close()));
});

/** A tenant with `sizes[k]` connections at provider k (each its own origin: its own lane), each answering after `latencyMs`. */
async function tenantAcross(sizes: number[], latencyMs = 0) {
  const tenant = await seedTenant(h.db);
  const lanes = [];
  for (const n of sizes) {
    const provider = await createProviderServer({ clients: [CLIENT], faults: { latencyMs } });
    providers.push(provider);
    const authConfigId = await seedAuthConfig(h.db, h.vault, tenant, CLIENT, `${provider.url}/revoke`);
    const pairs = provider.issueTokens(n, CLIENT.clientId);
    lanes.push({ provider, pairs, ids: await seedConnections(h.db, h.vault, tenant, authConfigId, pairs) });
  }
  return { tenant, lanes };
}

type Event = NonNullable<Awaited<ReturnType<typeof fetchRunChain>>[number]['history']['events']>[number];

/** The chain's events in order, with each activity event's type name. */
async function activityEvents(workflowId: string, runId: string) {
  const chain = await fetchRunChain(h.temporal, workflowId, runId);
  const events: Event[] = chain.flatMap((c) => c.history.events ?? []);
  const types = new Map<string, { name: string; input: unknown }>();
  const out: Array<{ kind: 'scheduled' | 'completed'; name: string; input: unknown; result?: unknown }> = [];
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const payload = scheduled.input?.payloads?.[0]?.data;
      const input = payload ? JSON.parse(Buffer.from(payload).toString('utf8')) : undefined;
      types.set(String(e.eventId), { name: scheduled.activityType?.name ?? '', input });
      out.push({ kind: 'scheduled', name: scheduled.activityType?.name ?? '', input });
    }
    const completed = e.activityTaskCompletedEventAttributes;
    const type = completed ? types.get(String(completed.scheduledEventId)) : undefined;
    const result = completed?.result?.payloads?.[0]?.data;
    if (type) out.push({ kind: 'completed', ...type, result: result ? JSON.parse(Buffer.from(result).toString('utf8')) : undefined });
  }
  return out;
}

test('pages are revoked while the snapshot still copies; each page inside one lane, numbered as one snapshot would, every item revoked once', async () => {
  const pageSize = 5;
  // slow enough answers that pages are in flight when the run continues as new
  const { tenant, lanes } = await tenantAcross([23, 17, 2], 100);
  const total = 23 + 17 + 2;
  // one transaction of 7 per step: the snapshot takes seven steps, never aligned with a page
  const { workflowId, runId } = await h.startRun({ kind: 'scope', scope: { type: 'project', id: tenant.projectId } }, { pageSize, snapshotPageSize: 7, snapshotStepMs: 0 });
  const run = await h.waitForEnd(workflowId, runId);
  expect(run).toMatchObject({ status: 'completed', counts: { total, revoked: total, pending: 0 } });

  const events = await activityEvents(workflowId, runId);
  const lastStep = events.findLastIndex((e) => e.kind === 'completed' && e.name === 'snapshotStep');
  expect(events.filter((e) => e.name === 'snapshotStep' && e.kind === 'scheduled').length).toBeGreaterThanOrEqual(6);
  expect(events.findIndex((e) => e.name === 'revokePage')).toBeLessThan(lastStep);
  expect(events.filter((e) => e.name === 'snapshotRun')).toEqual([]);

  // the lanes as planned at the end, and each page the workflow ran: inside one lane, at its number
  const planned = await h.db.$queryRaw<Array<{ lane: number; first_seq: number; last_seq: number; first_page: number; pages: number }>>`
    SELECT lane, first_seq, last_seq, first_page, pages FROM revoke_lanes WHERE run_id = ${runId} AND first_seq IS NOT NULL ORDER BY lane`;
  // 23 and 17 are lanes of their own (in provider key order); the provider of 2 (under a page) is in the shared, last lane
  const sizes = planned.map((l) => l.last_seq - l.first_seq + 1);
  expect([...sizes.slice(0, 2)].sort((a, b) => a - b).concat(sizes.slice(2))).toEqual([17, 23, 2]);
  let firstPage = 0;
  for (const lane of planned) {
    expect(lane.first_page).toBe(firstPage);
    expect(lane.pages).toBe(Math.ceil((lane.last_seq - lane.first_seq + 1) / pageSize));
    firstPage += lane.pages;
  }
  // a page in flight when the run continues as new (the test server suggests it every 40
  // events) is stopped and runs again in the next execution: count the runs that finished it
  const pages = events
    .filter((e) => e.kind === 'completed' && e.name === 'revokePage' && (e.result as { stopped?: boolean } | undefined)?.stopped !== true)
    .map((e) => e.input as RevokePageInput);
  expect(pages.map((p) => p.page).sort((a, b) => a - b)).toEqual(Array.from({ length: firstPage }, (_, i) => i));
  for (const page of pages) {
    const lane = planned.find((l) => page.fromSeq >= l.first_seq && page.fromSeq <= l.last_seq);
    expect({ page: page.page, lane: lane?.lane, toSeq: page.toSeq }).toEqual({
      page: (lane?.first_page ?? -1) + (page.fromSeq - (lane?.first_seq ?? 0)) / pageSize,
      lane: lane?.lane,
      toSeq: Math.min(lane?.last_seq ?? 0, page.fromSeq + pageSize - 1),
    });
  }
  const counted = await h.db.$queryRaw<Array<{ n: number }>>`SELECT coalesce(sum(revoked), 0)::int AS n FROM revoke_page_counts WHERE run_id = ${runId}`;
  expect(counted[0]?.n).toBe(total);
  for (const lane of lanes) expect(lane.provider.check(lane.pairs.flatMap((p) => [p.access_token, p.refresh_token]))).toMatchObject({ active: 0 });
  expect(lanes.reduce((n, lane) => n + lane.provider.stats().revokeRequests, 0)).toBe(2 * total);
}, 120_000);

test('a cancel while the snapshot copies: the snapshot stops, the run ends cancelled, every item taken has its true outcome, and what was never taken is untouched', async () => {
  const { tenant, lanes } = await tenantAcross([400]);
  const [{ provider, pairs, ids }] = lanes as [(typeof lanes)[number]];
  const { workflowId, runId, handle } = await h.startRun({ kind: 'scope', scope: { type: 'project', id: tenant.projectId } }, { pageSize: 4, snapshotPageSize: 2, snapshotStepMs: 0, pageParallelism: 1 });
  for (;;) {
    if (Object.values(await connectionStatuses(h.db, ids)).includes('revoked')) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await handle.cancel();
  const run = await h.waitForEnd(workflowId, runId, 60_000);
  expect(run).toMatchObject({ status: 'cancelled', counts: { pending: 0, failed: 0 } });
  expect(run.counts.total).toBeLessThan(400);
  expect(run.counts.revoked + run.counts.cancelled).toBe(run.counts.total);
  const items = await h.items(runId);
  expect(items).toHaveLength(run.counts.total);
  const taken = new Set(items.map((i) => i.connectedAccountId));
  const statuses = await connectionStatuses(h.db, ids);
  const tokensOf = (which: string[]) => which.flatMap((id) => [pairs[ids.indexOf(id)]!.access_token, pairs[ids.indexOf(id)]!.refresh_token]);
  const revoked = items.filter((i) => i.outcome === 'revoked').map((i) => i.connectedAccountId);
  const untouched = ids.filter((id) => !taken.has(id) || items.find((i) => i.connectedAccountId === id)?.outcome === 'cancelled');
  for (const id of revoked) expect(statuses[id]).toBe('revoked');
  for (const id of untouched) expect(statuses[id]).toBe('active');
  expect(provider.check(tokensOf(revoked))).toMatchObject({ active: 0 });
  expect(provider.check(tokensOf(untouched))).toMatchObject({ active: 2 * untouched.length });
  expect(provider.stats().revokeRequests).toBe(2 * revoked.length);
  // the run took no more after the cancel: its row says the snapshot was cut short
  const [row] = await h.db.$queryRaw<Array<{ closing: boolean; total: number }>>`SELECT closing, total FROM revoke_runs WHERE id = ${runId}`;
  expect(row).toMatchObject({ closing: true, total: run.counts.total });
}, 120_000);
