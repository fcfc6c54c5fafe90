import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { newId } from '@at/common';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { VaultRotationError } from './errors';
import { SEALED_COLUMNS, readStalePage, rotateSealedSecrets, writeRewrapped } from './rotate';
import { type SealedBox } from './sealed-box';
import { Vault } from './vault';

const keyA = Vault.generateKey();
const keyB = Vault.generateKey();
const vaultA = Vault.fromSpec(`a:${keyA}`);
const vaultAB = Vault.fromSpec(`a:${keyA},b:${keyB}`);
const vaultB = Vault.fromSpec(`b:${keyB}`);

let t: TestDatabase;
let orgId: string;
let projectId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = newId('org');
  projectId = newId('prj');
  await t.db.org.create({ data: { id: orgId, name: 'vault org' } });
  await t.db.project.create({ data: { id: projectId, orgId, name: 'vault project' } });
});
afterAll(async () => t.drop());

/** An OAuth auth config (secret sealed with `vault`, or none) plus `accounts` sealed credentials. */
async function seedAuthConfig(vault: Vault | null, accounts: number): Promise<{ authConfigId: string; accountIds: string[] }> {
  const authConfigId = newId('ac');
  await t.db.authConfig.create({
    data: {
      id: authConfigId,
      orgId,
      projectId,
      toolkit: 'github',
      authScheme: vault ? 'oauth2' : 'api_key',
      clientId: 'client',
      ...(vault ? { clientSecretSealed: vault.seal(`secret-of-${authConfigId}`, authConfigId) } : {}),
    },
  });
  const accountIds: string[] = [];
  for (let i = 0; i < accounts; i += 1) accountIds.push(await seedCredential(authConfigId, vault ?? vaultA));
  return { authConfigId, accountIds };
}

async function seedCredential(authConfigId: string, vault: Vault): Promise<string> {
  const id = newId('ca');
  await t.db.connectedAccount.create({ data: { id, orgId, projectId, authConfigId, userId: `user-${id}` } });
  await t.db.credential.create({ data: { connectedAccountId: id, sealed: vault.sealJson({ access_token: `at-${id}` }, id) } });
  return id;
}

async function credentialBox(id: string): Promise<unknown> {
  return (await t.db.credential.findUniqueOrThrow({ where: { connectedAccountId: id } })).sealed;
}

async function deleteCredentials(ids: string[]): Promise<void> {
  await t.db.credential.deleteMany({ where: { connectedAccountId: { in: ids } } });
  await t.db.connectedAccount.deleteMany({ where: { id: { in: ids } } });
}

describe('rotateSealedSecrets', () => {
  test('rewraps every sealed secret under the active key, page by page, leaving shredded and current ones alone', async () => {
    const github = await seedAuthConfig(vaultA, 3);
    const slack = await seedAuthConfig(vaultA, 2);
    const apiKeys = await seedAuthConfig(null, 0); // no client secret
    const shredded = await seedCredential(github.authConfigId, vaultA);
    // crypto-shredded (SQL NULL; the Prisma client API cannot write DbNull without its namespace)
    await t.db.$executeRaw`UPDATE credentials SET sealed = NULL WHERE connected_account_id = ${shredded}`;
    const current = await seedCredential(slack.authConfigId, vaultAB); // already under b
    const currentBefore = await credentialBox(current);

    expect(await rotateSealedSecrets(t.db, vaultAB, { batchSize: 2 })).toEqual({ credentials: 5, authConfigs: 2 });

    for (const id of [...github.accountIds, ...slack.accountIds, current]) {
      const box = (await credentialBox(id)) as SealedBox;
      expect(box.kid).toBe('b');
      expect(vaultAB.openJson(box, id)).toEqual({ access_token: `at-${id}` });
      expect(vaultB.openJson(box, id)).toEqual({ access_token: `at-${id}` });
    }
    expect(await credentialBox(current)).toEqual(currentBefore);
    expect(await credentialBox(shredded)).toBeNull();
    for (const { authConfigId } of [github, slack]) {
      const { clientSecretSealed } = await t.db.authConfig.findUniqueOrThrow({ where: { id: authConfigId } });
      expect((clientSecretSealed as SealedBox).kid).toBe('b');
      expect(vaultB.open(clientSecretSealed, authConfigId).toString()).toBe(`secret-of-${authConfigId}`);
    }
    expect((await t.db.authConfig.findUniqueOrThrow({ where: { id: apiKeys.authConfigId } })).clientSecretSealed).toBeNull();

    // a second run finds nothing left to do
    expect(await rotateSealedSecrets(t.db, vaultAB, { batchSize: 2 })).toEqual({ credentials: 0, authConfigs: 0 });
  });

  test('does not clobber a secret written between the read and the write of its page', async () => {
    const { accountIds } = await seedAuthConfig(vaultA, 2);
    const [raced, untouched] = accountIds as [string, string];
    const page = await readStalePage(t.db, SEALED_COLUMNS.credentials, 'b', '', 10);
    expect(page.map((r) => r.pk).sort()).toEqual([...accountIds].sort());

    // a refresh stores a new token (sealed by a service still on key a) meanwhile
    const fresh = vaultA.sealJson({ access_token: 'refreshed' }, raced);
    await t.db.credential.update({ where: { connectedAccountId: raced }, data: { sealed: fresh } });

    const written = await writeRewrapped(
      t.db,
      SEALED_COLUMNS.credentials,
      page.map((row) => ({ pk: row.pk, old_box: row.box, new_box: vaultAB.rewrap(row.box) })),
    );
    expect(written).toBe(1);
    expect(await credentialBox(raced)).toEqual(fresh);
    expect(((await credentialBox(untouched)) as SealedBox).kid).toBe('b');

    expect(await rotateSealedSecrets(t.db, vaultAB)).toEqual({ credentials: 1, authConfigs: 1 });
    expect(vaultB.openJson(await credentialBox(raced), raced)).toEqual({ access_token: 'refreshed' });
    await deleteCredentials(accountIds);
  });

  test('stops at a box it cannot rewrap and names the row, not its content', async () => {
    const vaultC = Vault.fromSpec(`c:${Vault.generateKey()}`);
    const { authConfigId } = await seedAuthConfig(vaultAB, 0);
    const orphan = await seedCredential(authConfigId, vaultC);
    const error = await rotateSealedSecrets(t.db, vaultAB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultRotationError);
    expect((error as VaultRotationError).rowId).toBe(orphan);
    expect((error as Error).message).toBe(`cannot rewrap credentials row ${orphan}: vault key "c" is not configured`);
    await deleteCredentials([orphan]);
  });

  test('the rotate CLI reads its environment and prints the counts', async () => {
    const { accountIds } = await seedAuthConfig(vaultA, 3);
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'src/cli/rotate.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { PATH: process.env['PATH'], DATABASE_URL: t.url, VAULT_KEYS: `a:${keyA},b:${keyB},c:${Vault.generateKey()}`, VAULT_ACTIVE_KEY_ID: 'b' },
    });
    expect(JSON.parse(stdout)).toEqual({ active_key_id: 'b', rewrapped: { credentials: 3, authConfigs: 1 } });
    for (const id of accountIds) expect(((await credentialBox(id)) as SealedBox).kid).toBe('b');
  });

  test('the rotate CLI exits with a readable error for a bad key spec', async () => {
    const shortKey = randomBytes(24).toString('base64');
    const run = promisify(execFile);
    const error = await run(process.execPath, [require.resolve('tsx/cli'), 'src/cli/rotate.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { PATH: process.env['PATH'], DATABASE_URL: t.url, VAULT_KEYS: `a:${shortKey}` },
    }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(error).toMatchObject({ code: 78 });
    expect((error as { stderr: string }).stderr).toContain('VAULT_KEYS: key "a" must decode to exactly 32 bytes');
    expect((error as { stderr: string }).stderr).not.toContain(shortKey);
  });
});
