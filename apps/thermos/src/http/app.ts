import express from 'express';
import type { Request } from 'express';
import type { Client, Connection } from '@temporalio/client';
import { UnauthenticatedError, type Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import {
  buildOpenApiDocument,
  createCursorCodec,
  createMetrics,
  docsRouter,
  errorHandler,
  healthRoutes,
  jsonBody,
  mountRoutes,
  notFoundHandler,
  OpenAPIRegistry,
  requestContext,
  securityHeaders,
} from '@at/http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ThermosHttpContext } from './context';
import { thermosRoutes } from './routes';

export function serviceTokenAuth(serviceToken: string) {
  const expected = createHash('sha256').update(serviceToken).digest();
  return async (req: Request): Promise<{ kind: 'service' }> => {
    const match = req.header('authorization')?.match(/^Bearer\s+(\S+)$/i);
    const given = createHash('sha256').update(match?.[1] ?? '').digest();
    if (!match || !timingSafeEqual(given, expected)) throw new UnauthenticatedError('missing or invalid service token');
    return { kind: 'service' };
  };
}

/** The OpenAPI document of the run API, built from the route schemas alone (no server needed). */
export function thermosOpenApi(ctx: ThermosHttpContext) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'serviceToken', { type: 'http', scheme: 'bearer', description: 'THERMOS_SERVICE_TOKEN' });
  const router = express.Router();
  mountRoutes(router, registry, thermosRoutes(ctx));
  const document = buildOpenApiDocument(registry, { title: 'Thermos run API', version: '1.0.0', description: 'Internal: status and results of revoke runs.' });
  return { router, document };
}

export type ThermosAppOptions = { db: PrismaClient; temporal: Client; temporalConnection: Connection; serviceToken: string; cursorSecret: string; logger: Logger; isDraining: () => boolean };

export function createThermosApp(options: ThermosAppOptions): express.Express {
  const ctx: ThermosHttpContext = {
    db: options.db,
    temporal: options.temporal,
    cursors: createCursorCodec(options.cursorSecret),
    auth: serviceTokenAuth(options.serviceToken),
  };
  const { router, document } = thermosOpenApi(ctx);
  const metrics = createMetrics('thermos');
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext(options.logger), securityHeaders, metrics.middleware);
  app.use(
    healthRoutes(
      [
        { name: 'database', check: async () => void (await options.db.$queryRaw`SELECT 1`) },
        { name: 'temporal', check: async () => void (await options.temporalConnection.healthService.check({})) },
      ],
      options.isDraining,
    ),
  );
  app.get('/metrics', metrics.handler);
  app.use(docsRouter(() => document, 'Thermos'));
  app.use(jsonBody('16kb'));
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
