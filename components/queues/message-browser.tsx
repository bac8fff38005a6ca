'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Fragment, useState } from 'react';
import { base64ToBytes, bodyPreview } from '../messages/body-format';
import { BodyView, HeadersTable } from '../messages/body-view';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatTimestamp, shortId } from '../ui/format';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { browseCaption, showMoreControl } from './browse-caption';
import { isInternalQueue } from './queue-signals';
import { deliveriesBeforeDeath, deliveriesBeforeDeathShort, deliveriesHere } from '../dead-letters/dead-letter-page';
import { TableScroll } from '../ui/table-scroll';

const STATE_LABEL = { ready: 'ready', in_flight: 'in flight', delayed: 'delayed' } as const;

/** The head of a queue, read without leasing: what a consumer would get next. */
export function MessageBrowser({ queue, depth }: { queue: string; depth: number }) {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(25);
  const [open, setOpen] = useState<string | null>(null);
  // The rows shown stay while more load ("Show more"): the page keeps its place.
  const browse = useQuery(trpc.queues.browse.queryOptions({ name: queue, limit }, { refetchInterval: LIVE_MS, placeholderData: keepPreviousData }));

  if (browse.isPending) return <Loading what="messages" />;
  if (browse.isError && !browse.data) return <ErrorNotice error={browse.error} title="Could not browse this queue" />;
  const messages = browse.data ?? [];
  if (messages.length === 0) {
    return (
      <EmptyState title="This queue is empty">
        {isInternalQueue(queue) ? (
          <p>Replies to the gateway&apos;s requests pass through here and are taken at once by the node waiting for them.</p>
        ) : (
          <p>Publish a test message with the form on this page, or send one to <code>POST /v1/queues/{queue}/messages</code>.</p>
        )}
      </EmptyState>
    );
  }
  return (
    <>
      {browse.isError && <ErrorNotice error={browse.error} title="The last refresh failed" />}
      <TableScroll label="Message table">
        <table className="table" aria-label={`Messages in ${queue}`}>
          <caption>{browseCaption(messages.length, depth)}</caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Routing key</th>
              <th scope="col">State</th>
              <th scope="col" className="num" title="How often it was delivered from this queue: 0 for one no receive has had yet. A dead letter's deliveries in the queue it died in are counted apart, below its count.">
                Delivered here
              </th>
              <th scope="col">Published</th>
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <Fragment key={m.id}>
                <tr>
                  <td className="nowrap">
                    <button
                      type="button"
                      className="link-button mono"
                      aria-expanded={open === m.id}
                      aria-controls={`msg-${m.id}`}
                      onClick={() => setOpen(open === m.id ? null : m.id)}
                      title={m.id}
                    >
                      {shortId(m.id)}
                    </button>
                  </td>
                  <td className="mono">{m.routingKey || <span className="muted">(empty)</span>}</td>
                  <td>{STATE_LABEL[m.state]}</td>
                  <td className="num" title={deliveriesHere(m.attempt, queue)}>
                    {m.attempt}
                    {m.death && <span className="small muted nowrap" style={{ display: 'block' }} title={deliveriesBeforeDeath(m.death)}>{deliveriesBeforeDeathShort(m.death)}</span>}
                  </td>
                  <td className="nowrap">{formatTimestamp(m.publishedAt)}</td>
                  <td>
                    <span className="truncate mono">{bodyPreview(base64ToBytes(m.body), m.contentType)}</span>
                  </td>
                </tr>
                {open === m.id && (
                  <tr className="details-row" id={`msg-${m.id}`}>
                    <td colSpan={6}>
                      <div className="grid-2">
                        <div>
                          <BodyView body={m.body} contentType={m.contentType} size={m.size} truncated={m.truncated} />
                        </div>
                        <div className="stack">
                          <HeadersTable headers={m.headers} />
                          <p className="small">
                            <Link href={`/messages/${m.id}`}>Message details</Link> ·{' '}
                            <Link href={`/traces/${encodeURIComponent(m.correlationId)}`}>Trace {shortId(m.correlationId)}</Link>
                          </p>
                        </div>
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {(() => {
        const more = showMoreControl({ shown: messages.length, limit, depth, loading: browse.isPlaceholderData });
        if (!more) return null;
        if (more.kind === 'max') return <p className="muted small">{more.text}</p>;
        return (
          <p>
            <button type="button" className="button button--quiet button--small" disabled={more.disabled} onClick={() => setLimit(more.next)}>
              {more.label}
            </button>
          </p>
        );
      })()}
    </>
  );
}
