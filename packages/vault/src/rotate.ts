import type { PrismaClient } from '@at/db';
import { VaultIntegrityError, VaultKeyNotFoundError, VaultRotationError } from './errors';
import type { Vault } from './vault';

/** A sealed JSON column and the primary key its rows are paged by. */
export type SealedColumn = { table: string; pk: string; column: string };

export const SEALED_COLUMNS = {
  credentials: { table: 'credentials', pk: 'connected_account_id', column: 'sealed' },
  authConfigs: { table: 'auth_configs', pk: 'id', column: 'client_secret_sealed' },
} as const satisfies Record<string, SealedColumn>;

export type SealedRow = { pk: string; box: unknown };
export type RewrappedRow = { pk: string; old_box: unknown; new_box: unknown };

// Identifiers below come from SEALED_COLUMNS only; every value is a bound parameter.

/** The next page (by primary key, after `cursor`) of rows sealed under a key other than the active one. */
export function readStalePage(db: PrismaClient, { table, pk, column }: SealedColumn, activeKeyId: string, cursor: string, limit: number): Promise<SealedRow[]> {
  return db.$queryRawUnsafe<SealedRow[]>(
    `SELECT "${pk}" AS pk, "${column}" AS box FROM "${table}"
     WHERE "${pk}" > $1 AND "${column}" IS NOT NULL AND "${column}" <> 'null'::jsonb AND "${column}"->>'kid' IS DISTINCT FROM $2
     ORDER BY "${pk}" LIMIT $3`,
    cursor,
    activeKeyId,
    limit,
  );
}

/**
 * Writes a page of rewrapped boxes in one statement. Each row is a compare-and-set on the box
 * that was read, so a secret replaced or shredded meanwhile is left alone. Returns rows written.
 */
export async function writeRewrapped(db: PrismaClient, { table, pk, column }: SealedColumn, rows: RewrappedRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE "${table}" AS t SET "${column}" = r.new_box
     FROM jsonb_to_recordset($1::jsonb) AS r(pk text, old_box jsonb, new_box jsonb)
     WHERE t."${pk}" = r.pk AND t."${column}" = r.old_box`,
    JSON.stringify(rows),
  );
}

function rewrapRow(vault: Vault, { table }: SealedColumn, row: SealedRow): RewrappedRow {
  try {
    return { pk: row.pk, old_box: row.box, new_box: vault.rewrap(row.box) };
  } catch (error) {
    if (error instanceof VaultIntegrityError || error instanceof VaultKeyNotFoundError) throw new VaultRotationError(table, row.pk, error);
    throw error;
  }
}

async function rotateColumn(db: PrismaClient, vault: Vault, column: SealedColumn, batchSize: number): Promise<number> {
  let cursor = '';
  let written = 0;
  for (;;) {
    const page = await readStalePage(db, column, vault.activeKeyId, cursor, batchSize);
    written += await writeRewrapped(db, column, page.map((row) => rewrapRow(vault, column, row)));
    const last = page.at(-1);
    if (!last || page.length < batchSize) return written;
    cursor = last.pk;
  }
}

/**
 * Re-wraps every sealed secret whose key id is not the vault's active one, in keyset pages, so
 * an old key can be retired. Safe to run while the services write: see writeRewrapped.
 */
export async function rotateSealedSecrets(
  db: PrismaClient,
  vault: Vault,
  { batchSize = 500 }: { batchSize?: number } = {},
): Promise<{ credentials: number; authConfigs: number }> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const credentials = await rotateColumn(db, vault, SEALED_COLUMNS.credentials, batchSize);
  const authConfigs = await rotateColumn(db, vault, SEALED_COLUMNS.authConfigs, batchSize);
  return { credentials, authConfigs };
}
