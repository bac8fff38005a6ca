'use client';

import { useQuery } from '@tanstack/react-query';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatCount, formatDuration, formatRate, formatTimestamp } from '../ui/format';
import { ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { nodesHeading } from './nodes-heading';
import { TableScroll } from '../ui/table-scroll';

const DATABASE = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' } as const;

export function NodesView() {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.system.nodes.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  if (nodes.isPending) return <Loading what="nodes" />;
  if (nodes.isError && !nodes.data) return <ErrorNotice error={nodes.error} title="Could not list the nodes" />;
  const list = nodes.data!;
  const alive = list.filter((n) => n.status === 'alive').length;
  const now = Date.now();
  return (
    <>
      <div className="section-heading">
        <h2 id="nodes-heading">{nodesHeading(list.length, alive, nodes.isError)}</h2>
        <LiveBadge fetching={nodes.isFetching} failed={nodes.isError} />
      </div>
      {nodes.isError && <ErrorNotice error={nodes.error} title="The last refresh failed: the statuses below are as last read, and may no longer hold" />}
      <TableScroll label="Node table">
        <table className="table" aria-labelledby="nodes-heading">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Last heartbeat</th>
              <th scope="col" className="num" title="Messages published through this node, per second over the last minute">
                Publishing
              </th>
              <th scope="col" className="num" title="Messages this node delivered (to receives and push), per second over the last minute">
                Delivering
              </th>
              <th scope="col" className="num" title="Consumers of this node in the last 30 s, counted per queue">
                Consumers
              </th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {list.map((n) => (
              <tr key={n.id} aria-current={n.self ? 'true' : undefined}>
                <th scope="row">
                  <span className="mono">{n.id}</span> {n.self && <span className="badge badge--neutral">this node</span>}
                  {n.url && <div className="muted small mono">{n.url}</div>}
                </th>
                <td>{n.role === 'leader' ? <span className="badge badge--ok">leader</span> : 'member'}</td>
                <td>
                  {nodes.isError ? (
                    <span className="badge badge--neutral" title={`${n.status} when last read`}>
                      unknown
                    </span>
                  ) : (
                    <span className={`badge ${n.status === 'alive' ? 'badge--ok' : 'badge--critical'}`}>{n.status}</span>
                  )}
                </td>
                <td>
                  <time dateTime={n.startedAt}>{formatTimestamp(n.startedAt)}</time>
                </td>
                <td>
                  <time dateTime={n.lastHeartbeatAt} title={formatTimestamp(n.lastHeartbeatAt)}>
                    {formatDuration(now - Date.parse(n.lastHeartbeatAt))} ago
                  </time>
                </td>
                <td className="num">{n.load ? formatRate(n.load.publishRate) : '—'}</td>
                <td className="num">{n.load ? formatRate(n.load.deliverRate) : '—'}</td>
                <td className="num">{n.load ? formatCount(n.load.consumers) : '—'}</td>
                <td className="mono">{n.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p className="muted small">
        Database: {DATABASE[list[0]?.database ?? 'pglite']}.{' '}
        {list.length === 1 && list[0]!.database === 'pglite'
          ? 'The embedded database is one process, so one node, and it leads. Several nodes share one PostgreSQL database (DATABASE_URL).'
          : 'Every node registers here and heartbeats every 2 s, sharing its rates and consumers; one not heard from for 10 s is dead. The leader runs depth sampling and retention.'}
      </p>
    </>
  );
}
