import { z } from 'zod';
import type { ListPage } from '../broker/list-page';
import { queryInt, queryText } from './http';

/** `?limit=&cursor=` of a list in name order (`GET /v1/queues`, `/v1/exchanges`): without limit, the whole list. */
export const listPageQuerySchema = z
  .object({
    limit: queryInt('limit', 1, 1000).optional(),
    cursor: queryText('cursor', 'the nextCursor of the previous page').optional(),
  })
  .strict();

/**
 * A page of a name-ordered list and the cursor of the next (the last name given, or null when
 * nothing follows): one more item than asked is read to know whether anything does.
 */
export async function listedPage<T extends { name: string }>(
  read: (page: ListPage) => Promise<T[]>,
  q: z.infer<typeof listPageQuerySchema>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const items = await read({ after: q.cursor, limit: q.limit === undefined ? undefined : q.limit + 1 });
  if (q.limit === undefined || items.length <= q.limit) return { items, nextCursor: null };
  const page = items.slice(0, q.limit);
  return { items: page, nextCursor: page[page.length - 1]!.name };
}
