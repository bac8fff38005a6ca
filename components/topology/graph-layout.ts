import dagre from '@dagrejs/dagre';

/**
 * Topology as a laid-out graph: exchanges → (binding keys) → queues → their dead-letter queues,
 * left to right, placed by dagre (layered layout with crossing reduction). Pure: positions
 * depend only on the structure, so a live refresh of depths never moves a node.
 */

export interface TopologyInput {
  exchanges: { name: string; type: string; publishRate: number }[];
  queues: { name: string; ready: number; inFlight: number; delayed: number; consumers: number; settings: { deadLetter: false | { exchange?: string; routingKey?: string } } }[];
  bindings: { exchange: string; queue: string; key: string; headers?: { match: string; values: Record<string, string> } }[];
}

export interface GraphNode {
  id: string;
  kind: 'exchange' | 'queue';
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: 'binding' | 'dead_letter';
  /** Binding keys (several bindings between the same pair are one edge). */
  label: string;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
  /** Nodes left out by the filter, so the page can say so. */
  hidden: number;
}

export interface LayoutOptions {
  /** Case-insensitive substring: keeps matching nodes and their direct neighbours. */
  filter?: string;
  /** Show `*.dlq` queues and dead-letter edges. */
  showDeadLetterQueues?: boolean;
  /** Show the default exchange (it reaches every queue implicitly, so it has no edges). */
  showDefaultExchange?: boolean;
}

export const NODE_SIZE = { exchange: { width: 200, height: 52 }, queue: { width: 200, height: 60 } } as const;

export const exchangeId = (name: string) => `x:${name}`;
export const queueId = (name: string) => `q:${name}`;

function bindingLabel(b: TopologyInput['bindings'][number]): string {
  if (b.headers) {
    const pairs = Object.entries(b.headers.values).map(([k, v]) => `${k}=${v}`);
    return `${b.headers.match}(${pairs.join(', ')})`;
  }
  return b.key === '' ? '(empty key)' : b.key;
}

/** Nodes and edges before layout, after the filter. */
export function topologyGraph(input: TopologyInput, o: LayoutOptions = {}): { nodes: Omit<GraphNode, 'x' | 'y'>[]; edges: GraphEdge[]; hidden: number } {
  const showDlq = o.showDeadLetterQueues ?? true;
  const isDlq = (q: string) => q.endsWith('.dlq');
  const queues = input.queues.filter((q) => showDlq || !isDlq(q.name));
  const queueNames = new Set(queues.map((q) => q.name));
  const exchanges = input.exchanges.filter((x) => (o.showDefaultExchange ?? false) || x.name !== 'amq.default');
  const exchangeNames = new Set(exchanges.map((x) => x.name));

  const grouped = new Map<string, GraphEdge>();
  for (const b of input.bindings) {
    if (!exchangeNames.has(b.exchange) || !queueNames.has(b.queue)) continue;
    const id = `b:${b.exchange}→${b.queue}`;
    const seen = grouped.get(id);
    if (seen) seen.label = [...new Set([...seen.label.split(', '), bindingLabel(b)])].join(', ');
    else grouped.set(id, { id, source: exchangeId(b.exchange), target: queueId(b.queue), kind: 'binding', label: bindingLabel(b) });
  }
  const edges = [...grouped.values()];
  if (showDlq) {
    for (const q of queues) {
      const dl = q.settings.deadLetter;
      if (dl && !dl.exchange && queueNames.has(`${q.name}.dlq`)) {
        edges.push({ id: `d:${q.name}`, source: queueId(q.name), target: queueId(`${q.name}.dlq`), kind: 'dead_letter', label: 'dead letters' });
      } else if (dl && dl.exchange && exchangeNames.has(dl.exchange)) {
        edges.push({ id: `d:${q.name}`, source: queueId(q.name), target: exchangeId(dl.exchange), kind: 'dead_letter', label: dl.routingKey ?? 'dead letters' });
      }
    }
  }

  let nodes: Omit<GraphNode, 'x' | 'y'>[] = [
    ...exchanges.map((x) => ({ id: exchangeId(x.name), kind: 'exchange' as const, name: x.name, ...NODE_SIZE.exchange })),
    ...queues.map((q) => ({ id: queueId(q.name), kind: 'queue' as const, name: q.name, ...NODE_SIZE.queue })),
  ];
  const total = input.exchanges.length + input.queues.length;
  const needle = o.filter?.trim().toLowerCase();
  if (needle) {
    const hits = new Set(nodes.filter((n) => n.name.toLowerCase().includes(needle)).map((n) => n.id));
    const keep = new Set(hits);
    for (const e of edges) {
      if (hits.has(e.source)) keep.add(e.target);
      if (hits.has(e.target)) keep.add(e.source);
    }
    nodes = nodes.filter((n) => keep.has(n.id));
  }
  const kept = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => kept.has(e.source) && kept.has(e.target)), hidden: total - nodes.length };
}

export function layoutTopology(input: TopologyInput, o: LayoutOptions = {}): GraphLayout {
  const { nodes, edges, hidden } = topologyGraph(input, o);
  // Each connected part (an exchange and its queues, typically) is laid out on its own, then the
  // parts are packed into columns: 300 queues become a grid that fits a screen's shape instead of
  // one column thousands of pixels tall.
  const parts = connectedParts(nodes, edges).map((part) => layoutPart(part.nodes, part.edges));
  const placed = packParts(parts);
  return { nodes: placed.nodes, edges, width: placed.width, height: placed.height, hidden };
}

type Unplaced = Omit<GraphNode, 'x' | 'y'>;

function connectedParts(nodes: Unplaced[], edges: GraphEdge[]): { nodes: Unplaced[]; edges: GraphEdge[] }[] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const e of edges) parent.set(find(e.source), find(e.target));
  const parts = new Map<string, { nodes: Unplaced[]; edges: GraphEdge[] }>();
  // Sorted input keeps the layout the same whatever order the broker lists things in.
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    const root = find(n.id);
    if (!parts.has(root)) parts.set(root, { nodes: [], edges: [] });
    parts.get(root)!.nodes.push(n);
  }
  for (const e of [...edges].sort((a, b) => a.id.localeCompare(b.id))) parts.get(find(e.source))!.edges.push(e);
  // Parts with exchanges first, in name order of their first node.
  return [...parts.values()].sort(
    (a, b) => Number(b.nodes[0]!.kind === 'exchange') - Number(a.nodes[0]!.kind === 'exchange') || a.nodes[0]!.id.localeCompare(b.nodes[0]!.id),
  );
}

interface PlacedPart {
  nodes: GraphNode[];
  width: number;
  height: number;
}

function layoutPart(nodes: Unplaced[], edges: GraphEdge[]): PlacedPart {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 140, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  // dagre gives centres; the renderer wants top-left corners.
  const placed = nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, x: Math.round(p.x - n.width / 2), y: Math.round(p.y - n.height / 2) };
  });
  const minX = Math.min(...placed.map((n) => n.x));
  const minY = Math.min(...placed.map((n) => n.y));
  const shifted = placed.map((n) => ({ ...n, x: n.x - minX, y: n.y - minY }));
  return {
    nodes: shifted,
    width: Math.max(...shifted.map((n) => n.x + n.width)),
    height: Math.max(...shifted.map((n) => n.y + n.height)),
  };
}

const MARGIN = 16;
const GAP = { x: 80, y: 40 };

/** Columns of parts, each column about as tall as a 16:10 box of the same area would be. */
function packParts(parts: PlacedPart[]): { nodes: GraphNode[]; width: number; height: number } {
  if (parts.length === 0) return { nodes: [], width: 0, height: 0 };
  const area = parts.reduce((a, p) => a + (p.width + GAP.x) * (p.height + GAP.y), 0);
  const columnHeight = Math.max(Math.sqrt(area / 1.6), ...parts.map((p) => p.height));
  const nodes: GraphNode[] = [];
  let x = MARGIN;
  let y = MARGIN;
  let columnWidth = 0;
  let height = 0;
  for (const p of parts) {
    if (y > MARGIN && y + p.height > MARGIN + columnHeight) {
      x += columnWidth + GAP.x;
      y = MARGIN;
      columnWidth = 0;
    }
    for (const n of p.nodes) nodes.push({ ...n, x: n.x + x, y: n.y + y });
    columnWidth = Math.max(columnWidth, p.width);
    height = Math.max(height, y + p.height);
    y += p.height + GAP.y;
  }
  return { nodes, width: x + columnWidth + MARGIN, height: height + MARGIN };
}

/** A stable key of the structure: the layout is recomputed only when this changes. */
export function structureKey(input: TopologyInput, o: LayoutOptions = {}): string {
  return JSON.stringify([
    input.exchanges.map((x) => x.name).sort(),
    input.queues.map((q) => `${q.name}|${JSON.stringify(q.settings.deadLetter)}`).sort(),
    input.bindings.map((b) => `${b.exchange}|${b.queue}|${b.key}|${JSON.stringify(b.headers ?? null)}`).sort(),
    o,
  ]);
}

/** Depth colour band for a queue node: empty, some, many (relative to the busiest queue). */
export function depthLevel(depth: number, max: number): 'empty' | 'low' | 'high' {
  if (depth <= 0) return 'empty';
  return max > 0 && depth >= Math.max(100, max * 0.5) ? 'high' : 'low';
}
