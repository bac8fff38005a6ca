/**
 * What an edge label needs before layout (its size, measured from its text) and how an edge is
 * drawn through the points the layout chose. The size is computed, not measured in the browser,
 * so the layout can leave a gap for every label; the renderer draws the box at exactly that size
 * and ellipsises a line that came out wider than estimated, so the box never grows into a node.
 */

export interface Point {
  x: number;
  y: number;
}

export interface LabelSize {
  lines: string[];
  width: number;
  height: number;
}

/** Monospace 11px (`.topo-edge-label`): about 0.6em a character, rounded up. */
export const LABEL_FONT_PX = 11;
const CHAR_PX = 6.8;
export const LABEL_LINE_PX = 15;
/** Border and padding on each side, as in `.topo-edge-label`. */
const INSET = { x: 6, y: 3 };
const MAX_CHARS = 32;
const MAX_LINES = 3;

/** One binding key a line; a long key is cut with an ellipsis, many keys end in "+n more". */
export function labelSize(keys: string[]): LabelSize | null {
  if (keys.length === 0) return null;
  const shown = keys.length > MAX_LINES ? [...keys.slice(0, MAX_LINES - 1), `+${keys.length - MAX_LINES + 1} more`] : keys;
  const lines = shown.map((k) => (k.length > MAX_CHARS ? `${k.slice(0, MAX_CHARS - 1)}…` : k));
  const chars = Math.max(...lines.map((l) => l.length));
  return { lines, width: Math.ceil(chars * CHAR_PX) + 2 * INSET.x, height: lines.length * LABEL_LINE_PX + 2 * INSET.y };
}

/**
 * An SVG path from the first point to the last through the others, leaving and entering each
 * point horizontally: edges run left to right, and a label sits on a level stretch of its edge.
 */
export function edgePath(points: Point[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let d = `M ${r(first!.x)} ${r(first!.y)}`;
  let p = first!;
  for (const q of rest) {
    // A backward segment (a cycle dagre had to break) still leaves rightwards and enters from the left.
    const k = Math.max(Math.abs(q.x - p.x) / 2, 24);
    d += ` C ${r(p.x + k)} ${r(p.y)}, ${r(q.x - k)} ${r(q.y)}, ${r(q.x)} ${r(q.y)}`;
    p = q;
  }
  return d;
}

const r = (n: number) => Math.round(n * 10) / 10;
