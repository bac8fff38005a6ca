'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useOptimistic, useRef, useTransition } from 'react';
import { readTopologyParams, writeTopologyParams } from '../topology/topology-params';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { SignalBadges } from '../ui/signal-badges';
import { TableScroll } from '../ui/table-scroll';
import { useSearchDraft } from '../ui/use-search-draft';
import { countOf, formatCount, formatDuration, formatRate } from '../ui/format';
import { DepthTrends } from './depth-trends';
import { depthOf, isDeadLetterQueue, queueSignals } from './queue-signals';
import { deadLetterQueueOf } from '../../server/broker/name-rules';
import { ariaSort, nextQueueSort, readQueueSort, sortQueues, writeQueueSort, type QueueSort, type QueueSortColumn } from './queue-sort';

/**
 * The name filter and the DLQ toggle live in the URL as on the topology page (`?q=orders&dlqs=0`,
 * the same parameters), so Back from a queue, a reload or a shared link keeps them. Each change
 * replaces the URL entry through the History API (no round trip, no new history entry); the
 * filter once typing pauses, or at once when a queue's link is clicked.
 */
function useListParams() {
  const params = useSearchParams();
  const pathname = usePathname();
  const { filter, showDlq } = readTopologyParams(params);
  const write = useCallback(
    (next: { filter?: string; showDlq?: boolean }) => {
      const query = writeTopologyParams(window.location.search, next);
      window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  const commitFilter = useCallback((value: string) => write({ filter: value }), [write]);
  const [draft, setDraft, flush] = useSearchDraft(filter, commitFilter);
  // The toggle shows its new state at once (optimistically) while the router catches up with the URL.
  const [shownDlq, setShownDlq] = useOptimistic(showDlq);
  const [, startTransition] = useTransition();
  const setShowDlq = (v: boolean) =>
    startTransition(() => {
      setShownDlq(v);
      write({ showDlq: v });
    });
  // The order (`?sort=ready&dir=desc`) too: shown at once, written to the URL without a new history entry.
  const [shownSort, setShownSort] = useOptimistic(readQueueSort(params));
  const setSort = (next: QueueSort) =>
    startTransition(() => {
      setShownSort(next);
      const query = writeQueueSort(window.location.search, next);
      window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    });
  return { draft, setDraft, flush, showDlq: shownDlq, setShowDlq, sort: shownSort, setSort };
}

/** The table's columns: header text, sort key, and whether the figures are right-aligned. */
const COLUMNS: { label: string; sort: QueueSortColumn; num: boolean }[] = [
  { label: 'Queue', sort: 'name', num: false },
  { label: 'Ready', sort: 'ready', num: true },
  { label: 'In flight', sort: 'inFlight', num: true },
  { label: 'Delayed', sort: 'delayed', num: true },
  { label: 'Consumers', sort: 'consumers', num: true },
  { label: 'Publish', sort: 'publish', num: true },
  { label: 'Deliver', sort: 'deliver', num: true },
  { label: 'Oldest', sort: 'oldest', num: true },
];

/** A column header that sorts the table: a button inside the <th>, so keyboards reach it, and aria-sort on the <th>; the arrow is drawn by CSS (data-sort), so the header's text stays its label. */
function SortHeader({ label, column, num, sort, onSort }: { label: string; column: QueueSortColumn; num: boolean; sort: QueueSort; onSort: (s: QueueSort) => void }) {
  const state = ariaSort(sort, column);
  const next = nextQueueSort(sort, column);
  return (
    <th scope="col" className={num ? 'num' : undefined} aria-sort={state}>
      <button
        type="button"
        className="sort-button"
        data-sort={state}
        onClick={() => onSort(next)}
        title={`Sort by ${label.toLowerCase()}, ${next.dir === 'asc' ? (column === 'name' ? 'A to Z' : 'smallest first') : column === 'name' ? 'Z to A' : 'biggest first'}`}
      >
        {label}
      </button>
    </th>
  );
}

export function QueueList() {
  const trpc = useTRPC();
  const queues = useQuery(trpc.queues.list.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const { draft: filter, setDraft: setFilter, flush, showDlq, setShowDlq, sort, setSort } = useListParams();
  // The stored samples of the last half minute, read once: "growing" from the first look.
  const recent = useQuery(trpc.queues.recentDepths.queryOptions(undefined, { staleTime: Infinity, retry: false }));
  const trends = useRef(new DepthTrends());
  trends.current.push(queues.data);
  trends.current.seed(recent.data);

  const rows = useMemo(() => {
    const all = queues.data ?? [];
    const depth = new Map(all.map((q) => [q.name, depthOf(q)]));
    const needle = filter.trim().toLowerCase();
    return sortQueues(
      all.filter((q) => (showDlq || !isDeadLetterQueue(q.name)) && (!needle || q.name.toLowerCase().includes(needle))),
      sort,
    ).map((q) => ({
        q,
        signals: queueSignals(q, isDeadLetterQueue(q.name) ? depthOf(q) : (depth.get(deadLetterQueueOf(q.name)) ?? 0), {
          oldAfterMs: 60_000,
          depthTrend: trends.current.before(q.name),
          dlqTrend: isDeadLetterQueue(q.name) ? undefined : trends.current.before(deadLetterQueueOf(q.name)),
        }),
      }));
  }, [queues.data, recent.data, filter, showDlq, sort]);

  if (queues.isPending) return <Loading what="queues" />;
  if (queues.isError && !queues.data) return <ErrorNotice error={queues.error} title="Could not list the queues" />;
  const all = queues.data ?? [];

  return (
    <>
      <div className="toolbar">
        <div className="field field--grow">
          <label htmlFor="queue-filter">Filter by name</label>
          <input id="queue-filter" className="input" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="orders" />
        </div>
        <label className="check-label">
          <input type="checkbox" className="checkbox" checked={showDlq} onChange={(e) => setShowDlq(e.target.checked)} />
          Show dead-letter queues
        </label>
        <LiveBadge fetching={queues.isFetching} failed={queues.isError} />
      </div>
      {queues.isError && <ErrorNotice error={queues.error} title="The last refresh failed; showing older figures" />}
      {all.length === 0 ? (
        <EmptyState title="No queues yet">
          <p>
            Create one with <strong>New queue</strong> above, or declare one with <code>PUT /v1/queues/&lt;name&gt;</code>; the overview page has a copy-paste example.
          </p>
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title="No queue matches this filter">
          <p>Clear the filter to see {all.length === 1 ? 'the one queue' : `all ${countOf(all.length, 'queue')}`}.</p>
        </EmptyState>
      ) : (
        <>
          {/* Said above the table, not in its caption: the table scrolls sideways on a phone, and a caption as wide as the table was cut. */}
          <p className="muted small" id="queue-list-summary" style={{ margin: '0 0 0.5rem' }}>
            {formatCount(rows.length)} of {countOf(all.length, 'queue')} · depth and rates refresh every {LIVE_MS / 1000} s
          </p>
          {/* On a narrow screen the table scrolls sideways, says so, and keyboards reach it too. */}
          <TableScroll
            label="Queue table"
            onClickCapture={(e) => {
              if (e.target instanceof Element && e.target.closest('a[href]')) flush();
            }}
          >
            <table className="table" aria-describedby="queue-list-summary">
              <caption className="visually-hidden">Queues</caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <SortHeader key={c.sort} label={c.label} column={c.sort} num={c.num} sort={sort} onSort={setSort} />
                  ))}
                  <th scope="col">Attention</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ q, signals }) => (
                  <tr key={q.name}>
                    <th scope="row">
                      <Link href={`/queues/${encodeURIComponent(q.name)}`}>{q.name}</Link>
                      {q.settings.durability !== 'durable' && <span className="badge badge--neutral" style={{ marginLeft: 6 }}>{q.settings.durability}</span>}
                    </th>
                    <td className="num">{formatCount(q.ready)}</td>
                    <td className="num">{formatCount(q.inFlight)}</td>
                    <td className="num">{formatCount(q.delayed)}</td>
                    <td className="num">{formatCount(q.consumers)}</td>
                    <td className="num">{formatRate(q.publishRate)}</td>
                    <td className="num">{formatRate(q.deliverRate)}</td>
                    <td className="num">{formatDuration(q.oldestReadyAgeMs)}</td>
                    <td>
                      <SignalBadges signals={signals} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}
