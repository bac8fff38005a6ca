/**
 * One page of a list in name order (queues, exchanges): the items after `after`, the last name of
 * the previous page, at most `limit` of them. Without either, the whole list.
 */
export interface ListPage {
  after?: string;
  limit?: number;
}

/** The page of `sorted` (in the list's own name order) that `page` asks for. */
export function pageByName<T extends { name: string }>(sorted: T[], page: ListPage = {}): T[] {
  const first = page.after === undefined ? 0 : sorted.findIndex((x) => x.name.localeCompare(page.after!) > 0);
  const start = first < 0 ? sorted.length : first;
  return sorted.slice(start, page.limit === undefined ? undefined : start + page.limit);
}
