'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { liveUntilNotFound, useTRPC } from '../trpc/client';
import { formatTimestamp } from '../ui/format';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { deathChain, deliveriesHere, reasonLabel } from '../dead-letters/dead-letter-page';
import { BodyView, HeadersTable } from './body-view';
import { TableScroll } from '../ui/table-scroll';

const STATE = { ready: 'ready', in_flight: 'in flight', delayed: 'delayed' } as const;

export function MessageDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const message = useQuery(trpc.messages.get.queryOptions({ id }, { refetchInterval: liveUntilNotFound, enabled: valid }));
  if (!valid) {
    return (
      <EmptyState title="That is not a message ID">
        <p>Message IDs are UUIDs. Search for messages on the <Link href="/messages">messages</Link> page.</p>
      </EmptyState>
    );
  }
  if (message.isPending) return <Loading what="the message" />;
  if (message.isError && !message.data) {
    return (message.error as { data?: { code?: string } }).data?.code === 'NOT_FOUND' ? (
      <EmptyState title="No message with this ID">
        <p>It may be older than the retention period. <Link href="/messages">Search messages</Link>.</p>
      </EmptyState>
    ) : (
      <ErrorNotice error={message.error} title="Could not read this message" />
    );
  }
  const m = message.data!;
  return (
    <>
      <div className="grid-2 section">
        <section className="card" aria-labelledby="meta-heading">
          <h2 id="meta-heading">Message</h2>
          <dl className="kv">
            <dt>ID</dt>
            <dd className="mono">{m.id}</dd>
            <dt>Published</dt>
            <dd>{formatTimestamp(m.publishedAt)}</dd>
            <dt>Exchange</dt>
            <dd>{m.exchange === 'amq.default' ? 'amq.default (the default exchange)' : m.exchange}</dd>
            <dt>Routing key</dt>
            <dd className="mono">{m.routingKey || '(empty)'}</dd>
            <dt>Routed to</dt>
            <dd>
              {m.routedTo.length === 0
                ? 'nowhere (unroutable)'
                : m.routedTo.map((q, i) => (
                    <span key={q}>
                      {i > 0 && ', '}
                      <Link href={`/queues/${encodeURIComponent(q)}`}>{q}</Link>
                    </span>
                  ))}
            </dd>
            <dt>Correlation ID</dt>
            <dd className="mono">
              <Link href={`/traces/${encodeURIComponent(m.correlationId)}`}>{m.correlationId}</Link>
            </dd>
            {m.replyTo && (
              <>
                <dt>Reply to</dt>
                <dd className="mono">{m.replyTo}</dd>
              </>
            )}
            {m.traceparent && (
              <>
                <dt>traceparent</dt>
                <dd className="mono">{m.traceparent}</dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="where-heading">
          <h2 id="where-heading">Where it waits now</h2>
          {m.entries.length === 0 ? (
            <p className="muted">In no queue: every queue it was routed to has acked it (or it was purged or discarded). The store keeps it for replay and audit.</p>
          ) : (
            // Scrolls inside itself on a phone: four columns and a long death text are wider than the card.
            <TableScroll label="Queues it waits in">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num" title="How often it was delivered from the queue of this row; a dead letter's deliveries before it died are under Death">
                      Delivered here
                    </th>
                    <th scope="col">Death</th>
                  </tr>
                </thead>
                <tbody>
                  {m.entries.map((e, i) => (
                    <tr key={`${e.queue}-${i}`}>
                      <td>
                        <Link href={`/queues/${encodeURIComponent(e.queue)}`}>{e.queue}</Link>
                      </td>
                      <td>{STATE[e.state]}</td>
                      <td className="num" title={deliveriesHere(e.attempt, e.queue)}>
                        {e.attempt}
                      </td>
                      <td className="small">
                        {e.death ? (
                          <span className="event-type--error">
                            {reasonLabel(e.death.reason)} in {e.death.queue} after it was delivered {e.death.attempts} {e.death.attempts === 1 ? 'time' : 'times'} there
                            {e.death.lastError ? `: ${e.death.lastError}` : ''}
                            {deathChain(e.death) ? ` (chain: ${deathChain(e.death)})` : ''}
                          </span>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      </div>
      <section className="section" aria-labelledby="headers-heading">
        <h2 id="headers-heading">Headers</h2>
        <div className="table-wrap">
          <HeadersTable headers={m.headers} />
        </div>
      </section>
      <section className="section" aria-labelledby="body-heading">
        <h2 id="body-heading">Body</h2>
        <BodyView body={m.body} contentType={m.contentType} size={m.size} truncated={m.truncated} />
      </section>
    </>
  );
}
