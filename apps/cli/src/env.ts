import { z } from 'zod';

/** What the CLI reads from the environment; nothing else reads process.env. */
export const cliEnvSchema = z.object({
  /** Base URL of apollo. */
  APOLLO_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** An org admin token (ato_…): the CLI speaks the dashboard surface, as the console does. */
  APOLLO_TOKEN: z.string().min(1, 'set APOLLO_TOKEN to an org admin token (ato_…)').max(256),
});

export type CliEnv = z.output<typeof cliEnvSchema>;

/** The environment, or the list of what is wrong with it. */
export function readCliEnv(source: Record<string, string | undefined> = process.env): { env: CliEnv } | { problems: string[] } {
  const parsed = cliEnvSchema.safeParse({ APOLLO_URL: source['APOLLO_URL'] || undefined, APOLLO_TOKEN: source['APOLLO_TOKEN'] ?? '' });
  if (parsed.success) return { env: parsed.data };
  return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
}
