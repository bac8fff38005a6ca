import { getViewportForBounds } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { layoutTopology, type GraphLayout } from './graph-layout';
import { fanOut, manyParts } from './topology-fixtures';
import { CONTROLS_BOX, MAX_FIT_ZOOM, MINIMAP_BOX, fitViewPadding, initialViewport } from './viewport';

/** The topology box at 1400×900 (about 1080×567), and a laptop-sized one. */
const boxes = [
  { width: 1080, height: 567 },
  { width: 900, height: 420 },
];

type Rect = { x: number; y: number; width: number; height: number };
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** What React Flow's fit view does with these options (the same function it calls), and where each node lands. */
function fitted(layout: GraphLayout, box: { width: number; height: number }, minimap: boolean) {
  const minX = Math.min(...layout.nodes.map((n) => n.x));
  const minY = Math.min(...layout.nodes.map((n) => n.y));
  const bounds = {
    x: minX,
    y: minY,
    width: Math.max(...layout.nodes.map((n) => n.x + n.width)) - minX,
    height: Math.max(...layout.nodes.map((n) => n.y + n.height)) - minY,
  };
  const v = getViewportForBounds(bounds, box.width, box.height, 0.05, MAX_FIT_ZOOM, fitViewPadding(layout, box, minimap));
  return { v, rects: layout.nodes.map((n) => ({ x: v.x + n.x * v.zoom, y: v.y + n.y * v.zoom, width: n.width * v.zoom, height: n.height * v.zoom })) };
}

describe('fitViewPadding', () => {
  for (const [name, input] of [
    ['about 100 nodes in parts side by side', manyParts(8, 6)],
    ['a tall fan-out of 30 queues', fanOut(30)],
  ] as const) {
    it(`keeps every node of ${name} clear of the minimap and the zoom buttons after fit view`, () => {
      const layout = layoutTopology(input);
      for (const box of boxes) {
        // The minimap is shown because the graph does not open whole.
        expect(initialViewport(layout, box).whole).toBe(false);
        const { rects } = fitted(layout, box, true);
        const minimap = { x: box.width - MINIMAP_BOX.width, y: box.height - MINIMAP_BOX.height, width: MINIMAP_BOX.width, height: MINIMAP_BOX.height };
        const controls = { x: 0, y: box.height - CONTROLS_BOX.height, width: CONTROLS_BOX.width, height: CONTROLS_BOX.height };
        for (const r of rects) {
          expect(overlaps(r, minimap)).toBe(false);
          expect(overlaps(r, controls)).toBe(false);
          expect(r.x).toBeGreaterThanOrEqual(0);
          expect(r.y).toBeGreaterThanOrEqual(0);
          expect(r.x + r.width).toBeLessThanOrEqual(box.width);
          expect(r.y + r.height).toBeLessThanOrEqual(box.height);
        }
      }
    });
  }

  it('gives up the side that costs the graph least: the bottom for a wide graph, the right for a tall one', () => {
    const wide = layoutTopology(manyParts(8, 2));
    const tall = layoutTopology(fanOut(30));
    const box = boxes[0]!;
    expect(fitViewPadding(wide, box, true).bottom).toBe(`${MINIMAP_BOX.height + 12}px`);
    expect(fitViewPadding(tall, box, true).right).toBe(`${MINIMAP_BOX.width + 12}px`);
  });

  it('only keeps clear of the zoom buttons when there is no minimap', () => {
    const layout = layoutTopology(manyParts(8, 6));
    expect(fitViewPadding(layout, boxes[0]!, false)).toEqual({ top: '24px', right: '24px', bottom: '24px', left: '48px' });
  });
});
