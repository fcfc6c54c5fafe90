import { startAccessSync } from './access-sync';
import { loadEnv } from './env';

const env = loadEnv();
if (!env.secret) {
  process.stderr.write('set WEBHOOK_SECRET to the endpoint secret (whsec_…)\n');
  process.exit(2);
}
void startAccessSync(env.secret, env.port).then((service) => {
  process.stdout.write(`access sync listening on ${service.url}\n`);
  setInterval(() => process.stdout.write(`${service.grants.size} grants\n`), 10_000).unref();
});
