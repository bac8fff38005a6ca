'use client';

import { useQuery } from '@tanstack/react-query';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { countOf, formatDuration, formatRate } from '../ui/format';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { slowConsumers } from './consumer-pace';
import { TableScroll } from '../ui/table-scroll';

/** Who consumes a queue, on every live node: competing consumers side by side, a slow one marked. */
export function ConsumerList({ queue }: { queue: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.queues.consumers.queryOptions({ name: queue }, { refetchInterval: LIVE_MS }));
  if (list.isPending) return <Loading what="consumers" />;
  if (list.isError && !list.data) return <ErrorNotice error={list.error} title="Could not list the consumers" />;
  const { consumers, unlisted } = list.data!;
  if (consumers.length === 0 && unlisted === 0) {
    return (
      <EmptyState title="No consumer in the last 30 s">
        <p>
          A consumer shows here from its first receive (name it with <code>Hatoba-Consumer</code>; without it, each connection is one).
        </p>
      </EmptyState>
    );
  }
  const slow = slowConsumers(consumers);
  const now = list.dataUpdatedAt || Date.now();
  return (
    <>
      <TableScroll label="Consumer table">
        <table className="table" aria-labelledby="consumers-heading">
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col">Nodes</th>
              <th scope="col" className="num" title="Messages delivered to it per second, over the last minute">
                Delivered
              </th>
              <th scope="col">Last receive</th>
            </tr>
          </thead>
          <tbody>
            {consumers.map((c) => (
              <tr key={c.name}>
                <th scope="row">
                  <span className="mono">{c.name}</span>{' '}
                  {slow.has(c.name) && (
                    <span className="badge badge--warning" title="Takes under a quarter of what the fastest consumer of this queue takes">
                      slow
                    </span>
                  )}
                </th>
                <td className="mono">{c.nodes.join(', ')}</td>
                <td className="num">{formatRate(c.deliverRate)}</td>
                <td>
                  <time dateTime={c.lastSeenAt}>{formatDuration(Math.max(0, now - Date.parse(c.lastSeenAt)))} ago</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {unlisted > 0 && <p className="muted small">And {countOf(unlisted, 'more consumer')}, counted but not named (a node lists 1,000 per queue).</p>}
    </>
  );
}
