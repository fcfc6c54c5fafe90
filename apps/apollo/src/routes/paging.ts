import { z } from 'zod';
import { queryInteger, type CursorCodec } from '@at/http';

export const MAX_PAGE_SIZE = 100;

/** `?limit=&cursor=`, shared by every list endpoint. */
export const pageQueryShape = {
  limit: queryInteger({ min: 1, max: MAX_PAGE_SIZE, fallback: 20 }).describe(`page size, 1..${MAX_PAGE_SIZE}`),
  cursor: z.string().min(1).max(4096).optional().describe('next_cursor of the previous page'),
};
export const pageQuerySchema = z.strictObject(pageQueryShape);

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/**
 * Keyset paging over rows ordered by id: fetch limit+1 rows after the cursor's id; the extra row
 * tells whether a next page exists. The cursor is signed and bound to `binding`.
 */
export async function keysetPage<R extends { id: string }, T>(options: {
  cursors: CursorCodec;
  binding: string;
  limit: number;
  cursor: string | undefined;
  fetch: (afterId: string | undefined, take: number) => Promise<R[]>;
  present: (row: R) => T;
}): Promise<{ items: T[]; next_cursor: string | null }> {
  const afterId = options.cursor === undefined ? undefined : options.cursors.decode(options.cursor, options.binding);
  const rows = await options.fetch(afterId, options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(options.present),
    next_cursor: rows.length > options.limit && last ? options.cursors.encode(last.id, options.binding) : null,
  };
}
