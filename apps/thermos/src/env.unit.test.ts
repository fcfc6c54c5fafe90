import { EnvError } from '@at/common';
import { parseThermosEnv } from './env';

const valid = { DATABASE_URL: 'postgresql://localhost/x', THERMOS_SERVICE_TOKEN: 'x'.repeat(24), CURSOR_SECRET: 'c'.repeat(32), VAULT_KEYS: 'k1:abc' };

test('defaults apply and JSON maps parse', () => {
  const env = parseThermosEnv({ ...valid, PROVIDER_RATE_LIMITS: '{"google":5,"oauth2":0}' });
  expect(env).toMatchObject({ THERMOS_PORT: 3001, REVOKE_CONCURRENCY: 64, PROVIDER_RATE_LIMITS: { google: 5, oauth2: 0 }, THERMOS_ROLE: 'all' });
});

test('a bad value names the variable', () => {
  expect(() => parseThermosEnv({ ...valid, THERMOS_PORT: 'eighty', PROVIDER_BASE_URLS: 'not json' })).toThrow(EnvError);
  try {
    parseThermosEnv({ ...valid, THERMOS_PORT: 'eighty', PROVIDER_BASE_URLS: 'not json', THERMOS_SERVICE_TOKEN: 'short' });
  } catch (error) {
    const issues = (error as EnvError).issues.join('\n');
    expect(issues).toContain('THERMOS_PORT');
    expect(issues).toContain('PROVIDER_BASE_URLS');
    expect(issues).toContain('THERMOS_SERVICE_TOKEN');
    // the offending secret value itself is never echoed
    expect(issues).not.toContain('short');
  }
});

test('REVOKE_SWEEP_INTERVAL: an hour by default, seconds to hours, or off; anything else names the variable', () => {
  expect(parseThermosEnv(valid).REVOKE_SWEEP_INTERVAL).toBe(3_600_000);
  expect(['90s', '15m', '2h', 'off'].map((v) => parseThermosEnv({ ...valid, REVOKE_SWEEP_INTERVAL: v }).REVOKE_SWEEP_INTERVAL)).toEqual([90_000, 900_000, 7_200_000, null]);
  for (const bad of ['0s', '1d', '1.5h', '-1h', ' 1h', 'hourly']) {
    expect(() => parseThermosEnv({ ...valid, REVOKE_SWEEP_INTERVAL: bad })).toThrow(/REVOKE_SWEEP_INTERVAL/);
  }
});

test('the egress policy is strict unless configured: allowlist entries are hosts or host:port, the switch is off', () => {
  expect(parseThermosEnv(valid)).toMatchObject({ PROVIDER_ALLOWED_HOSTS: [], PROVIDER_ALLOW_INSECURE_LOOPBACK: false });
  expect(parseThermosEnv({ ...valid, PROVIDER_ALLOWED_HOSTS: ' idp.internal:8443, 10.0.0.5 ,[fd00::5]:443', PROVIDER_ALLOW_INSECURE_LOOPBACK: 'true' })).toMatchObject({
    PROVIDER_ALLOWED_HOSTS: ['idp.internal:8443', '10.0.0.5', '[fd00::5]:443'],
    PROVIDER_ALLOW_INSECURE_LOOPBACK: true,
  });
  for (const bad of ['https://idp.internal', 'idp.internal/revoke', 'user@idp.internal', 'idp internal']) {
    expect(() => parseThermosEnv({ ...valid, PROVIDER_ALLOWED_HOSTS: bad })).toThrow(/PROVIDER_ALLOWED_HOSTS/);
  }
  expect(() => parseThermosEnv({ ...valid, PROVIDER_ALLOW_INSECURE_LOOPBACK: 'yes' })).toThrow(/PROVIDER_ALLOW_INSECURE_LOOPBACK/);
});
