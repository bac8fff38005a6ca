'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatTimestamp } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { TableScroll } from '../ui/table-scroll';

export function TraceSearch() {
  const router = useRouter();
  const [id, setId] = useState('');
  return (
    <form
      className="card form"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (id.trim()) router.push(`/traces/${encodeURIComponent(id.trim())}`);
      }}
    >
      <div className="form-row">
        <div className="field field--grow">
          <label htmlFor="trace-id">Correlation ID</label>
          <input id="trace-id" className="input mono" value={id} onChange={(e) => setId(e.target.value)} placeholder="5e951e01-b5f2-47fc-9166-be3c2d39f55f" required />
        </div>
        <button type="submit" className="button">
          Show trace
        </button>
      </div>
      <p className="muted small" style={{ margin: 0 }}>
        Every publish returns its <code>correlationId</code>; it is also the trace-id of a W3C <code>traceparent</code> sent without one.
      </p>
    </form>
  );
}

export function RecentTraces() {
  const trpc = useTRPC();
  const recent = useQuery(trpc.traces.recent.queryOptions({ limit: 30 }, { refetchInterval: LIVE_MS }));
  if (recent.isPending) return <Loading what="recent traces" />;
  if (recent.isError && !recent.data) return <ErrorNotice error={recent.error} title="Could not list recent traces" />;
  const rows = recent.data ?? [];
  if (rows.length === 0) {
    return (
      <EmptyState title="No messages yet">
        <p>Publish a message (for example from a queue&apos;s page) and its trace appears here.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="section-heading">
        <h2 id="recent-heading">Recent traces</h2>
        <LiveBadge fetching={recent.isFetching} failed={recent.isError} />
      </div>
      <TableScroll label="Recent trace table">
        <table className="table" aria-labelledby="recent-heading">
          <thead>
            <tr>
              <th scope="col">Correlation ID</th>
              <th scope="col">Latest message</th>
              <th scope="col">Exchange</th>
              <th scope="col">Routing key</th>
              <th scope="col" className="num">Messages</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.correlationId}>
                <td className="mono">
                  <Link href={`/traces/${encodeURIComponent(r.correlationId)}`}>{r.correlationId}</Link>
                </td>
                <td className="nowrap">{formatTimestamp(r.lastAt)}</td>
                <td title={r.exchange === 'amq.default' ? 'the default exchange: straight to the queue named by the routing key' : undefined}>{r.exchange}</td>
                <td className="mono">{r.routingKey}</td>
                <td className="num">{r.messages}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
