import type { QueueInfoView } from '@/server/trpc/schemas';

/**
 * The queue list's order, in its query string (`?sort=ready&dir=desc`) like its filter, so a
 * reload, Back from a queue or a shared link keeps it. By name, A to Z, is the default and leaves
 * the URL clean.
 */

export const QUEUE_SORT_COLUMNS = ['name', 'ready', 'inFlight', 'delayed', 'consumers', 'publish', 'deliver', 'oldest'] as const;
export type QueueSortColumn = (typeof QUEUE_SORT_COLUMNS)[number];
export type SortDir = 'asc' | 'desc';
export interface QueueSort {
  column: QueueSortColumn;
  dir: SortDir;
}

export const DEFAULT_QUEUE_SORT: QueueSort = { column: 'name', dir: 'asc' };

/** How the URL names a column: `inFlight` is `in-flight`, the others as they are. */
const PARAM: Record<QueueSortColumn, string> = {
  name: 'name',
  ready: 'ready',
  inFlight: 'in-flight',
  delayed: 'delayed',
  consumers: 'consumers',
  publish: 'publish',
  deliver: 'deliver',
  oldest: 'oldest',
};

const VALUE: Record<QueueSortColumn, (q: QueueInfoView) => number | null> = {
  name: () => 0,
  ready: (q) => q.ready,
  inFlight: (q) => q.inFlight,
  delayed: (q) => q.delayed,
  consumers: (q) => q.consumers,
  publish: (q) => q.publishRate,
  deliver: (q) => q.deliverRate,
  // An empty queue has no oldest message: it sorts as the youngest.
  oldest: (q) => q.oldestReadyAgeMs,
};

/** `?sort=&dir=` → an order; an unknown column is the default, an unknown direction the column's first. */
export function readQueueSort(params: { get(name: string): string | null }): QueueSort {
  const raw = params.get('sort')?.trim().toLowerCase();
  const column = QUEUE_SORT_COLUMNS.find((c) => PARAM[c] === raw);
  if (!column) return DEFAULT_QUEUE_SORT;
  const dir = params.get('dir')?.trim().toLowerCase();
  return { column, dir: dir === 'asc' || dir === 'desc' ? dir : firstDir(column) };
}

/** The query string (without `?`) for `current` with `sort` applied; other parameters are kept, the default leaves none. */
export function writeQueueSort(current: string, sort: QueueSort): string {
  const p = new URLSearchParams(current);
  if (sort.column === DEFAULT_QUEUE_SORT.column && sort.dir === DEFAULT_QUEUE_SORT.dir) {
    p.delete('sort');
    p.delete('dir');
  } else {
    p.set('sort', PARAM[sort.column]);
    p.set('dir', sort.dir);
  }
  return p.toString();
}

/** A first click on a figure shows the biggest first (what an operator looks for); on the name, A to Z. */
export const firstDir = (column: QueueSortColumn): SortDir => (column === 'name' ? 'asc' : 'desc');

/** The order after a click on `column`'s header: the same column turns around, another starts at its first direction. */
export function nextQueueSort(current: QueueSort, column: QueueSortColumn): QueueSort {
  if (current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: firstDir(column) };
}

/** `aria-sort` for a column header. */
export function ariaSort(current: QueueSort, column: QueueSortColumn): 'ascending' | 'descending' | 'none' {
  return current.column === column ? (current.dir === 'asc' ? 'ascending' : 'descending') : 'none';
}

/**
 * The queues in this order, as a new array. Ties (many queues with 0 ready) fall back to the
 * name, A to Z, whatever the direction, so rows do not jump around at each refresh. A missing
 * figure (no oldest message) counts as the least.
 */
export function sortQueues<T extends QueueInfoView>(queues: readonly T[], sort: QueueSort): T[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const value = VALUE[sort.column];
  return [...queues].sort((a, b) => {
    if (sort.column === 'name') return sign * a.name.localeCompare(b.name);
    const va = value(a) ?? -Infinity;
    const vb = value(b) ?? -Infinity;
    return (va === vb ? 0 : sign * (va < vb ? -1 : 1)) || a.name.localeCompare(b.name);
  });
}
