import { PREPARED, preparedStatementName } from './client';

describe('preparedStatementName', () => {
  test('only a text that starts with the mark is named: every other statement stays unnamed (no server-side cache)', () => {
    expect(preparedStatementName('SELECT 1')).toBeUndefined();
    expect(preparedStatementName(` ${PREPARED} SELECT 1`)).toBeUndefined();
  });

  test('a marked text gets a name of its own, the same every time (each pooled connection prepares it once)', () => {
    const a = preparedStatementName(`${PREPARED} SELECT $1::int`);
    expect(a).toMatch(/^at_[0-9a-f]{24}$/);
    expect(preparedStatementName(`${PREPARED} SELECT $1::int`)).toBe(a);
    expect(preparedStatementName(`${PREPARED} SELECT $1::text`)).not.toBe(a);
  });
});
