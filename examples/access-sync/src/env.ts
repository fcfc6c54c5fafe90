/** The example's settings. */
export type AccessSyncEnv = { secret: string | undefined; port: number };

export function loadEnv(source: Record<string, string | undefined> = process.env): AccessSyncEnv {
  return {
    /** the whsec_ secret Apollo returned when the endpoint was created */
    secret: source['WEBHOOK_SECRET'],
    /** where to listen on 127.0.0.1 */
    port: Number(source['PORT'] ?? 4000),
  };
}
