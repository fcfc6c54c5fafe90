import type { AnyRoute } from '@at/http';
import type { ApolloContext } from '../context';
import { postOrgs } from './admin/v1/orgs/postOrgs';

/** The server is this list. */
export function apolloRoutes(ctx: ApolloContext): AnyRoute[] {
  return [postOrgs(ctx)];
}
