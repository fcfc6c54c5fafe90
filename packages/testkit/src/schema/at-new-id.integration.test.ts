/**
 * at_new_id(), the ids the SQL migrations make inside statements (events, webhook deliveries,
 * audit rows): the format of @at/common's ids, time-ordered, 80 random bits.
 */
import { isId } from '@at/common';
import { createTestDatabase, type TestDatabase } from '../test-database';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

const decodeTime = (body: string) => [...body.slice(0, 10)].reduce((ms, char) => ms * 32 + ALPHABET.indexOf(char), 0);

test("ids in @at/common's format, their first 10 characters the millisecond they were made", async () => {
  const before = Date.now();
  const [row] = await database.db.$queryRaw<Array<{ id: string }>>`SELECT at_new_id('evt') AS id`;
  const after = Date.now();
  const id = row?.id ?? '';
  expect(isId('evt', id)).toBe(true);
  const ms = decodeTime(id.slice(4));
  // the database's clock and this process's: the same machine
  expect(ms).toBeGreaterThanOrEqual(before - 1000);
  expect(ms).toBeLessThanOrEqual(after + 1000);
});

test('every random character takes all 32 values (no byte with fixed bits is used), and ids are distinct', async () => {
  const rows = await database.db.$queryRaw<Array<{ id: string }>>`SELECT at_new_id('wd') AS id FROM generate_series(1, 4000)`;
  const ids = rows.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (let position = 0; position < 16; position += 1) {
    const seen = new Set(ids.map((id) => id.slice(3 + 10)[position]));
    // 4,000 draws of 32 equally likely values miss one with odds of about 32 × e^-125
    expect({ position, values: seen.size }).toEqual({ position, values: 32 });
  }
});
