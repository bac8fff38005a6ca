import type { GraphLayout } from './graph-layout';

/**
 * Where the topology opens. A graph that fits the box at a readable zoom is shown whole, centred,
 * as before. A bigger one is not shrunk to fit (at 40 nodes names become unreadably small): it
 * opens at the smallest readable zoom at its top-left, where the first exchange's part is, moved
 * down if needed so that exchange is in view; the minimap and the controls reach the rest.
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

export function initialViewport(
  layout: Pick<GraphLayout, 'nodes' | 'width' | 'height'>,
  box: { width: number; height: number },
): Viewport & { whole: boolean } {
  const fit = Math.min((box.width - 2 * PAD) / layout.width, (box.height - 2 * PAD) / layout.height, MAX_FIT_ZOOM);
  if (fit >= LEGIBLE_ZOOM || layout.nodes.length === 0) {
    const zoom = Math.max(fit, 0.05);
    return { x: (box.width - layout.width * zoom) / 2, y: (box.height - layout.height * zoom) / 2, zoom, whole: true };
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
  return { x: PAD - minX * zoom, y: PAD - top * zoom, zoom, whole: false };
}
