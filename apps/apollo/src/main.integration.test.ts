import { spawnService } from '@at/devstack';

test('a bad environment stops apollo at boot with a message naming each variable (and no secret)', async () => {
  const apollo = spawnService('apollo', 'apps/apollo/src/main.ts', {
    APOLLO_PORT: 'not-a-port',
    DATABASE_URL: 'nope',
    ADMIN_TOKEN: 'short-secret',
    VAULT_KEYS: 'k1:x',
    CURSOR_SECRET: 'c'.repeat(40),
    THERMOS_SERVICE_TOKEN: 't'.repeat(30),
  });
  expect(await apollo.exited).toBe(78);
  const output = apollo.lines.join('\n');
  expect(output).toContain('APOLLO_PORT');
  expect(output).toContain('DATABASE_URL');
  expect(output).toContain('ADMIN_TOKEN');
  expect(output).not.toContain('short-secret');
  expect(output).not.toMatch(/\n\s+at /);
});
