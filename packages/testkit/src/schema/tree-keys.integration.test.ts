/**
 * The ownership tree is held by the database, not only by the code that copies ids down it: an
 * auth config's org is its project's, and a connection's or a connect session's org and project
 * are its auth config's; a webhook endpoint's org is its project's. A row that names another org (or project) than its parent's is refused
 * (SQLSTATE 23503), at every level, so a scope's revocation can trust the ids it filters on.
 */
import { createTestDatabase, type TestDatabase } from '../test-database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.$executeRawUnsafe(`INSERT INTO orgs (id, name) VALUES ('org_a', 'a'), ('org_b', 'b')`);
  await database.db.$executeRawUnsafe(`INSERT INTO projects (id, org_id, name) VALUES ('prj_a', 'org_a', 'a'), ('prj_a2', 'org_a', 'a2'), ('prj_b', 'org_b', 'b')`);
  await database.db.$executeRawUnsafe(`INSERT INTO auth_configs (id, org_id, project_id, toolkit, auth_scheme) VALUES ('ac_a', 'org_a', 'prj_a', 'github', 'oauth2')`);
}, 120_000);
afterAll(async () => database.drop());

/** The SQLSTATE Postgres answers a statement with, or 'ok'. */
async function sqlstate(sql: string): Promise<string> {
  try {
    await database.db.$executeRawUnsafe(sql);
    return 'ok';
  } catch (error) {
    const text = String((error as { meta?: { code?: unknown } }).meta?.code ?? (error as { code?: unknown }).code ?? error);
    return /23503/.test(text) || /foreign key/i.test(String(error)) ? '23503' : text;
  }
}

const authConfig = (id: string, org: string, project: string) => `INSERT INTO auth_configs (id, org_id, project_id, toolkit, auth_scheme) VALUES ('${id}', '${org}', '${project}', 'github', 'oauth2')`;
const connection = (id: string, org: string, project: string) => `INSERT INTO connected_accounts (id, org_id, project_id, auth_config_id, user_id) VALUES ('${id}', '${org}', '${project}', 'ac_a', 'u1')`;
const endpoint = (id: string, org: string, project: string) =>
  `INSERT INTO webhook_endpoints (id, org_id, project_id, url, events, secret_sealed) VALUES ('${id}', '${org}', '${project}', 'https://hooks.example/in', ARRAY['*'], '{}'::jsonb)`;
const session = (id: string, org: string, project: string) =>
  `INSERT INTO connect_sessions (id, org_id, project_id, auth_config_id, user_id, redirect_uri, token_hash, expires_at) VALUES ('${id}', '${org}', '${project}', 'ac_a', 'u1', 'https://app.example/back', '${id}-hash', now() + interval '1 hour')`;

describe.each([
  ['an auth config', authConfig, 'ac_other'],
  ['a connection', connection, 'ca_other'],
  ['a connect session', session, 'cs_other'],
  ['a webhook endpoint', endpoint, 'we_other'],
])('%s', (_what, insert, id) => {
  test("naming another org than its parent's is refused", async () => {
    expect(await sqlstate(insert(`${id}_1`, 'org_b', 'prj_a'))).toBe('23503');
  });
  test('naming a project of another org is refused', async () => {
    expect(await sqlstate(insert(`${id}_2`, 'org_a', 'prj_b'))).toBe('23503');
  });
  test('naming its own org and project goes in', async () => {
    expect(await sqlstate(insert(`${id}_3`, 'org_a', 'prj_a'))).toBe('ok');
  });
});

test("a connection or session of another project of the same org than its auth config's is refused", async () => {
  expect(await sqlstate(connection('ca_sibling', 'org_a', 'prj_a2'))).toBe('23503');
  expect(await sqlstate(session('cs_sibling', 'org_a', 'prj_a2'))).toBe('23503');
});

test("a project moved to another org takes its tree with it: the keys cascade down, nothing is left naming the old org", async () => {
  expect(await sqlstate(`UPDATE projects SET org_id = 'org_b' WHERE id = 'prj_a'`)).toBe('ok');
  const [row] = await database.db.$queryRaw<Array<{ org_id: string }>>`SELECT org_id FROM auth_configs WHERE id = 'ac_a'`;
  const [account] = await database.db.$queryRaw<Array<{ org_id: string }>>`SELECT org_id FROM connected_accounts WHERE id = 'ca_other_3'`;
  // ON UPDATE CASCADE carried the org down the keys: the tree moved as one
  expect(row?.org_id).toBe('org_b');
  expect(account?.org_id).toBe('org_b');
});
