import { z } from 'zod';
import { NotFoundError } from '@at/common';
import { defineRoute } from '@at/http';
import { authConfigParametersOf, toolkitEntry } from '@at/providers';
import type { ApolloContext } from '../../../../context';
import { presentToolkit, toolkitView } from './toolkit-view';

export const getToolkitParams = z.strictObject({
  slug: z.string().max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a toolkit slug: lowercase letters, digits and dashes').describe('toolkit slug, e.g. github'),
});

export const getToolkit = (ctx: ApolloContext) =>
  defineRoute({
    method: 'get',
    path: '/api/v1/toolkits/{slug}',
    operationId: 'getToolkit',
    summary: 'Get one toolkit of the catalog',
    tags: ['toolkits'],
    security: 'apiKey',
    auth: ctx.auth.project,
    params: getToolkitParams,
    responses: { 200: { description: 'the toolkit', schema: toolkitView } },
    handler: async ({ params }) => {
      const entry = toolkitEntry(params.slug);
      if (!entry) throw new NotFoundError('toolkit');
      return { status: 200, body: presentToolkit(entry, new Set(authConfigParametersOf(entry).map((p) => p.name))) };
    },
  });
