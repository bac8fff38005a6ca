import { describe, expect, it } from 'vitest';
import { depthLevel, layoutTopology, structureKey, topologyGraph, type TopologyInput } from './graph-layout';
import { fortyNodes, queue } from './topology-fixtures';

const orders: TopologyInput = {
  exchanges: [
    { name: 'amq.default', type: 'direct', publishRate: 0 },
    { name: 'orders', type: 'topic', publishRate: 1 },
  ],
  queues: ['inventory', 'inventory.dlq', 'shipping', 'shipping.dlq'].map((n) => queue(n)),
  bindings: [
    { exchange: 'orders', queue: 'inventory', key: 'order.*' },
    { exchange: 'orders', queue: 'inventory', key: 'stock.#' },
    { exchange: 'orders', queue: 'shipping', key: 'order.completed' },
  ],
};

describe('topologyGraph', () => {
  it('joins several bindings between one pair into one labelled edge', () => {
    const { edges } = topologyGraph(orders);
    expect(edges.find((e) => e.id === 'b:orders→inventory')!.label).toBe('order.*, stock.#');
  });

  it('links queues to their dead-letter queues and hides the default exchange', () => {
    const { nodes, edges } = topologyGraph(orders);
    expect(nodes.map((n) => n.name)).not.toContain('amq.default');
    expect(edges.filter((e) => e.kind === 'dead_letter').map((e) => e.target)).toEqual(['q:inventory.dlq', 'q:shipping.dlq']);
  });

  it('can leave dead-letter queues out', () => {
    const { nodes, hidden } = topologyGraph(orders, { showDeadLetterQueues: false });
    expect(nodes.map((n) => n.name)).toEqual(['orders', 'inventory', 'shipping']);
    expect(hidden).toBe(3);
  });

  it('filters to matching nodes and their neighbours', () => {
    const { nodes } = topologyGraph(orders, { filter: 'SHIPPING' });
    expect(nodes.map((n) => n.name).sort()).toEqual(['orders', 'shipping', 'shipping.dlq']);
  });

  it('labels header bindings', () => {
    const { edges } = topologyGraph({
      ...orders,
      bindings: [{ exchange: 'orders', queue: 'shipping', key: '', headers: { match: 'all', values: { region: 'eu' } } }],
    });
    expect(edges[0]!.label).toBe('all(region=eu)');
  });
});

describe('layoutTopology', () => {
  it('puts exchanges left of their queues, and DLQs right of those', () => {
    const { nodes } = layoutTopology(orders);
    const x = (name: string) => nodes.find((n) => n.name === name)!.x;
    expect(x('orders')).toBeLessThan(x('inventory'));
    expect(x('inventory')).toBeLessThan(x('inventory.dlq'));
  });

  it('never overlaps nodes, even at 50 exchanges and 300 queues', () => {
    const big: TopologyInput = {
      exchanges: Array.from({ length: 50 }, (_, i) => ({ name: `x${i}`, type: 'topic', publishRate: 0 })),
      queues: Array.from({ length: 300 }, (_, i) => queue(`q${i}`, false)),
      bindings: Array.from({ length: 300 }, (_, i) => ({ exchange: `x${i % 50}`, queue: `q${i}`, key: `k.${i}` })),
    };
    const started = Date.now();
    const { nodes, width, height } = layoutTopology(big);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(nodes).toHaveLength(350);
    const overlaps = (a: (typeof nodes)[number], b: (typeof nodes)[number]) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    let overlapping = 0;
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) if (overlaps(nodes[i]!, nodes[j]!)) overlapping++;
    expect(overlapping).toBe(0);
    // Packed into a screen-like shape, not one column thousands of pixels tall.
    expect(width / height).toBeGreaterThan(0.5);
    expect(width / height).toBeLessThan(4);
    // Each exchange still sits left of its own queues.
    const x = (name: string) => nodes.find((n) => n.name === name)!.x;
    expect(x('x7')).toBeLessThan(x('q7'));
  });

  it('starts at the top-left with the first exchange, lone queues after the exchanges', () => {
    const { nodes } = layoutTopology({
      exchanges: [{ name: 'payments', type: 'topic', publishRate: 0 }, { name: 'audit', type: 'fanout', publishRate: 0 }],
      queues: [queue('amq.reply.a', false), queue('ledger', false), queue('archive', false)],
      bindings: [
        { exchange: 'payments', queue: 'ledger', key: 'payment.#' },
        { exchange: 'audit', queue: 'archive', key: '' },
      ],
    });
    const at = (name: string) => nodes.find((n) => n.name === name)!;
    const topLeft = [...nodes].sort((a, b) => a.x - b.x || a.y - b.y)[0]!;
    expect(topLeft.name).toBe('audit');
    expect(at('audit').y).toBeLessThan(at('payments').y);
    expect(at('payments').y).toBeLessThan(at('amq.reply.a').y);
  });

  it('lays out the same structure the same way whatever the order', () => {
    const a = layoutTopology(orders);
    const b = layoutTopology({ ...orders, queues: [...orders.queues].reverse(), bindings: [...orders.bindings].reverse() });
    const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(b)).toEqual(pos(a));
  });
});

type Rect = { x: number; y: number; width: number; height: number };
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('edge labels', () => {
  it('gives every label a box of its own: none under a node, none on another label', () => {
    const { nodes, edges } = layoutTopology(fortyNodes());
    expect(nodes.length).toBeGreaterThanOrEqual(40);
    const labels = edges.map((e) => e.labelBox!);
    expect(labels.every(Boolean)).toBe(true);
    const underNodes = labels.flatMap((l) => nodes.filter((n) => overlaps(l, n)).map((n) => `${l.lines[0]} under ${n.name}`));
    expect(underNodes).toEqual([]);
    let onEachOther = 0;
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) if (overlaps(labels[i]!, labels[j]!)) onEachOther++;
    expect(onEachOther).toBe(0);
  });

  it('keeps labels clear of nodes at 350 nodes too', () => {
    const big: TopologyInput = {
      exchanges: Array.from({ length: 50 }, (_, i) => ({ name: `x${i}`, type: 'topic', publishRate: 0 })),
      queues: Array.from({ length: 300 }, (_, i) => queue(`q${i}`, false)),
      bindings: Array.from({ length: 300 }, (_, i) => ({ exchange: `x${i % 50}`, queue: `q${i}`, key: `k.${'long.'.repeat(i % 7)}${i}` })),
    };
    const { nodes, edges } = layoutTopology(big);
    const hits = edges.filter((e) => nodes.some((n) => overlaps(e.labelBox!, n)));
    expect(hits).toEqual([]);
  });

  it('runs each edge through its label, and puts the label between its two nodes', () => {
    const { nodes, edges } = layoutTopology(fortyNodes());
    const node = (id: string) => nodes.find((n) => n.id === id)!;
    for (const e of edges.filter((e) => e.kind === 'binding')) {
      const box = e.labelBox!;
      // In at the box's left side, out at its right, level with its middle.
      const i = e.waypoints.findIndex((p) => p.x === box.x);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(e.waypoints[i + 1]).toEqual({ x: box.x + box.width, y: e.waypoints[i]!.y });
      expect(Math.abs(e.waypoints[i]!.y - (box.y + box.height / 2))).toBeLessThanOrEqual(1);
      expect(box.x).toBeGreaterThanOrEqual(node(e.source).x + node(e.source).width);
      expect(box.x + box.width).toBeLessThanOrEqual(node(e.target).x);
    }
  });

  it('writes one key a line, and shortens many keys', () => {
    const { edges } = layoutTopology(fortyNodes());
    expect(edges.find((e) => e.id === 'b:orders→orders-worker-4')!.labelBox!.lines).toEqual(['orders.event-4.*', 'order.created', '+3 more']);
    expect(edges.find((e) => e.id === 'b:billing→billing-worker-1')!.labelBox!.lines).toEqual(['billing.event-1.*', 'all(region=eu, kind=invoice)']);
    expect(edges.find((e) => e.id === 'b:events→audit-worker-0')!.labelBox!.lines).toEqual(['security.login.failed.because-o…']);
  });

  it('stays inside the reported size', () => {
    const { edges, width, height } = layoutTopology(fortyNodes());
    for (const e of edges) {
      expect(e.labelBox!.x).toBeGreaterThanOrEqual(0);
      expect(e.labelBox!.y).toBeGreaterThanOrEqual(0);
      expect(e.labelBox!.x + e.labelBox!.width).toBeLessThanOrEqual(width);
      expect(e.labelBox!.y + e.labelBox!.height).toBeLessThanOrEqual(height);
    }
  });
});

describe('structureKey and depthLevel', () => {
  it('ignores depth changes', () => {
    const busy = { ...orders, queues: orders.queues.map((q) => ({ ...q, ready: 99 })) };
    expect(structureKey(busy)).toBe(structureKey(orders));
  });

  it('bands depth', () => {
    expect(depthLevel(0, 10)).toBe('empty');
    expect(depthLevel(5, 1000)).toBe('low');
    expect(depthLevel(600, 1000)).toBe('high');
  });
});
