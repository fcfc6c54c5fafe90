import { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { authenticateClient, type ClientAuth } from './client-auth';
import { answerHostile } from './hostile';
import { readBody, sendJson } from './http-io';
import { type ProviderModel } from './provider-model';
import { type RevokeOutcome } from './stats';

/** Form bodies of revoke/introspect are a token and a few fields. */
const FORM_LIMIT_BYTES = 64 * 1024;
const WWW_AUTHENTICATE = { 'www-authenticate': 'Basic realm="provider-server"' };
const FAILURE_BODIES = { 503: { error: 'temporarily_unavailable' }, 429: { error: 'too_many_requests' } } as const;

type Answer = { status: number; body?: unknown; headers?: OutgoingHttpHeaders; outcome: RevokeOutcome; clientId?: string; token?: string };

async function authenticatedForm(req: IncomingMessage, model: ProviderModel): Promise<{ form: URLSearchParams; auth: ClientAuth }> {
  const form = new URLSearchParams(await readBody(req, FORM_LIMIT_BYTES));
  const auth: ClientAuth = model.faults.invalidClient
    ? { ok: false, error: 'invalid_client', description: 'client authentication failed' }
    : authenticateClient(req.headers.authorization, form, model.clients);
  return { form, auth };
}

function authFailure(auth: Extract<ClientAuth, { ok: false }>): Pick<Answer, 'status' | 'body' | 'headers'> {
  const body = { error: auth.error, error_description: auth.description };
  return auth.error === 'invalid_client' ? { status: 401, body, headers: WWW_AUTHENTICATE } : { status: 400, body };
}

async function decideRevoke(req: IncomingMessage, model: ProviderModel, countThisSecond: number): Promise<Answer> {
  const ceiling = model.faults.ceilingPerSecond;
  if (ceiling !== undefined && countThisSecond > ceiling) {
    return { status: 429, body: FAILURE_BODIES[429], headers: { 'retry-after': '1' }, outcome: 'ceiling' };
  }
  const { form, auth } = await authenticatedForm(req, model);
  if (!auth.ok) return { ...authFailure(auth), outcome: auth.error };
  const token = form.get('token');
  if (!token) return { status: 400, body: { error: 'invalid_request', error_description: 'token is required' }, outcome: 'invalid_request', clientId: auth.clientId };
  const failure = model.faults.injectedFailure();
  if (failure !== undefined) {
    const headers = { 'retry-after': String(model.faults.retryAfterSeconds) };
    return { status: failure, body: FAILURE_BODIES[failure], headers, outcome: 'injected_failure', clientId: auth.clientId };
  }
  const result = model.tokens.revoke(token, auth.clientId);
  if (result === 'wrong_client') {
    return { status: 400, body: { error: 'invalid_request', error_description: 'the token was issued to another client' }, outcome: result, clientId: auth.clientId };
  }
  // RFC 7009 2.2: unknown and already revoked tokens are answered 200 too
  return { status: 200, outcome: result, clientId: auth.clientId, token };
}

/** POST /revoke (RFC 7009), with the faults in force applied. */
export async function revoke(req: IncomingMessage, res: ServerResponse, model: ProviderModel, countThisSecond: number): Promise<void> {
  const hostile = model.faults.hostile;
  if (hostile !== undefined) {
    const form = new URLSearchParams(await readBody(req, FORM_LIMIT_BYTES).catch(() => ''));
    model.stats.revokeAnswered('hostile', 'hostile');
    return answerHostile(hostile, req, res, { token: form.get('token'), authorization: req.headers.authorization });
  }
  let answer: Answer;
  try {
    answer = await decideRevoke(req, model, countThisSecond);
  } catch {
    answer = { status: 400, body: { error: 'invalid_request', error_description: 'unreadable body' }, outcome: 'invalid_request' };
  }
  model.stats.revokeAnswered(answer.status, answer.outcome, answer.clientId, answer.token);
  const send = () => sendJson(res, answer.status, answer.body, answer.headers);
  const latency = model.faults.latencyMs;
  if (latency > 0) setTimeout(send, latency);
  else send();
}

const TOKEN_LIFETIME_S = 3600;

async function decideRefresh(req: IncomingMessage, model: ProviderModel, countThisSecond: number): Promise<Pick<Answer, 'status' | 'body' | 'headers'> & { outcome: 'refreshed' | 'reused' | 'ceiling' | 'other' }> {
  const ceiling = model.faults.ceilingPerSecond;
  if (ceiling !== undefined && countThisSecond > ceiling) return { status: 429, body: FAILURE_BODIES[429], headers: { 'retry-after': '1' }, outcome: 'ceiling' };
  const { form, auth } = await authenticatedForm(req, model);
  if (!auth.ok) return { ...authFailure(auth), outcome: 'other' };
  if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' }, outcome: 'other' };
  const token = form.get('refresh_token');
  if (!token) return { status: 400, body: { error: 'invalid_request', error_description: 'refresh_token is required' }, outcome: 'other' };
  const failure = model.faults.injectedFailure();
  if (failure !== undefined) return { status: failure, body: FAILURE_BODIES[failure], headers: { 'retry-after': String(model.faults.retryAfterSeconds) }, outcome: 'other' };
  const result = model.tokens.refreshRotating(token, auth.clientId);
  if (!result.ok) return { status: 400, body: { error: 'invalid_grant', error_description: result.reason === 'reused' ? 'refresh token already used: grant revoked' : 'refresh token is invalid' }, outcome: result.reason === 'reused' ? 'reused' : 'other' };
  return { status: 200, body: { ...result.pair, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S }, outcome: 'refreshed' };
}

/** POST /token: the refresh_token grant (RFC 6749 6), rotating, with reuse detection and the faults in force. */
export async function token(req: IncomingMessage, res: ServerResponse, model: ProviderModel, countThisSecond: number): Promise<void> {
  let answer: Awaited<ReturnType<typeof decideRefresh>>;
  try {
    answer = await decideRefresh(req, model, countThisSecond);
  } catch {
    answer = { status: 400, body: { error: 'invalid_request', error_description: 'unreadable body' }, outcome: 'other' };
  }
  model.stats.refreshAnswered(answer.outcome);
  const send = () => sendJson(res, answer.status, answer.body, answer.headers);
  const latency = model.faults.latencyMs;
  if (latency > 0) setTimeout(send, latency);
  else send();
}

/** POST /introspect (RFC 7662). */
export async function introspect(req: IncomingMessage, res: ServerResponse, model: ProviderModel): Promise<void> {
  let form: URLSearchParams;
  let auth: ClientAuth;
  try {
    ({ form, auth } = await authenticatedForm(req, model));
  } catch {
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'unreadable body' });
  }
  if (!auth.ok) {
    const failure = authFailure(auth);
    return sendJson(res, failure.status, failure.body, failure.headers);
  }
  const token = form.get('token');
  if (!token) return sendJson(res, 400, { error: 'invalid_request', error_description: 'token is required' });
  sendJson(res, 200, model.tokens.introspect(token, auth.clientId));
}
