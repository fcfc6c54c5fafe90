import { createTestDatabase, type TestDatabase } from './test-database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

test('the migrated template records every migration as Prisma does', async () => {
  const rows = await t.db.$queryRaw<Array<{ migration_name: string; finished_at: Date | null }>>`SELECT migration_name, finished_at FROM "_prisma_migrations"`;
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  await t.db.org.create({ data: { id: 'org_x', name: 'x' } });
  expect(await t.db.org.count()).toBe(1);
});
