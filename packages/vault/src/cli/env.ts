import { loadEnvOrExit } from '@at/common';
import { z } from 'zod';
import { VaultConfigError } from '../errors';
import { Vault } from '../vault';

/** Runs fn; a VaultConfigError (whose message never contains key material) is returned, not thrown. */
function configError<T>(fn: () => T): { value: T } | { error: VaultConfigError } {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof VaultConfigError) return { error };
    throw error;
  }
}

export const rotateEnvSchema = z
  .object({
    /** Postgres URL of the database holding the sealed secrets. */
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }),
    /** Every key-encryption key, `kid:base64key,...`; the old key must stay listed until rotation ends. */
    VAULT_KEYS: z.string({ error: 'is required' }).superRefine((spec, ctx) => {
      const parsed = configError(() => Vault.fromSpec(spec));
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error.message });
    }),
    /** Key id to rewrap to; defaults to the last key of VAULT_KEYS. */
    VAULT_ACTIVE_KEY_ID: z.string().optional(),
  })
  .transform(({ DATABASE_URL, VAULT_KEYS, VAULT_ACTIVE_KEY_ID }, ctx) => {
    const parsed = configError(() => Vault.fromSpec(VAULT_KEYS, VAULT_ACTIVE_KEY_ID));
    if ('value' in parsed) return { databaseUrl: DATABASE_URL, vault: parsed.value };
    ctx.addIssue({ code: 'custom', path: ['VAULT_ACTIVE_KEY_ID'], message: parsed.error.message });
    return z.NEVER;
  });

export type RotateEnv = z.output<typeof rotateEnvSchema>;

export const loadRotateEnv = (source: Record<string, string | undefined> = process.env): RotateEnv => loadEnvOrExit(rotateEnvSchema, source);
