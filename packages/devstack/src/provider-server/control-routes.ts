import { type IncomingMessage, type ServerResponse } from 'node:http';
import { FaultError, parseFaults } from './faults';
import { BodyTooLargeError, isLoopback, readBody, sendJson } from './http-io';
import { type ProviderModel, UnknownClientError } from './provider-model';

/** 100,000 tokens of 32 characters in JSON are ~3.6 MB. */
const CONTROL_LIMIT_BYTES = 64 * 1024 * 1024;
export const CONTROL_PREFIX = '/__control/';

class ControlRequestError extends Error {
  override readonly name = 'ControlRequestError';
}

function field<T>(body: unknown, name: string, valid: (value: unknown) => value is T, expected: string): T {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (!valid(value)) throw new ControlRequestError(`${name} must be ${expected}`);
  return value;
}
const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => Number.isInteger(value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

type ControlHandler = (model: ProviderModel, body: unknown) => unknown;

const ROUTES: Record<string, ControlHandler> = {
  'GET stats': (model) => model.snapshot(),
  'POST stats/reset': (model) => {
    model.resetStats();
    return model.snapshot();
  },
  'GET faults': (model) => model.currentFaults(),
  'POST faults': (model, body) => model.setFaults(parseFaults(body)),
  'POST tokens': (model, body) => ({
    tokens: model.mint(field(body, 'clientId', isString, 'a string'), field(body, 'n', isCount, 'an integer'), { expired: (body as { expired?: unknown }).expired === true }),
  }),
  'GET rotations': (model) => ({ rotations: model.rotations }),
  'POST check': (model, body) => model.check(field(body, 'tokens', isStrings, 'an array of strings')),
};

/** Unauthenticated test controls under /__control/, for loopback callers only. */
export async function control(req: IncomingMessage, res: ServerResponse, model: ProviderModel, path: string): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'forbidden' });
  const handler = ROUTES[`${req.method ?? 'GET'} ${path.slice(CONTROL_PREFIX.length)}`];
  if (!handler) return sendJson(res, 404, { error: 'not_found' });
  try {
    const text = req.method === 'POST' ? await readBody(req, CONTROL_LIMIT_BYTES) : '';
    const body: unknown = text ? JSON.parse(text) : {};
    sendJson(res, 200, handler(model, body));
  } catch (error) {
    const known = [SyntaxError, RangeError, FaultError, UnknownClientError, ControlRequestError, BodyTooLargeError].some((type) => error instanceof type);
    if (!known) throw error;
    sendJson(res, 400, { error: 'invalid_request', error_description: (error as Error).message });
  }
}
