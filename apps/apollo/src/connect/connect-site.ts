import express, { type Request, type Response, type Router } from 'express';
import type { ApolloContext } from '../context';
import { servedOverHttps } from '../auth/console-session';
import { bindingCookieOf } from '../use-cases/connect/binding-cookie';
import { completeAuthorization } from '../use-cases/connect/complete-authorization';
import type { ConnectOutcome } from '../use-cases/connect/connect-outcome';
import { openConnectLink } from '../use-cases/connect/open-connect-link';
import { submitApiKey } from '../use-cases/connect/submit-api-key';
import { apiKeyFormPage, donePage, errorPage, pageCsp } from './pages';

const FORM_LIMIT = '16kb';

function html(res: Response, status: number, body: string, csp = pageCsp()): void {
  res.status(status).setHeader('content-security-policy', csp).setHeader('cache-control', 'no-store').type('html').send(body);
}

function send(res: Response, outcome: ConnectOutcome): void {
  switch (outcome.kind) {
    case 'redirect':
      if (outcome.cookies) res.append('set-cookie', outcome.cookies);
      // 303: after the form's POST the browser follows with a GET
      res.status(303).setHeader('location', outcome.location).setHeader('cache-control', 'no-store').end();
      return;
    case 'api_key_form':
      res.append('set-cookie', outcome.cookies);
      html(res, 200, apiKeyFormPage({ toolkit: outcome.toolkit, action: '', csrfToken: outcome.csrfToken }), pageCsp(outcome.formTargets));
      return;
    case 'refused':
      html(res, outcome.status, errorPage(outcome.code, outcome.message));
  }
}

const first = (value: unknown): unknown => (Array.isArray(value) ? undefined : value);

/**
 * The browser side of hosted connect, under /connect: the link (GET: to consent, or the api-key
 * form; POST: the form), the one OAuth callback, and the dev stack's landing page. HTML with a
 * strict CSP; an unexpected failure is an error page, never a stack trace.
 */
export function connectSite(ctx: ApolloContext): Router {
  const router = express.Router();
  const cookies = (req: Request) => (sessionId: string) => bindingCookieOf(req, sessionId);

  router.get('/connect/callback', async (req, res) => {
    const q = req.query as Record<string, unknown>;
    send(res, await completeAuthorization(ctx, { state: first(q.state), code: first(q.code), error: first(q.error), iss: first(q.iss) }, cookies(req), servedOverHttps(req)));
  });
  router.get('/connect/done', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value.length <= 200 ? value : undefined);
    html(res, 200, donePage({ status: text(q.status), connectedAccountId: text(q.connected_account_id), error: text(q.error) }));
  });
  router.get('/connect/:token', async (req, res) => {
    send(res, await openConnectLink(ctx, String(req.params.token), servedOverHttps(req)));
  });
  router.post('/connect/:token', express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 10 }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    send(res, await submitApiKey(ctx, String(req.params.token), { csrf_token: form.csrf_token, api_key: form.api_key }, cookies(req), servedOverHttps(req)));
  });
  // anything that went wrong on these pages is an HTML page too; the details go to the log only
  router.use('/connect', (error: unknown, req: Request, res: Response, next: (error?: unknown) => void) => {
    if (res.headersSent) return next(error);
    const status = typeof (error as { status?: unknown }).status === 'number' && (error as { status: number }).status < 500 ? (error as { status: number }).status : 500;
    if (status >= 500) ctx.logger.error('connect page failed', { path: req.path.startsWith('/connect/callback') ? req.path : '/connect/…', error: error instanceof Error ? error.name : 'unknown' });
    html(res, status, errorPage(status >= 500 ? 'unavailable' : 'invalid_request', status >= 500 ? 'Something went wrong on our side; nothing was connected. Try again in a moment.' : 'This request could not be read.'));
  });
  return router;
}
