import express, { type Router } from 'express';
import type { DomainError, Logger } from '@at/common';
import { jsonBody } from './body';
import { errorHandler, notFoundHandler } from './error-handler';
import { createMetrics } from './metrics';
import { docsRouter } from './openapi';
import { requestContext } from './request-context';
import { securityHeaders } from './security-headers';
import { healthRoutes, type ReadinessCheck } from './server';

export type ServiceAppOptions = {
  /** Service name on metrics and the docs page title. */
  service: string;
  title: string;
  logger: Logger;
  /** The service's routes, already mounted on a router. */
  routes: Router;
  document: () => unknown;
  readiness: ReadinessCheck[];
  isDraining: () => boolean;
  bodyLimit: string;
  /** Paths of routes that read and bound their own request body (lower case, no trailing slash). */
  ownBodyPaths?: readonly string[];
  /** Browser pages that read their own (form) bodies: mounted before the JSON-only body parser. */
  pages?: express.Router;
  /** Turns a dependency's own error (e.g. a dropped database) into a domain error. */
  classifyError?: (error: unknown) => DomainError | undefined;
};

/**
 * One Express app shape for every HTTP service: request ids, security headers and metrics first;
 * health, metrics and docs before the body parser; the routes; then one 404 and one error handler.
 */
export function createServiceApp(options: ServiceAppOptions): express.Express {
  const metrics = createMetrics(options.service);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(options.logger), securityHeaders, metrics.middleware);
  app.use(healthRoutes(options.readiness, options.isDraining));
  app.get('/metrics', metrics.handler);
  app.use(docsRouter(options.document, options.title));
  if (options.pages) app.use(options.pages);
  app.use(jsonBody(options.bodyLimit, new Set(options.ownBodyPaths ?? [])));
  app.use(options.routes);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger, options.classifyError ? { classify: options.classifyError } : {}));
  return app;
}
