'use client';

import { useQuery } from '@tanstack/react-query';
import { Background, Controls, MiniMap, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useOptimistic, useRef, useState, useTransition } from 'react';
import { depthOf, isDeadLetterQueue } from '../queues/queue-signals';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { useSearchDraft } from '../ui/use-search-draft';
import { depthLevel, layoutTopology, structureKey, type LayoutOptions } from './graph-layout';
import { edgeTypes, nodeTypes, type LinkData } from './topology-elements';
import { TopologyLegend } from './topology-legend';
import { readTopologyParams, writeTopologyParams, type TopologyParams } from './topology-params';
import { useCoarsePointer, zoomHint } from './pointer-hint';
import { MAX_FIT_ZOOM, fitViewPadding, initialViewport } from './viewport';

const noop = () => {};
/** Below this canvas width the minimap (200×150) would hide too much of the graph: it is left out. */
const MINIMAP_MIN_WIDTH = 600;
/**
 * The page's options, read from and written to the query string. The change shows at once
 * (optimistically) while the router catches up with the new URL.
 */
function useTopologyParams(): [TopologyParams, (next: Partial<TopologyParams>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const [shown, setShown] = useOptimistic(readTopologyParams(params), (current: TopologyParams, next: Partial<TopologyParams>) => ({ ...current, ...next }));
  const [, startTransition] = useTransition();
  // While a replace is in flight the URL is behind what the page shows; the next change builds
  // on what is shown, or a toggle made during a pending search would undo it.
  const latest = useRef(shown);
  useEffect(() => {
    latest.current = shown;
  });
  const update = useCallback(
    (next: Partial<TopologyParams>) => {
      const query = writeTopologyParams(window.location.search, { ...latest.current, ...next });
      latest.current = { ...latest.current, ...next };
      startTransition(() => {
        setShown(next);
        // The History API, not router.replace: no server round trip, and a navigation already
        // under way (a node clicked just after typing) is not replaced by this URL update.
        window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
      });
    },
    [pathname, setShown],
  );
  return [shown, update];
}

/** The size of the box the graph is drawn in, known after its first render. */
function useBoxSize(): [{ width: number; height: number } | null, (el: HTMLDivElement | null) => void] {
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    if (el) setSize({ width: el.clientWidth, height: el.clientHeight });
  }, []);
  return [size, ref];
}

export function TopologyView() {
  const trpc = useTRPC();
  const graph = useQuery(trpc.topology.graph.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const [{ filter, showDlq, showDefault }, setParams] = useTopologyParams();
  const commitSearch = useCallback((value: string) => setParams({ filter: value }), [setParams]);
  const [search, setSearch, flushSearch] = useSearchDraft(filter, commitSearch);
  const [box, boxRef] = useBoxSize();
  const coarse = useCoarsePointer();
  const options: LayoutOptions = { filter, showDeadLetterQueues: showDlq, showDefaultExchange: showDefault };

  // Layout only when the structure changes: live depths must not move nodes.
  const key = graph.data ? structureKey(graph.data, options) : '';
  const layout = useMemo(() => (graph.data ? layoutTopology(graph.data, options) : null), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  // Read once per layout: after that the viewport is the user's.
  const viewport = useMemo(() => (layout && box ? initialViewport(layout, box) : null), [layout, box]);

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
    const edges: Edge<LinkData>[] = layout.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'link',
      data: { kind: e.kind, label: e.label, waypoints: e.waypoints, labelBox: e.labelBox },
      style: e.kind === 'dead_letter' ? { strokeDasharray: '5 4', stroke: 'var(--danger)' } : undefined,
    }));
    return { nodes, edges };
  }, [layout, graph.data]);

  if (graph.isPending) return <Loading what="the topology" />;
  if (graph.isError && !graph.data) return <ErrorNotice error={graph.error} title="Could not read the topology" />;
  const data = graph.data!;
  const big = nodes.length > 150;
  const minimap = !!viewport && !viewport.whole && (box?.width ?? 0) >= MINIMAP_MIN_WIDTH;
  // The Controls' fit button passes its own options to fitView (not ReactFlow's), so both get them.
  const fitViewOptions = layout && box ? { maxZoom: MAX_FIT_ZOOM, padding: fitViewPadding(layout, box, minimap) } : { maxZoom: MAX_FIT_ZOOM, padding: 0.1 };

  return (
    <>
      <div className="toolbar">
        <div className="field field--grow">
          <label htmlFor="topo-filter">Find exchange or queue</label>
          <input id="topo-filter" className="input" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="orders" aria-describedby="topo-filter-hint" />
          <span id="topo-filter-hint" className="hint">Shows matching nodes and their direct neighbours.</span>
        </div>
        <label className="check-label">
          <input type="checkbox" className="checkbox" checked={showDlq} onChange={(e) => setParams({ showDlq: e.target.checked })} />
          Dead-letter queues
        </label>
        <label className="check-label">
          <input type="checkbox" className="checkbox" checked={showDefault} onChange={(e) => setParams({ showDefault: e.target.checked })} />
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
            {layout!.nodes.length} {layout!.nodes.length === 1 ? 'node' : 'nodes'}, {layout!.edges.length} {layout!.edges.length === 1 ? 'link' : 'links'}{layout!.hidden > 0 ? `, ${layout!.hidden} hidden by the options above` : ''}.
            {viewport && !viewport.whole ? ` Showing the top-left part: ${minimap ? 'use the overview map or zoom out' : 'zoom out or drag'} for the rest.` : ''} {zoomHint(coarse)};
            select a node to open its page.
          </p>
          <TopologyLegend showDefault={showDefault} />
          <div
            className="topology"
            data-testid="topology"
            ref={boxRef}
            // Capture: before the node link's own handler starts its navigation.
            onClickCapture={(e) => {
              if (e.target instanceof Element && e.target.closest('a[href]')) flushSearch();
            }}
          >
            {viewport && (
              <ReactFlow
                key={key}
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
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
                defaultViewport={{ x: viewport.x, y: viewport.y, zoom: viewport.zoom }}
                fitViewOptions={fitViewOptions}
                proOptions={{ hideAttribution: false }}
              >
                <Background gap={24} />
                <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
                {minimap && (
                  <MiniMap
                    pannable
                    zoomable
                    ariaLabel="Overview of the whole graph"
                    nodeColor={(n) => (n.type === 'exchange' ? 'var(--accent)' : 'var(--text-muted)')}
                    maskColor="rgb(128 128 128 / 0.25)"
                  />
                )}
              </ReactFlow>
            )}
          </div>
        </>
      )}
    </>
  );
}
