export { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresOptions, type PostgresHandle } from './embedded-postgres';
export { persistentDataDir, type PersistentDataDir } from './data-dir';
export { PostgresAccessError, serverUser, type ServerUser } from './server-user';
