import type { RequestHandler } from 'express';

/** Conservative headers for a JSON API; the docs page relaxes the CSP for its own assets. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('cache-control', 'no-store');
  res.setHeader(
    'content-security-policy',
    req.path.startsWith('/docs') ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'",
  );
  res.removeHeader('x-powered-by');
  next();
};
