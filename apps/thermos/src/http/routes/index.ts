import type { AnyRoute } from '@at/http';
import type { ThermosHttpContext } from '../context';
import { getRun } from './v1/getRun';
import { listRunItems } from './v1/listRunItems';

/** The internal run API is this list. */
export function thermosRoutes(ctx: ThermosHttpContext): AnyRoute[] {
  return [getRun(ctx), listRunItems(ctx)];
}
