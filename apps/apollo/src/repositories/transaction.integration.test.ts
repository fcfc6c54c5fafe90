import { newId } from '@at/common';
import { transaction } from '@at/db';
import { createTestDatabase, type TestDatabase } from '@at/testkit';
import { insertOrgWithAdminToken } from './orgs';
import { insertProjectWithApiKey, softDeleteProject } from './projects';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const org = () => ({ id: newId('org'), name: 'o', adminToken: { id: newId('oat'), tokenHash: newId('key') } });

test('repositories given a transaction client commit together, or not at all', async () => {
  const kept = org();
  await transaction(t.db, async (tx) => {
    await insertOrgWithAdminToken(tx, kept);
    await insertProjectWithApiKey(tx, { id: newId('prj'), orgId: kept.id, name: 'p', apiKey: { id: newId('key'), keyHash: newId('key') } });
  });
  expect(await t.db.project.count({ where: { orgId: kept.id } })).toBe(1);

  const lost = org();
  await expect(
    transaction(t.db, async (tx) => {
      await insertOrgWithAdminToken(tx, lost);
      throw new Error('a later step failed');
    }),
  ).rejects.toThrow('a later step failed');
  expect(await t.db.org.count({ where: { id: lost.id } })).toBe(0);
});

test('a transaction opened inside another joins it: the outer failure undoes the inner work', async () => {
  const outer = org();
  const project = { id: newId('prj'), orgId: outer.id, name: 'p', apiKey: { id: newId('key'), keyHash: newId('key') } };
  await insertOrgWithAdminToken(t.db, outer);
  await insertProjectWithApiKey(t.db, project);
  await expect(
    transaction(t.db, async (tx) => {
      // e.g. a use case that opens its own transaction, called by one that already has one
      await transaction(tx, async (inner) => expect(await softDeleteProject(inner, outer.id, project.id)).toBe(true));
      throw new Error('outer failed');
    }),
  ).rejects.toThrow('outer failed');
  expect((await t.db.project.findUniqueOrThrow({ where: { id: project.id } })).deletedAt).toBeNull();
});

test("inside a caller's transaction nothing is retried: the failure goes to the transaction's opener", async () => {
  const serializationFailure = Object.assign(new Error('could not serialize access'), { code: 'P2034' });
  let inner = 0;
  let outer = 0;
  await expect(
    transaction(
      t.db,
      async (tx) => {
        outer += 1;
        const [opened] = await tx.$queryRaw<Array<{ id: bigint }>>`SELECT txid_current() AS id`;
        await transaction(tx, async (joined) => {
          inner += 1;
          const [same] = await joined.$queryRaw<Array<{ id: bigint }>>`SELECT txid_current() AS id`;
          expect(same?.id).toBe(opened?.id);
          throw serializationFailure;
        });
      },
      { attempts: 2 },
    ),
  ).rejects.toBe(serializationFailure);
  expect({ outer, inner }).toEqual({ outer: 2, inner: 2 });
});

test('a serialization failure is retried until it commits', async () => {
  const target = org();
  await insertOrgWithAdminToken(t.db, target);
  let attempts = 0;
  // two serializable read-modify-writes of one row: one of them must fail and be retried
  const rename = (name: string) =>
    transaction(
      t.db,
      async (tx) => {
        attempts += 1;
        const row = await tx.org.findUniqueOrThrow({ where: { id: target.id } });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.org.update({ where: { id: target.id }, data: { name: `${row.name}+${name}` } });
      },
      { isolationLevel: 'Serializable' },
    );
  await Promise.all([rename('a'), rename('b')]);
  const { name } = await t.db.org.findUniqueOrThrow({ where: { id: target.id } });
  expect(name.split('+').sort()).toEqual(['a', 'b', 'o']);
  expect(attempts).toBeGreaterThan(2);
});
