'use client';

import { useQuery } from '@tanstack/react-query';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { ErrorNotice, LiveBadge, Loading } from '../ui/query-state';

const DATABASE = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' } as const;

export function NodesView() {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.system.nodes.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  if (nodes.isPending) return <Loading what="nodes" />;
  if (nodes.isError && !nodes.data) return <ErrorNotice error={nodes.error} title="Could not list the nodes" />;
  return (
    <>
      <div className="section-heading">
        <h2 id="nodes-heading">{nodes.data!.length === 1 ? 'One node' : `${nodes.data!.length} nodes`}</h2>
        <LiveBadge fetching={nodes.isFetching} failed={nodes.isError} />
      </div>
      <div className="table-wrap">
        <table className="table" aria-labelledby="nodes-heading">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Version</th>
              <th scope="col">Database</th>
            </tr>
          </thead>
          <tbody>
            {nodes.data!.map((n) => (
              <tr key={n.id}>
                <th scope="row" className="mono">
                  {n.id} {n.self && <span className="badge badge--neutral">this page&apos;s server</span>}
                </th>
                <td>{n.role}</td>
                <td>
                  <span className={`badge ${n.status === 'alive' ? 'badge--ok' : 'badge--critical'}`}>{n.status}</span>
                </td>
                <td className="mono">{n.version}</td>
                <td>{DATABASE[n.database]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        This server runs alone. Several nodes on one PostgreSQL database share the work; each registers here once clustering is on.
      </p>
    </>
  );
}
