import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDb, type PrismaClient } from '@at/db';
import { TEMPLATE_DATABASE, testEnv } from './test-env';

export type TestDatabase = { url: string; name: string; db: PrismaClient; drop: () => Promise<void> };

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testEnv('postgresAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template: one per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `at_test_${randomBytes(6).toString('hex')}`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`));
      break;
    } catch (error) {
      // concurrent clones of one template can collide briefly
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  const url = new URL(testEnv('postgresAdminUrl'));
  url.pathname = `/${name}`;
  const db = createDb({ url: url.toString(), poolSize: 10 });
  return {
    url: url.toString(),
    name,
    db,
    drop: async () => {
      await db.$disconnect();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
