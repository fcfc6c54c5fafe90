/** Environment variables the jest global set-up hands to test files. */
export const TEST_ENV = {
  postgresAdminUrl: 'AT_TEST_POSTGRES_ADMIN_URL',
  temporalAddress: 'AT_TEST_TEMPORAL_ADDRESS',
} as const;

export const TEMPLATE_DATABASE = 'at_template';

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run integration tests through jest's global set-up`);
  return value;
}
