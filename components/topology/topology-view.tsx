'use client';

import { useQuery } from '@tanstack/react-query';
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { depthOf, isDeadLetterQueue } from '../queues/queue-signals';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatCount, formatRate } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { depthLevel, layoutTopology, structureKey, type LayoutOptions } from './graph-layout';

type ExchangeData = { name: string; type: string; publishRate: number };
type QueueData = { name: string; depth: number; consumers: number; level: 'empty' | 'low' | 'high'; dlq: boolean };
type ExchangeNode = Node<ExchangeData, 'exchange'>;
type QueueNode = Node<QueueData, 'queue'>;

/** Nodes are links: Tab reaches them, Enter opens their page. */
function ExchangeNodeView({ data }: NodeProps<ExchangeNode>) {
  return (
    <Link href={`/history?exchange=${encodeURIComponent(data.name)}`} className="topo-node topo-node--exchange" style={{ display: 'block', textDecoration: 'none' }} aria-label={`Exchange ${data.name}, ${data.type}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-node__name">{data.name}</div>
      <div className="topo-node__meta">
        {data.type} · {formatRate(data.publishRate)}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Link>
  );
}

function QueueNodeView({ data }: NodeProps<QueueNode>) {
  const cls = data.dlq ? (data.depth > 0 ? 'topo-node--dlq-full' : '') : data.level === 'empty' ? '' : `topo-node--${data.level}`;
  return (
    <Link
      href={`/queues/${encodeURIComponent(data.name)}`}
      className={`topo-node ${cls}`}
      style={{ display: 'block', textDecoration: 'none' }}
      aria-label={`Queue ${data.name}, ${data.depth} messages, ${data.consumers} consumers`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-node__name">{data.name}</div>
      <div className="topo-node__meta" data-testid="queue-depth">
        {formatCount(data.depth)} {data.dlq ? 'dead' : data.depth === 1 ? 'message' : 'messages'} · {data.consumers} {data.consumers === 1 ? 'consumer' : 'consumers'}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Link>
  );
}

const nodeTypes = { exchange: ExchangeNodeView, queue: QueueNodeView };
const noop = () => {};

export function TopologyView() {
  const trpc = useTRPC();
  const graph = useQuery(trpc.topology.graph.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const [filter, setFilter] = useState('');
  const [showDlq, setShowDlq] = useState(true);
  const [showDefault, setShowDefault] = useState(false);
  const options: LayoutOptions = { filter, showDeadLetterQueues: showDlq, showDefaultExchange: showDefault };

  // Layout only when the structure changes: live depths must not move nodes.
  const key = graph.data ? structureKey(graph.data, options) : '';
  const layout = useMemo(() => (graph.data ? layoutTopology(graph.data, options) : null), [key]); // eslint-disable-line react-hooks/exhaustive-deps

  const { nodes, edges } = useMemo(() => {
    if (!layout || !graph.data) return { nodes: [] as Node[], edges: [] as Edge[] };
    const queues = new Map(graph.data.queues.map((q) => [q.name, q]));
    const exchanges = new Map(graph.data.exchanges.map((x) => [x.name, x]));
    const maxDepth = Math.max(0, ...graph.data.queues.map(depthOf));
    const nodes: Node[] = layout.nodes.map((n) => {
      if (n.kind === 'exchange') {
        const x = exchanges.get(n.name);
        return { id: n.id, type: 'exchange', position: { x: n.x, y: n.y }, width: n.width, height: n.height, data: { name: n.name, type: x?.type ?? '?', publishRate: x?.publishRate ?? 0 } };
      }
      const q = queues.get(n.name);
      const depth = q ? depthOf(q) : 0;
      return {
        id: n.id,
        type: 'queue',
        position: { x: n.x, y: n.y },
        width: n.width,
        height: n.height,
        data: { name: n.name, depth, consumers: q?.consumers ?? 0, level: depthLevel(depth, maxDepth), dlq: isDeadLetterQueue(n.name) },
      };
    });
    const edges: Edge[] = layout.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: e.label,
      animated: false,
      style: e.kind === 'dead_letter' ? { strokeDasharray: '5 4', stroke: 'var(--danger)' } : undefined,
      labelBgPadding: [4, 2] as [number, number],
    }));
    return { nodes, edges };
  }, [layout, graph.data]);

  if (graph.isPending) return <Loading what="the topology" />;
  if (graph.isError && !graph.data) return <ErrorNotice error={graph.error} title="Could not read the topology" />;
  const data = graph.data!;
  const big = nodes.length > 40;

  return (
    <>
      <div className="toolbar">
        <div className="field field--grow">
          <label htmlFor="topo-filter">Find exchange or queue</label>
          <input id="topo-filter" className="input" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="orders" aria-describedby="topo-filter-hint" />
          <span id="topo-filter-hint" className="hint">Shows matching nodes and their direct neighbours.</span>
        </div>
        <label className="check-label">
          <input type="checkbox" className="checkbox" checked={showDlq} onChange={(e) => setShowDlq(e.target.checked)} />
          Dead-letter queues
        </label>
        <label className="check-label">
          <input type="checkbox" className="checkbox" checked={showDefault} onChange={(e) => setShowDefault(e.target.checked)} />
          Default exchange
        </label>
        <LiveBadge fetching={graph.isFetching} failed={graph.isError} />
      </div>
      {graph.isError && <ErrorNotice error={graph.error} title="The last refresh failed; showing older figures" />}
      {data.queues.length === 0 && data.exchanges.filter((x) => x.name !== 'amq.default').length === 0 ? (
        <EmptyState title="Nothing declared yet">
          <p>
            Declare an exchange (<code>PUT /v1/exchanges/orders</code>), a queue (<code>PUT /v1/queues/inventory</code>) and a binding (
            <code>POST /v1/bindings</code>); they appear here.
          </p>
        </EmptyState>
      ) : nodes.length === 0 ? (
        <EmptyState title="Nothing matches">
          <p>Clear the search to see all {data.exchanges.length + data.queues.length} exchanges and queues.</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted small">
            {layout!.nodes.length} nodes, {layout!.edges.length} links{layout!.hidden > 0 ? `, ${layout!.hidden} hidden by the options above` : ''}. Scroll to zoom,
            drag to pan; select a node to open its page.
          </p>
          <div className="topology" data-testid="topology">
            <ReactFlow
              key={key}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              nodesDraggable={false}
              nodesConnectable={false}
              nodesFocusable={false}
              edgesFocusable={false}
              elementsSelectable={false}
              // React Flow gives nodes no pointer events unless something handles their clicks;
              // the node's own link does the navigating.
              onNodeClick={noop}
              onlyRenderVisibleElements={big}
              colorMode="system"
              minZoom={0.05}
              fitView={!big}
              fitViewOptions={{ maxZoom: 1.1, padding: 0.1 }}
              defaultViewport={big ? { x: 16, y: 16, zoom: 0.85 } : undefined}
              proOptions={{ hideAttribution: false }}
            >
              <Background gap={24} />
              <Controls showInteractive={false} />
              {big && (
                <MiniMap
                  pannable
                  zoomable
                  ariaLabel="Overview of the whole graph"
                  nodeColor={(n) => (n.type === 'exchange' ? 'var(--accent)' : 'var(--text-muted)')}
                  maskColor="rgb(128 128 128 / 0.25)"
                />
              )}
            </ReactFlow>
          </div>
        </>
      )}
    </>
  );
}
