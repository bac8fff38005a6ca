import { describe, expect, it } from 'vitest';
import { depthLevel, layoutTopology, structureKey, topologyGraph, type TopologyInput } from './graph-layout';

const queue = (name: string, deadLetter: false | { exchange?: string } = name.endsWith('.dlq') ? false : {}) => ({
  name, ready: 0, inFlight: 0, delayed: 0, consumers: 0, settings: { deadLetter },
});

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

  it('lays out the same structure the same way whatever the order', () => {
    const a = layoutTopology(orders);
    const b = layoutTopology({ ...orders, queues: [...orders.queues].reverse(), bindings: [...orders.bindings].reverse() });
    const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(b)).toEqual(pos(a));
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
