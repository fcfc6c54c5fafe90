import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { UnsupportedMediaTypeError, type FieldIssue } from '@at/common';
import { jsonTextIssues } from './json-inspection';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const textIssues = new WeakMap<IncomingMessage, FieldIssue[]>();

function decode(buffer: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(buffer);
  } catch {
    // a utf-* charset the platform cannot decode (utf-7, utf-32): RFC 8259 wants UTF-8 anyway
    throw Object.assign(new Error(`unsupported charset ${charset}`), { type: 'charset.unsupported' });
  }
}

// Express matches paths case-insensitively and with or without a trailing slash: so does this
const ownsBody = (paths: ReadonlySet<string>, path: string) => paths.size > 0 && paths.has(path.toLowerCase().replace(/\/+$/, ''));

/**
 * JSON bodies only, with a size limit. A body sent with another content type is a 415, not a
 * silently empty body. The raw text is inspected for what the parser accepts but we refuse
 * (see json-inspection.ts); routes report it after authentication, like any invalid body.
 * Requests to `ownBodyPaths` pass untouched: their routes read and bound the body themselves.
 */
export function jsonBody(limit = '64kb', ownBodyPaths: ReadonlySet<string> = new Set()): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    // a route that reads (and bounds) its own body, e.g. a streamed bulk import
    if (ownsBody(ownBodyPaths, req.path)) {
      next();
      return;
    }
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is('application/json')) {
      next(new UnsupportedMediaTypeError('request body must be application/json'));
      return;
    }
    next();
  };
  const verify = (req: IncomingMessage, _res: unknown, buffer: Buffer, charset: string) => {
    const issues = jsonTextIssues(decode(buffer, charset));
    if (issues.length > 0) textIssues.set(req, issues);
  };
  const parse = express.json({ limit, strict: true, type: 'application/json', verify });
  const parseUnlessOwn: RequestHandler = (req, res, next) => (ownsBody(ownBodyPaths, req.path) ? next() : parse(req, res, next));
  return [requireJson, parseUnlessOwn];
}

/** Duplicate keys and lone surrogates found in the request's JSON text (none for valid bodies). */
export const jsonBodyIssues = (req: Request): FieldIssue[] => textIssues.get(req) ?? [];
