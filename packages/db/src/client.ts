import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient };
export type * from '../generated/prisma/client';
export { Prisma } from '../generated/prisma/client';

export type DbOptions = { url: string; poolSize?: number; applicationName?: string };

/** A Prisma client over node-postgres (driver adapter: no query engine binary needed). */
export function createDb({ url, poolSize = 10, applicationName = 'apollo-thermos' }: DbOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}
