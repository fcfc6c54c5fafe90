// Re-wraps every sealed secret under the active vault key, so an old key can be retired:
//   VAULT_KEYS=old:...,new:... VAULT_ACTIVE_KEY_ID=new DATABASE_URL=... pnpm --filter @at/vault rotate
import { createDb } from '@at/db';
import { rotateSealedSecrets } from '../rotate';
import { loadRotateEnv } from './env';

async function main(): Promise<void> {
  const { databaseUrl, vault } = loadRotateEnv();
  const db = createDb({ url: databaseUrl, poolSize: 2, applicationName: 'vault-rotate' });
  try {
    const rewrapped = await rotateSealedSecrets(db, vault);
    process.stdout.write(`${JSON.stringify({ active_key_id: vault.activeKeyId, rewrapped })}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  // name and message only: vault errors are safe by construction, and a stack adds nothing here
  process.stderr.write(`rotation failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error'}\n`);
  process.exitCode = 1;
});
