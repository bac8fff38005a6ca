'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { firstCursors, seekPage, type KnownCursors, type ReadResult } from './cursor-pages';

/** Rows read a request while seeking a page from the URL (the most the dead-letter and audit APIs give). */
const SEEK_ROWS = 500;

/**
 * The cursor of the page the URL asks for (`wanted`, 0-based) over a cursor-paged API. Pages seen
 * are remembered; one not seen yet (a reload, a shared link, Back past what this mount saw) is
 * sought by reading forward (cursor-pages.ts). A page past the end moves the URL to the last page
 * (`onClamp`). The caller keys its component by what the cursors belong to (queue, order, filter).
 */
export function useCursorPage<C>(p: {
  /** What the cursors belong to, for the seek's cache key. */
  scope: readonly unknown[];
  wanted: number;
  pageSize: number;
  read: (cursor: C | undefined, limit: number) => Promise<ReadResult<C>>;
  onClamp: (page: number) => void;
}) {
  const [known, setKnown] = useState<KnownCursors<C>>(firstCursors);
  const seek = useQuery({
    queryKey: ['cursor-page.seek', ...p.scope, p.wanted],
    queryFn: () => seekPage({ target: p.wanted, known, pageSize: p.pageSize, maxRows: SEEK_ROWS, read: p.read }),
    enabled: !known.has(p.wanted),
    staleTime: Infinity,
    gcTime: 0,
  });
  useEffect(() => {
    if (!seek.data) return;
    setKnown((k) => new Map([...k, ...seek.data.known]));
    if (seek.data.page !== p.wanted) p.onClamp(seek.data.page);
  }, [seek.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const ready = known.has(p.wanted);
  return {
    /** Whether the wanted page's cursor is known (else it is being sought). */
    ready,
    cursor: ready ? known.get(p.wanted) : undefined,
    seekError: seek.isError ? seek.error : null,
    /** Notes the cursor of a page about to be shown (the next page's, from the current one). */
    remember: (page: number, cursor: C) => setKnown((k) => new Map(k).set(page, cursor)),
  };
}
