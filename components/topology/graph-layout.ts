import dagre from '@dagrejs/dagre';
import { labelSize, type Point } from './edge-geometry';
import { isDeadLetterQueue } from '../../server/broker/name-rules';

/**
 * Topology as a laid-out graph: exchanges → (binding keys) → queues → their dead-letter queues,
 * left to right, placed by dagre (layered layout with crossing reduction). Binding keys are laid
 * out too, as boxes dagre keeps clear of nodes and of each other, so no label hides under a node.
 * Pure: positions depend only on the structure, so a live refresh of depths never moves a node.
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
  /** The lines drawn beside the edge: one a binding key, or a dead-letter routing key. */
  keys: string[];
}

export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

export interface PlacedEdge extends GraphEdge {
  /** Where the edge bends between its two nodes; it runs level through its label box. */
  waypoints: Point[];
  /** Top-left corner and size of the drawn label, or null when the edge has none. */
  labelBox: LabelBox | null;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: PlacedEdge[];
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
  const isDlq = isDeadLetterQueue;
  const queues = input.queues.filter((q) => showDlq || !isDlq(q.name));
  const queueNames = new Set(queues.map((q) => q.name));
  const exchanges = input.exchanges.filter((x) => (o.showDefaultExchange ?? false) || x.name !== 'amq.default');
  const exchangeNames = new Set(exchanges.map((x) => x.name));

  const grouped = new Map<string, GraphEdge>();
  for (const b of input.bindings) {
    if (!exchangeNames.has(b.exchange) || !queueNames.has(b.queue)) continue;
    const id = `b:${b.exchange}→${b.queue}`;
    const seen = grouped.get(id);
    if (seen) {
      seen.keys = [...new Set([...seen.keys, bindingLabel(b)])];
      seen.label = seen.keys.join(', ');
    } else {
      grouped.set(id, { id, source: exchangeId(b.exchange), target: queueId(b.queue), kind: 'binding', label: bindingLabel(b), keys: [bindingLabel(b)] });
    }
  }
  const edges = [...grouped.values()];
  if (showDlq) {
    for (const q of queues) {
      const dl = q.settings.deadLetter;
      if (dl && !dl.exchange && queueNames.has(`${q.name}.dlq`)) {
        edges.push({ id: `d:${q.name}`, source: queueId(q.name), target: queueId(`${q.name}.dlq`), kind: 'dead_letter', label: 'dead letters', keys: ['dead letters'] });
      } else if (dl && dl.exchange && exchangeNames.has(dl.exchange)) {
        const label = dl.routingKey ?? 'dead letters';
        edges.push({ id: `d:${q.name}`, source: queueId(q.name), target: exchangeId(dl.exchange), kind: 'dead_letter', label, keys: [label] });
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
  // The page's order of edges, not the parts'.
  const byId = new Map(placed.edges.map((e) => [e.id, e]));
  return { nodes: placed.nodes, edges: edges.map((e) => byId.get(e.id)!), width: placed.width, height: placed.height, hidden };
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
  // Parts with exchanges first, in name order of their first exchange (the view opens on the
  // first one); then lone queues in name order.
  const firstExchange = (p: { nodes: Unplaced[] }) => p.nodes.find((n) => n.kind === 'exchange')?.id;
  return [...parts.values()].sort((a, b) => {
    const [xa, xb] = [firstExchange(a), firstExchange(b)];
    if (xa !== undefined && xb !== undefined) return xa.localeCompare(xb);
    if (xa !== undefined || xb !== undefined) return xa !== undefined ? -1 : 1;
    return a.nodes[0]!.id.localeCompare(b.nodes[0]!.id);
  });
}

interface PlacedPart {
  nodes: GraphNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

function layoutPart(nodes: Unplaced[], edges: GraphEdge[]): PlacedPart {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  // With labels dagre puts a rank of label boxes between each pair of node ranks and halves
  // ranksep on either side of it: 96 leaves 48px of curve between a node and a label.
  g.setGraph({ rankdir: 'LR', nodesep: 14, edgesep: 8, ranksep: 96, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  const sizes = new Map(edges.map((e) => [e.id, labelSize(e.keys)]));
  for (const e of edges) {
    const size = sizes.get(e.id);
    g.setEdge(e.source, e.target, size ? { width: size.width, height: size.height, labelpos: 'c' } : {});
  }
  dagre.layout(g);
  // dagre gives centres; the renderer wants top-left corners.
  const placedNodes = nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, x: Math.round(p.x - n.width / 2), y: Math.round(p.y - n.height / 2) };
  });
  const placedEdges: PlacedEdge[] = edges.map((e) => {
    const d = g.edge(e.source, e.target) as { points?: Point[]; x?: number; y?: number };
    const size = sizes.get(e.id);
    const labelBox =
      size && d.x !== undefined && d.y !== undefined
        ? { x: Math.round(d.x - size.width / 2), y: Math.round(d.y - size.height / 2), width: size.width, height: size.height, lines: size.lines }
        : null;
    // The first and last points are where the line meets the nodes; the renderer starts and
    // ends at the nodes' handles instead. The line reaches its label at the box's left side and
    // leaves from its right, level with the text, rather than ducking under the box at its centre.
    const waypoints = (d.points ?? []).slice(1, -1).flatMap((p) =>
      labelBox && Math.abs(p.x - d.x!) < 1 && Math.abs(p.y - d.y!) < 1
        ? [
            { x: labelBox.x, y: Math.round(p.y) },
            { x: labelBox.x + labelBox.width, y: Math.round(p.y) },
          ]
        : [{ x: Math.round(p.x), y: Math.round(p.y) }],
    );
    return { ...e, waypoints, labelBox };
  });
  const boxes = [...placedNodes, ...placedEdges.flatMap((e) => (e.labelBox ? [e.labelBox] : []))];
  const points = placedEdges.flatMap((e) => e.waypoints);
  const minX = Math.min(...boxes.map((b) => b.x), ...points.map((p) => p.x));
  const minY = Math.min(...boxes.map((b) => b.y), ...points.map((p) => p.y));
  const part = shiftPart({ nodes: placedNodes, edges: placedEdges }, -minX, -minY);
  return {
    ...part,
    width: Math.max(...part.nodes.map((n) => n.x + n.width), ...part.edges.flatMap((e) => [...e.waypoints.map((p) => p.x), e.labelBox ? e.labelBox.x + e.labelBox.width : 0])),
    height: Math.max(...part.nodes.map((n) => n.y + n.height), ...part.edges.flatMap((e) => [...e.waypoints.map((p) => p.y), e.labelBox ? e.labelBox.y + e.labelBox.height : 0])),
  };
}

function shiftPart(part: { nodes: GraphNode[]; edges: PlacedEdge[] }, dx: number, dy: number): { nodes: GraphNode[]; edges: PlacedEdge[] } {
  return {
    nodes: part.nodes.map((n) => ({ ...n, x: n.x + dx, y: n.y + dy })),
    edges: part.edges.map((e) => ({
      ...e,
      waypoints: e.waypoints.map((p) => ({ x: p.x + dx, y: p.y + dy })),
      labelBox: e.labelBox ? { ...e.labelBox, x: e.labelBox.x + dx, y: e.labelBox.y + dy } : null,
    })),
  };
}

const MARGIN = 16;
const GAP = { x: 80, y: 40 };

/** Columns of parts, each column about as tall as a 16:10 box of the same area would be. */
function packParts(parts: PlacedPart[]): { nodes: GraphNode[]; edges: PlacedEdge[]; width: number; height: number } {
  if (parts.length === 0) return { nodes: [], edges: [], width: 0, height: 0 };
  const area = parts.reduce((a, p) => a + (p.width + GAP.x) * (p.height + GAP.y), 0);
  const columnHeight = Math.max(Math.sqrt(area / 1.6), ...parts.map((p) => p.height));
  const nodes: GraphNode[] = [];
  const edges: PlacedEdge[] = [];
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
    const shifted = shiftPart(p, x, y);
    nodes.push(...shifted.nodes);
    edges.push(...shifted.edges);
    columnWidth = Math.max(columnWidth, p.width);
    height = Math.max(height, y + p.height);
    y += p.height + GAP.y;
  }
  return { nodes, edges, width: x + columnWidth + MARGIN, height: height + MARGIN };
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
