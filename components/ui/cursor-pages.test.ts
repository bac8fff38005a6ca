import { describe, expect, it } from 'vitest';
import { MAX_PAGE, firstCursors, nearestKnown, pageParam, parsePageParam, seekPage, type ReadResult } from './cursor-pages';

/** A cursor-paged list of `n` rows whose cursor is the index of the last row read, counting its reads. */
function list(n: number) {
  const reads: { cursor: number | undefined; limit: number }[] = [];
  const read = async (cursor: number | undefined, limit: number): Promise<ReadResult<number>> => {
    reads.push({ cursor, limit });
    const start = cursor === undefined ? 0 : cursor + 1;
    const rows = Math.max(0, Math.min(limit, n - start));
    return { rows, nextCursor: start + limit < n ? start + limit - 1 : null };
  };
  return { read, reads };
}

describe('parsePageParam and pageParam', () => {
  it('reads a whole page number from 1 up as a 0-based index', () => {
    expect(parsePageParam('1')).toBe(0);
    expect(parsePageParam('3')).toBe(2);
    expect(parsePageParam(' 12 ')).toBe(11);
  });

  it('falls back to the first page for anything else', () => {
    for (const bad of [null, undefined, '', '0', '-3', 'abc', '2.5', '1e3', '3abc', '0x10', 'Infinity', '99999999999999999999999']) {
      expect(parsePageParam(bad)).toBe(0);
    }
  });

  it('caps a far page at MAX_PAGE instead of walking a whole queue', () => {
    expect(parsePageParam(String(MAX_PAGE + 5))).toBe(MAX_PAGE - 1);
  });

  it('writes the first page as no parameter at all', () => {
    expect(pageParam(0)).toBe('');
    expect(pageParam(2)).toBe('3');
    expect(parsePageParam(pageParam(6))).toBe(6);
  });
});

describe('seekPage', () => {
  it('reads forward many pages a request and lands on the page asked for', async () => {
    const l = list(1000);
    const r = await seekPage({ target: 12, known: firstCursors<number>(), pageSize: 50, maxRows: 500, read: l.read });
    expect(r.page).toBe(12);
    // Page 12 starts at row 600: its cursor is row 599.
    expect(r.known.get(12)).toBe(599);
    expect(l.reads).toEqual([
      { cursor: undefined, limit: 500 },
      { cursor: 499, limit: 100 },
    ]);
    expect(r.known.get(10)).toBe(499);
  });

  it('starts from the nearest page already known and reads nothing when the target is known', async () => {
    const known = new Map([[0, undefined], [3, 149], [8, 399]]);
    expect(nearestKnown(known, 7)).toBe(3);
    expect(nearestKnown(known, 20)).toBe(8);
    const l = list(1000);
    const r = await seekPage({ target: 9, known, pageSize: 50, maxRows: 500, read: l.read });
    expect(l.reads).toEqual([{ cursor: 399, limit: 50 }]);
    expect(r.known.get(9)).toBe(449);
    const again = await seekPage({ target: 9, known: r.known, pageSize: 50, maxRows: 500, read: l.read });
    expect(again.page).toBe(9);
    expect(l.reads).toHaveLength(1);
  });

  it('stops at the last page that has rows when the list is shorter than the target', async () => {
    const l = list(120); // pages 0, 1 and 2 (20 rows)
    const r = await seekPage({ target: 6, known: firstCursors<number>(), pageSize: 50, maxRows: 500, read: l.read });
    expect(r.page).toBe(2);
    expect(r.known.get(2)).toBe(99);
  });

  it('does not land on an empty page when the rows end exactly at a page boundary', async () => {
    const r = await seekPage({ target: 2, known: firstCursors<number>(), pageSize: 50, maxRows: 500, read: list(100).read });
    expect(r.page).toBe(1);
    expect(r.known.get(1)).toBe(49);
  });

  it('gives the first page of an empty list', async () => {
    const r = await seekPage({ target: 4, known: firstCursors<number>(), pageSize: 50, maxRows: 500, read: list(0).read });
    expect(r.page).toBe(0);
    expect([...r.known]).toEqual([[0, undefined]]);
  });

  it('leaves the known cursors it was given untouched', async () => {
    const known = firstCursors<number>();
    await seekPage({ target: 3, known, pageSize: 50, maxRows: 500, read: list(1000).read });
    expect([...known.keys()]).toEqual([0]);
  });
});
