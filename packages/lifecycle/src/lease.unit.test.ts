import { isDue } from './lease';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const at = (offsetS: number) => new Date(NOW + offsetS * 1000);
const LEAD_MS = 300_000;

describe('isDue: within the lead, or half the known lifetime when that is shorter', () => {
  test('a token we never refreshed is due within the lead', () => {
    expect(isDue({ expiresAt: at(299), issuedAt: null, dbNow: at(0) }, LEAD_MS)).toBe(true);
    expect(isDue({ expiresAt: at(301), issuedAt: null, dbNow: at(0) }, LEAD_MS)).toBe(false);
  });

  test('an expired token is due, and a token without an expiry never is', () => {
    expect(isDue({ expiresAt: at(-10), issuedAt: at(-3600), dbNow: at(0) }, LEAD_MS)).toBe(true);
    expect(isDue({ expiresAt: null, issuedAt: null, dbNow: at(0) }, LEAD_MS)).toBe(false);
  });

  test('a 60-second token just refreshed is not due again (it would be refreshed on every read)', () => {
    expect(isDue({ expiresAt: at(59), issuedAt: at(-1), dbNow: at(0) }, LEAD_MS)).toBe(false);
    // past half its life it is
    expect(isDue({ expiresAt: at(29), issuedAt: at(-31), dbNow: at(0) }, LEAD_MS)).toBe(true);
  });

  test('a long-lived token is due within the lead whatever its lifetime', () => {
    expect(isDue({ expiresAt: at(299), issuedAt: at(-3300), dbNow: at(0) }, LEAD_MS)).toBe(true);
    expect(isDue({ expiresAt: at(400), issuedAt: at(-3200), dbNow: at(0) }, LEAD_MS)).toBe(false);
  });

  test('an issue time after the expiry (clock trouble) falls back to the lead', () => {
    expect(isDue({ expiresAt: at(200), issuedAt: at(500), dbNow: at(0) }, LEAD_MS)).toBe(true);
  });
});
