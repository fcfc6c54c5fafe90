import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '@at/common';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON bodies only, with a size limit. A body sent with another content type is a 415, not a
 * silently empty body.
 */
export function jsonBody(limit = '64kb'): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (METHODS_WITH_BODY.has(req.method) && hasBody && !req.is('application/json')) {
      next(new UnsupportedMediaTypeError('request body must be application/json'));
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit, strict: true, type: 'application/json' })];
}
