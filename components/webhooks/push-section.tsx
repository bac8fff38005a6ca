'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { CodeBlock } from '../code-block';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatCount, formatDuration } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { TableScroll } from '../ui/table-scroll';
import { useOrigin } from './hook-url';
import { pushExample, pushStatus, queueHref } from './webhook-labels';
import './webhooks.css';

/** Which queues are pushed to a URL, and which endpoint was disabled (its receiver gone or refusing) and why. */
export function PushSection() {
  const trpc = useTRPC();
  const origin = useOrigin();
  const push = useQuery(trpc.webhooks.pushEndpoints.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const list = push.data;
  const disabled = list?.filter((e) => e.status === 'disabled').length ?? 0;
  return (
    <section aria-labelledby="push-heading" className="section">
      <div className="section-heading">
        <h2 id="push-heading">
          Push endpoints{list ? ` (${formatCount(list.length)}${disabled ? `, ${formatCount(disabled)} disabled` : ''})` : ''}
        </h2>
        <LiveBadge fetching={push.isFetching} failed={push.isError} />
      </div>
      {push.isPending ? (
        <Loading what="push endpoints" />
      ) : push.isError && !list ? (
        <ErrorNotice error={push.error} title="Could not list the push endpoints" />
      ) : list!.length === 0 ? (
        <EmptyState title="No queue is pushed to a URL">
          <p>Push a queue and each message is POSTed to the URL, signed per Standard Webhooks; a 2xx acks it.</p>
          <CodeBlock label="PUT /v1/queues/{name}/push" code={pushExample(origin)} />
        </EmptyState>
      ) : (
        <>
          {push.isError && <ErrorNotice error={push.error} title="The last refresh failed: the statuses below are as last read" />}
          <TableScroll label="Push endpoint table">
            <table className="table" aria-labelledby="push-heading">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">URL</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num" title="Requests in flight at once">
                    Concurrency
                  </th>
                  <th scope="col" className="num">
                    Timeout
                  </th>
                  <th scope="col" title="Whether this node runs the queue's delivery loop">
                    This node
                  </th>
                </tr>
              </thead>
              <tbody>
                {list!.map((e) => {
                  const status = pushStatus(e);
                  return (
                    <tr key={e.queue}>
                      <th scope="row">
                        <Link href={queueHref(e.queue)}>{e.queue}</Link>
                      </th>
                      <td>
                        <code className="push-url">{e.url}</code>
                      </td>
                      <td>
                        <span className={`badge badge--${status.tone}`}>{status.label}</span>
                        {status.note && <span className="webhook-note small">{status.note}</span>}
                      </td>
                      <td className="num">{formatCount(e.concurrency)}</td>
                      <td className="num">{formatDuration(e.timeoutMs)}</td>
                      <td>{e.running ? 'delivering' : <span className="muted">not running</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          <p className="muted small">
            {disabled > 0 && (
              <>
                A disabled endpoint is sent nothing; its messages wait in the queue. Declare it again (<code>PUT /v1/queues/{'{name}'}/push</code>) to
                resume.{' '}
              </>
            )}
            Passwords in URLs read <code>***</code>; signing secrets are never shown.
          </p>
        </>
      )}
    </section>
  );
}
