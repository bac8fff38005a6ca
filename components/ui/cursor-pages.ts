/**
 * A page number kept in the URL over an API that pages by cursor (the dead-letter and audit
 * pages). The URL says "page 3"; the cursor that opens page 3 is found by reading forward from
 * the nearest page whose cursor is known, many pages a request. Pure: the reader is an argument.
 */

/** Pages further than this are not sought: `?page=999999` must not walk a whole queue. */
export const MAX_PAGE = 1000;

/**
 * `?page=` (1-based) → a 0-based page index. Anything that is not a whole number from 1 up is the
 * first page; a number past MAX_PAGE is MAX_PAGE (the seek then stops at the last page there is).
 */
export function parsePageParam(s: string | null | undefined): number {
  if (s == null || !/^\s*\d+\s*$/.test(s)) return 0;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) return 0;
  return Math.min(n, MAX_PAGE) - 1;
}

/** A 0-based page index → the value of `?page=`; the first page leaves the URL clean (''). */
export const pageParam = (index: number): string => (index > 0 ? String(index + 1) : '');

/** Page index → the cursor that page is asked with (undefined: the first page, asked without one). */
export type KnownCursors<C> = ReadonlyMap<number, C | undefined>;

export const firstCursors = <C>(): KnownCursors<C> => new Map([[0, undefined]]);

/** The nearest page at or before `target` whose cursor is known (page 0 always is). */
export function nearestKnown<C>(known: KnownCursors<C>, target: number): number {
  let best = 0;
  for (const k of known.keys()) if (k <= target && k > best) best = k;
  return best;
}

/** What one read forward tells: how many rows came back, and the cursor after the last one (null: no more rows). */
export interface ReadResult<C> {
  rows: number;
  nextCursor: C | null;
}

export interface SeekResult<C> {
  /** The page reached: `target`, or the last page that has rows when the list is shorter. */
  page: number;
  /** `known` with the cursors learned on the way. */
  known: KnownCursors<C>;
}

/**
 * Finds the cursor of page `target`: reads forward from the nearest known page, at most
 * `maxRows` rows a request (whole pages), noting each cursor it passes. A list shorter than
 * the target ends the walk on its last page that has rows (page 0 when it is empty).
 */
export async function seekPage<C>(p: {
  target: number;
  known: KnownCursors<C>;
  pageSize: number;
  maxRows: number;
  read: (cursor: C | undefined, limit: number) => Promise<ReadResult<C>>;
}): Promise<SeekResult<C>> {
  const known = new Map(p.known);
  const stride = Math.max(1, Math.floor(p.maxRows / p.pageSize));
  let from = nearestKnown(known, p.target);
  while (from < p.target) {
    const pages = Math.min(stride, p.target - from);
    const r = await p.read(known.get(from), pages * p.pageSize);
    if (r.nextCursor !== null) {
      from += pages;
      known.set(from, r.nextCursor);
      continue;
    }
    // The list ends within these rows: its last page is the one holding the last row.
    const last = from + Math.max(0, Math.ceil(r.rows / p.pageSize) - 1);
    if (last === from) return { page: from, known };
    const again = await p.read(known.get(from), (last - from) * p.pageSize);
    // Rows went away between the two reads: stay where the cursor is known.
    if (again.nextCursor === null) return { page: from, known };
    known.set(last, again.nextCursor);
    return { page: last, known };
  }
  return { page: from, known };
}
