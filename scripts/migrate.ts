/** Applies pending SQL migrations to DATABASE_URL (what `up.sh` does for the embedded database). */
import { migrate } from '@at/db';

const url = process.env['DATABASE_URL'];
if (!url) {
  process.stderr.write('DATABASE_URL: required (postgresql://user:password@host:5432/database)\n');
  process.exit(78);
}
migrate(url)
  .then((applied) => process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n'))
  .catch((error: unknown) => {
    process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
