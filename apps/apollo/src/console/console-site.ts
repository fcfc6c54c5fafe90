import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { NotFoundError } from '@at/common';

/**
 * The console's own policy: its scripts, styles and API calls come from this origin only, no
 * inline script or style, never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The built console (a static single-page app) at /console. When it has not been built, /console
 * answers 404 in the error shape and the API is unaffected.
 */
export function consoleSite(dir: string): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('content-security-policy', CONSOLE_CSP);
    if (!existsSync(path.join(dir, 'index.html'))) throw new NotFoundError('console build (run `pnpm --filter @at/console build`)');
    next();
  });
  // file names under assets/ carry a content hash: cache them for good; index.html never
  router.use('/assets', express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true }));
  router.use(express.static(dir, { index: 'index.html', maxAge: 0, setHeaders: (res) => res.setHeader('cache-control', 'no-store') }));
  return router;
}
