/**
 * `pnpm temporal:setup`: registers temporal/search-attributes.json on the cluster that
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS name (the same
 * variables apollo and thermos read). Safe to run again: it adds only what is missing.
 */
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { envBool, loadEnvOrExit, readSearchAttributeFile } from '@at/common';
import { cloudService, isTemporalCloud, registerWithCloudOperations, registerWithOperatorService, type Registration } from './search-attributes';

const envSchema = z.object({
  /** The cluster's frontend; a Temporal Cloud namespace endpoint selects the Cloud Operations API. */
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Cloud API key (implies TLS); with Cloud, also the key for the Cloud Operations API. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: envBool(false),
  /** Cloud only: a key allowed to update the namespace, when TEMPORAL_API_KEY may not. */
  TEMPORAL_CLOUD_API_KEY: z.string().min(1).optional(),
  /** Cloud only: the Cloud Operations API endpoint and version. */
  TEMPORAL_CLOUD_OPS_ADDRESS: z.string().min(3).default('saas-api.tmprl.cloud:443'),
  TEMPORAL_CLOUD_API_VERSION: z.string().min(1).default('v0.3.0'),
});

async function main(): Promise<void> {
  const env = loadEnvOrExit(envSchema);
  const wanted = readSearchAttributeFile();
  const namespace = env.TEMPORAL_NAMESPACE;
  let result: Registration;
  let via: string;
  if (isTemporalCloud(env.TEMPORAL_ADDRESS)) {
    const apiKey = env.TEMPORAL_CLOUD_API_KEY ?? env.TEMPORAL_API_KEY;
    if (!apiKey) throw new Error('Temporal Cloud: set TEMPORAL_API_KEY (or TEMPORAL_CLOUD_API_KEY), a key that may update the namespace');
    const cloud = cloudService({ address: env.TEMPORAL_CLOUD_OPS_ADDRESS, apiKey, apiVersion: env.TEMPORAL_CLOUD_API_VERSION });
    try {
      result = await registerWithCloudOperations(cloud.service, namespace, wanted);
    } finally {
      cloud.close();
    }
    via = `Temporal Cloud Operations API (${env.TEMPORAL_CLOUD_OPS_ADDRESS})`;
  } else {
    const tls = env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true as const } : env.TEMPORAL_TLS ? { tls: true as const } : {};
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, ...tls });
    try {
      result = await registerWithOperatorService(connection, namespace, wanted);
    } finally {
      await connection.close();
    }
    via = `operator API of ${env.TEMPORAL_ADDRESS}`;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`search attributes of namespace ${namespace}, through the ${via}:`);
  for (const name of result.added) say(`  added            ${name} (${wanted[name]})`);
  for (const name of result.present) say(`  already present  ${name} (${wanted[name]})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`temporal:setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
