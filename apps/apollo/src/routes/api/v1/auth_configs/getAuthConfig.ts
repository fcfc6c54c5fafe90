import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import type { ApolloContext } from '../../../../context';
import { findLiveAuthConfig } from '../../../../repositories/auth-configs';
import { idParam } from '../../../schemas';
import { authConfigView, presentAuthConfig } from './auth-config-view';

export const getAuthConfigParams = idParam('ac', 'auth config');

export const getAuthConfig = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/auth_configs/{id}',
    operationId: 'getAuthConfig',
    summary: 'Get an auth config',
    tags: ['auth configs'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: getAuthConfigParams,
    responses: { 200: { description: 'the auth config', schema: authConfigView } },
    handler: async ({ auth, params }) => {
      const config = await findLiveAuthConfig(ctx.db, auth.projectId, params.id);
      if (!config) throw new NotFoundError('auth config');
      return { status: 200, body: presentAuthConfig(config) };
    },
  });
