'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { StatList } from '../stat-list';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatClock, formatCount, formatDuration, formatTimestamp, shortId } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { exchangeLabel, fitTimelineOptions, layoutTimeline } from './timeline';
import { TraceTimeline } from './trace-timeline';
import { messageNotes, traceRows } from './trace-rows';
import { TableScroll } from '../ui/table-scroll';

export function TraceView({ correlationId }: { correlationId: string }) {
  // Columns narrow to fit the page's width when they can; a long story scrolls sideways.
  const box = useRef<HTMLDivElement>(null);
  const [available, setAvailable] = useState(1140);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setAvailable(Math.floor(entry.contentRect.width) - 2));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box}>
      <TraceBody correlationId={correlationId} available={available} />
    </div>
  );
}

function TraceBody({ correlationId, available }: { correlationId: string; available: number }) {
  const trpc = useTRPC();
  const trace = useQuery(trpc.traces.get.queryOptions({ correlationId }, { refetchInterval: LIVE_MS }));
  const timeline = useMemo(() => {
    if (!trace.data) return null;
    const columns = layoutTimeline(trace.data).items.reduce((n, i) => Math.max(n, i.column + 1), 0);
    return layoutTimeline(trace.data, fitTimelineOptions(columns, available - 48));
  }, [trace.data, available]);
  const [active, setActive] = useState<string | null>(null);

  if (trace.isPending) return <Loading what="the trace" />;
  if (trace.isError && !trace.data) return <ErrorNotice error={trace.error} title="Could not read this trace" />;
  const data = trace.data!;
  if (data.messages.length === 0) {
    return (
      <EmptyState title="No message carries this correlation ID">
        <p>
          Check the ID, or look it up on the <Link href="/messages">messages</Link> page. Messages older than the retention period are gone.
        </p>
      </EmptyState>
    );
  }
  const t = timeline!;
  const byKey = new Map(t.items.map((i) => [i.key, i]));
  const messageIds = data.messages.map((m) => m.id);
  const rows = traceRows(t.items);
  const messageLink = (messageId: string) => (
    <Link href={`/messages/${messageId}`} title={messageId}>
      {messageIds.length > 1 ? `#${messageIds.indexOf(messageId) + 1} ` : ''}
      {shortId(messageId)}
    </Link>
  );
  const laneLink = (key: string) => {
    const lane = t.lanes.find((l) => l.key === key)!;
    return lane.kind === 'queue' ? <Link href={`/queues/${encodeURIComponent(lane.name)}`}>{lane.label}</Link> : lane.label;
  };

  return (
    <>
      <div className="section">
        <StatList
          compact
          stats={[
            { label: 'Messages', value: formatCount(data.messages.length) },
            { label: 'Events', value: formatCount(rows.events.length), hint: rows.waiting.length > 0 ? `plus ${rows.waiting.length} waiting` : undefined },
            { label: 'Lanes', value: formatCount(t.lanes.length) },
            { label: 'Duration', value: formatDuration(t.durationMs) },
            { label: 'Errors', value: formatCount(t.errors) },
            { label: 'Started', value: t.startedAt ? formatClock(t.startedAt) : '—', mono: true },
          ]}
        />
      </div>
      <p>
        <LiveBadge fetching={trace.isFetching} failed={trace.isError} />
      </p>
      <section className="section" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <p className="muted small">
          One lane per exchange and queue; time runs left to right, one step per column. Red marks failures where they happened; dashed lines
          show dead lettering (red) and replay (green); purple links a request to its reply.
        </p>
        <TraceTimeline timeline={t} minWidth={available} active={active} onActivate={setActive} />
      </section>
      <section className="section" aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <TableScroll label="Trace event table">
          <table className="table" data-testid="trace-events">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col" className="num">+</th>
                <th scope="col">Event</th>
                <th scope="col">Where</th>
                <th scope="col">Node</th>
                <th scope="col">Message</th>
                <th scope="col" className="num">Attempt</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.events.map((i) => (
                <tr key={i.key} className={active === i.key ? 'is-selected' : undefined} onMouseEnter={() => setActive(i.key)} onMouseLeave={() => setActive(null)}>
                  <td className="mono nowrap">{formatClock(i.at)}</td>
                  <td className="num">{formatDuration(i.offsetMs)}</td>
                  <td className={`event-type--${i.tone}`}>{i.label}</td>
                  <td className="nowrap">{laneLink(i.lane)}</td>
                  <td className="nowrap">{i.node ?? '—'}</td>
                  <td className="mono nowrap">{messageLink(i.messageId)}</td>
                  <td className="num">{i.attempt ?? '—'}</td>
                  <td className={i.tone === 'error' ? 'event-type--error' : undefined}>{i.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
            {rows.waiting.length > 0 && (
              // Not events: queues the message was routed to and has not been delivered from yet, kept apart and after the events.
              <tbody className="trace-pending">
                <tr>
                  <th scope="rowgroup" colSpan={8}>
                    Pending, not events: routed here, not delivered yet
                  </th>
                </tr>
                {rows.waiting.map((i) => (
                  <tr key={i.key} className={active === i.key ? 'is-selected' : undefined} onMouseEnter={() => setActive(i.key)} onMouseLeave={() => setActive(null)}>
                    <td className="nowrap">pending</td>
                    <td className="num">—</td>
                    <td>waiting</td>
                    <td className="nowrap">{laneLink(i.lane)}</td>
                    <td className="nowrap">—</td>
                    <td className="mono nowrap">{messageLink(i.messageId)}</td>
                    <td className="num">—</td>
                    <td>not delivered yet</td>
                  </tr>
                ))}
              </tbody>
            )}
          </table>
        </TableScroll>
        {active && byKey.get(active) && <p className="visually-hidden" aria-live="polite">{byKey.get(active)!.label}</p>}
      </section>
      <section className="section" aria-labelledby="messages-heading">
        <h2 id="messages-heading">Messages</h2>
        <TableScroll label="Trace message table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Message</th>
                <th scope="col">Published</th>
                <th scope="col">Exchange</th>
                <th scope="col">Routing key</th>
                <th scope="col">Routed to</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {data.messages.map((m, i) => (
                <tr key={m.id}>
                  <td>{i + 1}</td>
                  <td className="mono">
                    <Link href={`/messages/${m.id}`}>{shortId(m.id)}</Link>
                  </td>
                  <td className="nowrap">{formatTimestamp(m.publishedAt)}</td>
                  <td>{exchangeLabel(m.exchange).replace(/^exchange /, '')}</td>
                  <td className="mono">{m.routingKey}</td>
                  <td>{m.routedTo.join(', ') || <span className="event-type--error">nowhere</span>}</td>
                  <td className="small">
                    {messageNotes(m).map((n, i) => (
                      <Fragment key={n.kind}>
                        {i > 0 && ' · '}
                        {n.kind === 'replay_of' ? (
                          <>
                            replay of <Link href={`/messages/${n.id}`} className="mono">{shortId(n.id)}</Link>
                          </>
                        ) : (
                          <>
                            reply to <code>{n.queue}</code>
                          </>
                        )}
                      </Fragment>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
}
