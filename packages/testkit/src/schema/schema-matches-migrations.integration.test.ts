import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../test-database';
import { introspectDatabase, type DatabaseSchema } from './database-introspection';
import { parsePrismaSchema, type PrismaField, type PrismaModel, type PrismaSchema } from './prisma-schema-parser';
import { compareSchemaToDatabase } from './schema-comparison';

// Prisma's schema engine (`prisma migrate diff`) cannot run here, so this test is the proof that
// prisma/schema.prisma and the hand-written SQL in prisma/migrations describe the same database.
const SCHEMA_PATH = path.resolve(__dirname, '../../../../prisma/schema.prisma');

let migrated: TestDatabase;
let schema: PrismaSchema;
let database: DatabaseSchema;
beforeAll(async () => {
  schema = parsePrismaSchema(readFileSync(SCHEMA_PATH, 'utf8'));
  migrated = await createTestDatabase();
  database = await introspectDatabase(migrated.url);
});
afterAll(async () => migrated.drop());

test('schema.prisma and the SQL migrations describe the same tables, columns, keys, indexes and enums', () => {
  // guard against agreeing vacuously
  expect(schema.models.length).toBeGreaterThan(10);
  expect(database.tables.map((table) => table.name)).toContain('revoke_items');

  expect(compareSchemaToDatabase(schema, database)).toEqual([]);
});

type Mutation = (schema: PrismaSchema) => PrismaSchema;

function changeModel(name: string, change: (model: PrismaModel) => PrismaModel): Mutation {
  return (s) => ({ ...s, models: s.models.map((model) => (model.name === name ? change(model) : model)) });
}

/** Replaces one field; `undefined` drops it. */
function changeField(model: string, field: string, change: (field: PrismaField) => PrismaField | undefined): Mutation {
  return changeModel(model, (m) => ({ ...m, fields: m.fields.flatMap((f) => (f.name === field ? (change(f) ?? []) : [f])) }));
}

describe('when schema.prisma drifts from the migrations', () => {
  it.each<[string, Mutation, string[]]>([
    ['a field is removed', changeField('RevokeItem', 'attempts', () => undefined), ['column revoke_items.attempts: in the database but not in schema.prisma']],
    ['a field becomes optional', changeField('RevokeItem', 'attempts', (f) => ({ ...f, optional: true })), ['column revoke_items.attempts: schema says NULL, database says NOT NULL']],
    [
      'a field is added',
      changeModel('Org', (m) => ({ ...m, fields: [...m.fields, { ...(m.fields[1] as PrismaField), name: 'plan', columnName: 'plan' }] })),
      ['column orgs.plan: in schema.prisma (field Org.plan) but not in the database'],
    ],
    ['a type changes', changeField('RevokeRun', 'total', (f) => ({ ...f, type: 'String' })), ['column revoke_runs.total: schema says type text, database says integer']],
    ['a default changes', changeField('RevokeItem', 'attempts', (f) => ({ ...f, default: '1' })), ['column revoke_items.attempts: schema says default 1, database says default 0']],
    ['a default is removed', changeField('Org', 'createdAt', (f) => ({ ...f, default: undefined })), ['column orgs.created_at: schema says no default, database says default CURRENT_TIMESTAMP']],
    ['an index is removed', changeModel('Job', (m) => ({ ...m, indexes: m.indexes.slice(0, -1) })), ['index on jobs (run_id): in the database but not in schema.prisma']],
    ['an index changes column order', changeModel('Project', (m) => ({ ...m, indexes: [['id', 'orgId']] })), [
      'index on projects (id, org_id): in schema.prisma but not in the database',
      'index on projects (org_id, id): in the database but not in schema.prisma',
    ]],
    ['a field loses @unique', changeField('ApiKey', 'keyHash', (f) => ({ ...f, unique: false })), ['unique index on api_keys (key_hash): in the database but not in schema.prisma']],
    ['the primary key changes', changeModel('RevokeItem', (m) => ({ ...m, compoundId: ['runId'] })), ['primary key of revoke_items: schema says (run_id), database says (run_id, seq)']],
    [
      'a relation changes its delete action',
      changeField('RevokeItem', 'run', (f) => ({ ...f, relation: f.relation && { ...f.relation, onDelete: 'Cascade' } })),
      ['foreign key revoke_items (run_id) -> revoke_runs (id): schema says ON DELETE CASCADE, database says ON DELETE RESTRICT'],
    ],
    [
      'a relation is removed',
      changeField('Project', 'org', () => undefined),
      ['foreign key projects (org_id) -> orgs (id): in the database but not in schema.prisma'],
    ],
    [
      'an enum gains a value',
      (s) => ({ ...s, enums: s.enums.map((e) => (e.name === 'RunStatus' ? { ...e, values: [...e.values, 'paused'] } : e)) }),
      ['enum run_status: schema says values (running, completed, failed, cancelled, paused), database says (running, completed, failed, cancelled)'],
    ],
    [
      'a model maps to another table',
      changeModel('ProviderRateSlot', (m) => ({ ...m, dbName: 'provider_slots' })),
      ['table provider_slots: in schema.prisma (model ProviderRateSlot) but not in the database', 'table provider_rate_slots: in the database but not in schema.prisma'],
    ],
  ])('reports it when %s', (_what, mutate, expected) => {
    expect(compareSchemaToDatabase(mutate(schema), database)).toEqual(expected);
  });
});

describe('when the migrated database drifts from schema.prisma', () => {
  let drifted: TestDatabase;
  beforeAll(async () => {
    drifted = await createTestDatabase();
    const client = new Client({ connectionString: drifted.url });
    await client.connect();
    try {
      await client.query(`
        ALTER TABLE "orgs" ADD COLUMN "plan" TEXT;
        ALTER TABLE "revoke_items" ALTER COLUMN "error_code" SET NOT NULL;
        ALTER TABLE "revoke_runs" ALTER COLUMN "total" SET DEFAULT 1;
        ALTER TABLE "jobs" ALTER COLUMN "created_at" TYPE TIMESTAMP(3);
        CREATE INDEX "jobs_org_id_idx" ON "jobs"("org_id");
        DROP INDEX "api_keys_key_hash_key";
        CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash") WHERE "deleted_at" IS NULL;
        ALTER TABLE "projects" DROP CONSTRAINT "projects_org_id_fkey";
        ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_project_id_fkey";
        ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
        ALTER TYPE "job_trigger" ADD VALUE 'cron';
        CREATE TABLE "notes" ("id" TEXT PRIMARY KEY);
      `);
    } finally {
      await client.end();
    }
  });
  afterAll(async () => drifted.drop());

  it('reports every difference the migration introduced', async () => {
    const triggers = (schema.enums.find((e) => e.dbName === 'job_trigger')?.values ?? []).join(', ');
    const mismatches = compareSchemaToDatabase(schema, await introspectDatabase(drifted.url));
    expect([...mismatches].sort()).toEqual(
      [
        'column orgs.plan: in the database but not in schema.prisma',
        'column revoke_items.error_code: schema says NULL, database says NOT NULL',
        'column revoke_runs.total: schema says default 0, database says default 1',
        'column jobs.created_at: schema says type timestamp(3) with time zone, database says timestamp(3) without time zone',
        'index on jobs (org_id): in the database but not in schema.prisma',
        'unique index on api_keys (key_hash): in schema.prisma but not in the database',
        'unique index on api_keys (key_hash) (partial): in the database but not in schema.prisma',
        'foreign key projects (org_id) -> orgs (id): in schema.prisma but not in the database',
        'foreign key api_keys (project_id) -> projects (id): schema says ON DELETE RESTRICT, database says ON DELETE CASCADE',
        // the values as schema.prisma has them today, plus the one the drift added
        `enum job_trigger: schema says values (${triggers}), database says (${triggers}, cron)`,
        'table notes: in the database but not in schema.prisma',
      ].sort(),
    );
  });
});
