/** Typed predicates over the errors Prisma and node-postgres throw. */
type WithCode = { code?: unknown; severity?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown; severity?: unknown } } } };

function prismaCode(error: unknown): string | undefined {
  const code = (error as WithCode | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function pgCode(error: unknown): string | undefined {
  const cause = (error as WithCode | null)?.meta?.driverAdapterError?.cause;
  const original = cause?.originalCode ?? (error as WithCode | null)?.code;
  return typeof original === 'string' ? original : undefined;
}

function pgSeverity(error: unknown): unknown {
  return (error as WithCode | null)?.meta?.driverAdapterError?.cause?.severity ?? (error as WithCode | null)?.severity;
}

export function isUniqueConstraintError(error: unknown): boolean {
  return prismaCode(error) === 'P2002' || pgCode(error) === '23505';
}

export function isSerializationError(error: unknown): boolean {
  const code = pgCode(error);
  return prismaCode(error) === 'P2034' || code === '40001' || code === '40P01';
}

/** The database could not be reached or dropped the connection: worth retrying later. */
export function isConnectionError(error: unknown): boolean {
  const code = prismaCode(error) ?? '';
  const pg = pgCode(error) ?? '';
  const message = error instanceof Error ? error.message : '';
  return (
    ['P1001', 'P1002', 'P1017', 'P2024'].includes(code) ||
    pg.startsWith('08') ||
    pg === '57P01' ||
    pg === '57P03' ||
    // refused at connect: too many clients, or the database does not accept connections (ALLOW_CONNECTIONS false, being dropped)
    pg === '53300' ||
    (pg === '55000' && pgSeverity(error) === 'FATAL') ||
    /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|DatabaseNotReachable|timeout exceeded when trying to connect/i.test(message)
  );
}

/** The SQLSTATE of a Postgres error, however Prisma wrapped it (undefined for other errors). */
export function postgresErrorCode(error: unknown): string | undefined {
  const code = pgCode(error);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Postgres refused the data itself (SQLSTATE class 22 data exception, e.g. a NUL byte in text,
 * or 23 integrity constraint violation): the same write fails the same way every time, so
 * retrying it is pointless.
 */
export function isDataError(error: unknown): boolean {
  const code = postgresErrorCode(error);
  if (code !== undefined) return code.startsWith('22') || code.startsWith('23');
  // Prisma's own codes for refused values (P2000 too long, P2006 invalid, P2007 validation)
  return ['P2000', 'P2006', 'P2007'].includes(prismaCode(error) ?? '');
}
