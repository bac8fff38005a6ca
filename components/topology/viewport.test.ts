import { describe, expect, it } from 'vitest';
import { layoutTopology, type GraphNode } from './graph-layout';
import { fanOut, fortyNodes, queue } from './topology-fixtures';
import { CONTROLS_BOX, LEGIBLE_ZOOM, MAX_FIT_ZOOM, initialViewport, type Viewport } from './viewport';

/** The topology box at 1440×900 (about 1064×558), and a laptop-sized one. */
const boxes = [
  { width: 1064, height: 558 },
  { width: 900, height: 420 },
];

/** Where a node lands on screen. */
const onScreen = (n: GraphNode, v: Viewport) => ({ x: v.x + n.x * v.zoom, y: v.y + n.y * v.zoom, width: n.width * v.zoom, height: n.height * v.zoom });
const inside = (r: { x: number; y: number; width: number; height: number }, box: { width: number; height: number }) =>
  r.x >= 0 && r.y >= 0 && r.x + r.width <= box.width && r.y + r.height <= box.height;

describe('initialViewport', () => {
  it('fits a small graph whole, as fitView did, without blowing it up', () => {
    const layout = layoutTopology({
      exchanges: [{ name: 'orders', type: 'topic', publishRate: 0 }],
      queues: ['inventory', 'inventory.dlq', 'shipping', 'shipping.dlq'].map((n) => queue(n)),
      bindings: [
        { exchange: 'orders', queue: 'inventory', key: 'order.*' },
        { exchange: 'orders', queue: 'shipping', key: 'order.completed' },
      ],
    });
    for (const box of boxes) {
      const v = initialViewport(layout, box);
      expect(v.whole).toBe(true);
      expect(v.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
      expect(v.zoom).toBeLessThanOrEqual(MAX_FIT_ZOOM);
      for (const n of layout.nodes) expect(inside(onScreen(n, v), box)).toBe(true);
    }
  });

  it('opens a 40-node graph at a readable zoom at its top-left, the first exchange in view', () => {
    const layout = layoutTopology(fortyNodes());
    expect(layout.nodes.length).toBeGreaterThanOrEqual(40);
    for (const box of boxes) {
      const v = initialViewport(layout, box);
      expect(v.whole).toBe(false);
      expect(v.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
      const first = layout.nodes.filter((n) => n.kind === 'exchange').sort((a, b) => a.x - b.x || a.y - b.y)[0]!;
      expect(inside(onScreen(first, v), box)).toBe(true);
      // The leftmost column starts at the box's left edge, not somewhere in the middle.
      const left = Math.min(...layout.nodes.map((n) => onScreen(n, v).x));
      expect(left).toBeGreaterThan(CONTROLS_BOX.width);
      expect(left).toBeLessThan(CONTROLS_BOX.width + 40);
    }
  });

  it('scrolls down to an exchange that sits in the middle of a tall fan of queues', () => {
    const layout = layoutTopology(fanOut(30));
    const exchange = layout.nodes.find((n) => n.kind === 'exchange')!;
    for (const box of boxes) {
      const v = initialViewport(layout, box);
      expect(v.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
      expect(inside(onScreen(exchange, v), box)).toBe(true);
      // Never past the graph's top: no empty band above it.
      expect(v.y).toBeLessThanOrEqual(24);
    }
  });

  it('leaves the zoom buttons (bottom-left) clear of every node, small graph or big', () => {
    const small = layoutTopology({ exchanges: [{ name: 'orders', type: 'topic', publishRate: 0 }], queues: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => queue(n)), bindings: [] });
    for (const layout of [small, layoutTopology(fortyNodes()), layoutTopology(fanOut(30))]) {
      for (const box of [...boxes, { width: 340, height: 522 }]) {
        const v = initialViewport(layout, box);
        const controls = { x: 0, y: box.height - CONTROLS_BOX.height, width: CONTROLS_BOX.width, height: CONTROLS_BOX.height };
        for (const n of layout.nodes) {
          const r = onScreen(n, v);
          const overlaps = r.x < controls.x + controls.width && r.x + r.width > controls.x && r.y < controls.y + controls.height && r.y + r.height > controls.y;
          expect(overlaps, `${n.name} under the controls in ${box.width}×${box.height}`).toBe(false);
        }
      }
    }
  });
});
