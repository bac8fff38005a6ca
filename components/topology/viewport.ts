import type { GraphLayout } from './graph-layout';

/**
 * Where the topology opens. A graph that fits the box at a readable zoom is shown whole, centred,
 * as before. A bigger one is not shrunk to fit (at 40 nodes names become unreadably small): it
 * opens at the smallest readable zoom at its top-left, where the first exchange's part is, moved
 * down if needed so that exchange is in view; the minimap and the controls reach the rest.
 * Either way no node starts under the zoom buttons (bottom-left): a whole graph they would cover
 * is centred right of them, and a big one starts right of them.
 */

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Node names are 12px and binding keys 11px: below this they stop being readable. */
export const LEGIBLE_ZOOM = 0.8;
/** A two-node graph is not blown up past this. */
export const MAX_FIT_ZOOM = 1.1;
/** Room between the graph and the box's edges, in screen pixels. */
const PAD = 24;
/**
 * The zoom buttons (React Flow's Controls, bottom-left: 15px margin, 26px buttons, 3 of them, about 43×95 px)
 * take this much of the box's bottom-left corner.
 */
export const CONTROLS_BOX = { width: 46, height: 110 } as const;
const LEFT = CONTROLS_BOX.width + 2;

export function initialViewport(
  layout: Pick<GraphLayout, 'nodes' | 'width' | 'height'>,
  box: { width: number; height: number },
): Viewport & { whole: boolean } {
  if (layout.nodes.length === 0) return { x: box.width / 2, y: box.height / 2, zoom: 1, whole: true };
  const fit = Math.min((box.width - 2 * PAD) / layout.width, (box.height - 2 * PAD) / layout.height, MAX_FIT_ZOOM);
  if (fit >= LEGIBLE_ZOOM) {
    const centred = { x: (box.width - layout.width * fit) / 2, y: (box.height - layout.height * fit) / 2, zoom: fit, whole: true };
    if (!coversNode(layout.nodes, centred, box)) return centred;
    // Centred in the part of the box right of the controls instead, a little smaller if need be.
    const room = box.width - LEFT - PAD;
    const zoom = Math.min(fit, room / layout.width);
    if (zoom >= LEGIBLE_ZOOM) return { x: LEFT + (room - layout.width * zoom) / 2, y: (box.height - layout.height * zoom) / 2, zoom, whole: true };
  }
  const zoom = LEGIBLE_ZOOM;
  const minX = Math.min(...layout.nodes.map((n) => n.x));
  const minY = Math.min(...layout.nodes.map((n) => n.y));
  const maxY = Math.max(...layout.nodes.map((n) => n.y + n.height));
  // The layout packs parts with exchanges first, column by column: the first exchange is the
  // leftmost, topmost one.
  const exchanges = layout.nodes.filter((n) => n.kind === 'exchange');
  const first = [...(exchanges.length > 0 ? exchanges : layout.nodes)].sort((a, b) => a.x - b.x || a.y - b.y)[0]!;
  const visible = (box.height - 2 * PAD) / zoom;
  let top = minY;
  // dagre centres an exchange on its queues, so one with 30 queues sits far below the top.
  if (first.y + first.height > top + visible) top = Math.min(first.y + first.height / 2 - visible / 2, maxY - visible);
  return { x: LEFT - minX * zoom, y: PAD - top * zoom, zoom, whole: false };
}

/** Whether the zoom buttons, in the box's bottom-left corner, would sit on a node. */
function coversNode(nodes: GraphLayout['nodes'], v: Viewport, box: { height: number }): boolean {
  return nodes.some((n) => v.x + n.x * v.zoom < CONTROLS_BOX.width && v.y + (n.y + n.height) * v.zoom > box.height - CONTROLS_BOX.height);
}
