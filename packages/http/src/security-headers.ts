import type { RequestHandler } from 'express';

/** Conservative headers for a JSON API response. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** The API headers on every response; the docs page relaxes the CSP for its own assets. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, value);
  if (req.path.startsWith('/docs')) {
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  }
  res.removeHeader('x-powered-by');
  next();
};
