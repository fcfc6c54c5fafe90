import express from 'express';
import type { Request } from 'express';
import type { Client, Connection } from '@temporalio/client';
import { secretsEqual, UnauthenticatedError, type Logger } from '@at/common';
import type { PrismaClient } from '@at/db';
import { bearerToken, buildOpenApiDocument, createCursorCodec, createServiceApp, mountRoutes, OpenAPIRegistry } from '@at/http';
import type { ThermosHttpContext } from './context';
import { thermosRoutes } from './routes';

export function serviceTokenAuth(serviceToken: string) {
  return async (req: Request): Promise<{ kind: 'service' }> => {
    const token = bearerToken(req);
    if (token === undefined || !secretsEqual(token, serviceToken)) throw new UnauthenticatedError('missing or invalid service token');
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
    logger: options.logger,
    auth: serviceTokenAuth(options.serviceToken),
  };
  const { router, document } = thermosOpenApi(ctx);
  const app = createServiceApp({
    service: 'thermos',
    title: 'Thermos',
    logger: options.logger,
    routes: router,
    document: () => document,
    readiness: [
      { name: 'database', check: async () => void (await options.db.$queryRaw`SELECT 1`) },
      { name: 'temporal', check: async () => void (await options.temporalConnection.healthService.check({})) },
    ],
    isDraining: options.isDraining,
    bodyLimit: '16kb',
  });
  return app;
}
