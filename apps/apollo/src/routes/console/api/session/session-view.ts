import { z } from 'zod';
import type { ApolloEnv } from '../../../../env';
import type { ConsoleSessionRecord } from '../../../../repositories/console-sessions';
import { iso, timestamp } from '../../../schemas';

/** What the console needs to know about its session; never the cookie's secret. */
export const consoleSessionView = z.object({
  org_id: z.string(),
  org_name: z.string(),
  expires_at: timestamp,
  csrf_token: z.string().describe('send as x-csrf-token on every state change; keep it in memory only'),
  temporal: z.object({
    ui_url: z.string().describe("the Temporal Web UI a job's run links to"),
    namespace: z.string(),
  }),
});

export function presentConsoleSession(session: ConsoleSessionRecord, csrfToken: string, env: ApolloEnv): z.output<typeof consoleSessionView> {
  return {
    org_id: session.orgId,
    org_name: session.orgName,
    expires_at: iso(session.expiresAt),
    csrf_token: csrfToken,
    temporal: { ui_url: env.TEMPORAL_UI_URL.replace(/\/+$/, ''), namespace: env.TEMPORAL_NAMESPACE },
  };
}
