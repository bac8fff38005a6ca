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

/** React Flow's MiniMap: 200×150 at the bottom-right, in a panel 15px from the edges. */
export const MINIMAP_BOX = { width: 200 + 15, height: 150 + 15 } as const;

export interface FitPadding {
  top: `${number}px`;
  right: `${number}px`;
  bottom: `${number}px`;
  left: `${number}px`;
}

const px = (n: number): `${number}px` => `${Math.round(n)}px`;

/**
 * The padding "fit view" (the Controls' button) leaves around the graph, in screen pixels: no
 * node may end up under the zoom buttons (bottom-left) or, when it is shown, the minimap
 * (bottom-right). Fitting into a box whose right strip or bottom strip is kept clear of the
 * minimap both work; this takes whichever leaves the graph bigger (a wide graph keeps its
 * width and gives up the bottom, a tall one the other way round).
 */
export function fitViewPadding(
  layout: Pick<GraphLayout, 'nodes'>,
  box: { width: number; height: number },
  minimap: boolean,
): FitPadding {
  const clearControls = { top: px(PAD), right: px(PAD), bottom: px(PAD), left: px(LEFT) };
  if (!minimap || layout.nodes.length === 0) return clearControls;
  const minX = Math.min(...layout.nodes.map((n) => n.x));
  const minY = Math.min(...layout.nodes.map((n) => n.y));
  const w = Math.max(...layout.nodes.map((n) => n.x + n.width)) - minX || 1;
  const h = Math.max(...layout.nodes.map((n) => n.y + n.height)) - minY || 1;
  const right = MINIMAP_BOX.width + PAD / 2;
  const bottom = MINIMAP_BOX.height + PAD / 2;
  // Beside the minimap: the whole height, less its width (and the controls' on the left).
  const besideZoom = Math.min((box.width - LEFT - right) / w, (box.height - 2 * PAD) / h);
  // Above it: the whole width, less its height (the controls sit in that bottom strip too).
  const aboveZoom = Math.min((box.width - 2 * PAD) / w, (box.height - PAD - bottom) / h);
  return besideZoom >= aboveZoom
    ? { top: px(PAD), right: px(right), bottom: px(PAD), left: px(LEFT) }
    : { top: px(PAD), right: px(PAD), bottom: px(bottom), left: px(PAD) };
}
