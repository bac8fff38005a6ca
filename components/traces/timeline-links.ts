/**
 * The routes of the timeline's links between lanes. The plain S-curve turns halfway between its
 * ends, which can be right where another lane has a step: the curve then runs through that dot
 * and seems to link it. A link keeps clear of every dot but its own two ends: the S-curve when it
 * is clear, else an S-curve that turns in another gap between columns, else a path along the
 * empty corridors between lanes and between columns (no dot ever sits there), corners rounded.
 * Pure geometry, tested in timeline-links.test.ts.
 */

export interface Point {
  x: number;
  y: number;
}

/** A dot to keep away from: its centre and radius. */
export interface Obstacle extends Point {
  r: number;
}

/** A straight line to `to`, or a cubic curve when it has control points. */
export interface Segment {
  to: Point;
  c1?: Point;
  c2?: Point;
}

export interface LinkRoute {
  from: Point;
  segments: Segment[];
}

/** Where the dots can be: lane centres and column centres of the timeline (timeline.ts). */
export interface RouteGrid {
  columnWidth: number;
  laneHeight: number;
  /** x of the first column's left edge. */
  gutter: number;
  columns: number;
  lanes: number;
}

/** Space kept between a link and a dot's edge: room for the arrowhead that sits just before a dot, too. */
export const LINK_MARGIN = 12;
/** How far a link between two steps of one column bows out to the side. */
const SAME_COLUMN_BEND = 28;
/** Radius of a corner of a corridor route. */
const CORNER = 16;

/** The plain S-curve, turning at `turnX` (halfway between the ends, or beside a shared column). */
export function sCurve(from: Point, to: Point, turnX = from.x === to.x ? from.x + SAME_COLUMN_BEND : (from.x + to.x) / 2): LinkRoute {
  if (from.y === to.y) return { from, segments: [{ to }] };
  return { from, segments: [{ c1: { x: turnX, y: from.y }, c2: { x: turnX, y: to.y }, to }] };
}

/** The route as an SVG path. */
export function routePath(r: LinkRoute): string {
  const parts = [`M ${r.from.x} ${r.from.y}`];
  for (const s of r.segments) {
    parts.push(s.c1 && s.c2 ? `C ${s.c1.x} ${s.c1.y}, ${s.c2.x} ${s.c2.y}, ${s.to.x} ${s.to.y}` : `L ${s.to.x} ${s.to.y}`);
  }
  return parts.join(' ');
}

/** Points along the route, `steps` per segment, ends included. */
export function sampleRoute(r: LinkRoute, steps = 32): Point[] {
  const points: Point[] = [r.from];
  let at = r.from;
  for (const s of r.segments) {
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      if (s.c1 && s.c2) {
        const u = 1 - t;
        const [a, b, c, d] = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
        points.push({ x: a * at.x + b * s.c1.x + c * s.c2.x + d * s.to.x, y: a * at.y + b * s.c1.y + c * s.c2.y + d * s.to.y });
      } else {
        points.push({ x: at.x + (s.to.x - at.x) * t, y: at.y + (s.to.y - at.y) * t });
      }
    }
    at = s.to;
  }
  return points;
}

/** The closest the route comes to the edge of any obstacle (negative: it runs through one). */
export function clearance(r: LinkRoute, obstacles: Obstacle[]): number {
  if (obstacles.length === 0) return Infinity;
  const points = sampleRoute(r);
  let least = Infinity;
  for (const o of obstacles) {
    for (const p of points) least = Math.min(least, Math.hypot(p.x - o.x, p.y - o.y) - o.r);
  }
  return least;
}

/**
 * The route of a link from one step to another, clear of `obstacles` (every other dot) by
 * `margin` when it can be: within a lane a straight line (the lane is the step's own track);
 * between lanes the plain S-curve, else the S-curve turning in the nearest gap that is clear,
 * else a path along the corridors.
 */
export function routeLink(from: Point, to: Point, obstacles: Obstacle[], grid: RouteGrid, margin = LINK_MARGIN): LinkRoute {
  const plain = sCurve(from, to);
  if (from.y === to.y) return plain;
  const near = obstacles.filter((o) => nearBox(o, from, to, grid));
  if (clearance(plain, near) >= margin) return plain;
  let best = { route: plain, clear: clearance(plain, near) };
  for (const x of turnCandidates(from, to, grid)) {
    const route = sCurve(from, to, x);
    const clear = clearance(route, near);
    if (clear >= margin) return route;
    if (clear > best.clear) best = { route, clear };
  }
  const corridor = corridorRoute(from, to, obstacles, grid);
  if (corridor) {
    const clear = clearance(corridor, near);
    if (clear >= margin || clear > best.clear) return corridor;
  }
  return best.route;
}

/** Only dots near the link's box can be touched by an S-curve (they bow at most a column aside). */
function nearBox(o: Obstacle, from: Point, to: Point, g: RouteGrid): boolean {
  const pad = g.columnWidth;
  return (
    o.x >= Math.min(from.x, to.x) - pad && o.x <= Math.max(from.x, to.x) + pad && o.y >= Math.min(from.y, to.y) - g.laneHeight && o.y <= Math.max(from.y, to.y) + g.laneHeight
  );
}

/** Where else an S-curve can turn: the gaps between columns and the column centres on its way, nearest the middle first. */
function turnCandidates(from: Point, to: Point, g: RouteGrid): number[] {
  const half = g.columnWidth / 2;
  const [lo, hi] = from.x === to.x ? [from.x - half, from.x + half] : [Math.min(from.x, to.x), Math.max(from.x, to.x)];
  const middle = from.x === to.x ? from.x + SAME_COLUMN_BEND : (from.x + to.x) / 2;
  const xs: number[] = [];
  for (let i = Math.ceil((lo - g.gutter) / half); g.gutter + i * half <= hi; i++) {
    const x = g.gutter + i * half;
    if (x !== from.x && x !== to.x && x !== middle) xs.push(x);
  }
  if (from.x === to.x) xs.push(from.x - SAME_COLUMN_BEND);
  return xs.sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle) || b - a);
}

type Node = { i: number; j: number };
const DIRECTIONS = [
  { di: 1, dj: 0 },
  { di: -1, dj: 0 },
  { di: 0, dj: 1 },
  { di: 0, dj: -1 },
];

/**
 * A path along the grid of half columns and half lanes (shortest, fewest turns): dots sit only
 * on lane centre × column centre nodes, so a path that avoids those nodes keeps at least half a
 * lane or half a column from every dot. Runs through a centre line cost more than runs along
 * the empty edges between lanes and columns, where no label is written either.
 */
export function corridorRoute(from: Point, to: Point, obstacles: Obstacle[], g: RouteGrid): LinkRoute | null {
  const hx = g.columnWidth / 2;
  const hy = g.laneHeight / 2;
  const toNode = (p: Point): Node => ({ i: Math.round((p.x - g.gutter) / hx), j: Math.round(p.y / hy) });
  const toPoint = (n: Node): Point => ({ x: g.gutter + n.i * hx, y: n.j * hy });
  const start = toNode(from);
  const goal = toNode(to);
  const id = (i: number, j: number) => `${i},${j}`;
  const blocked = new Set(obstacles.map((o) => toNode(o)).map((n) => id(n.i, n.j)));
  blocked.delete(id(start.i, start.j));
  blocked.delete(id(goal.i, goal.j));
  const box = {
    i0: Math.max(0, Math.min(start.i, goal.i) - 2),
    i1: Math.min(2 * g.columns, Math.max(start.i, goal.i) + 2),
    j0: Math.max(0, Math.min(start.j, goal.j) - 2),
    j1: Math.min(2 * g.lanes, Math.max(start.j, goal.j) + 2),
  };
  const TURN = Math.min(hx, hy);
  // Dijkstra over (node, heading), within the box around the two ends.
  type State = { i: number; j: number; d: number; cost: number; prev: State | null };
  const best = new Map<string, number>();
  const open = new Heap<State>((a, b) => a.cost - b.cost);
  open.push({ ...start, d: -1, cost: 0, prev: null });
  let found: State | null = null;
  while (open.size > 0) {
    const s = open.pop()!;
    if (s.i === goal.i && s.j === goal.j) {
      found = s;
      break;
    }
    const key = `${s.i},${s.j},${s.d}`;
    if ((best.get(key) ?? Infinity) < s.cost) continue;
    DIRECTIONS.forEach((dir, d) => {
      const i = s.i + dir.di;
      const j = s.j + dir.dj;
      if (i < box.i0 || i > box.i1 || j < box.j0 || j > box.j1 || blocked.has(id(i, j))) return;
      if (s.d >= 0 && DIRECTIONS[s.d]!.di === -dir.di && DIRECTIONS[s.d]!.dj === -dir.dj) return;
      const length = dir.di ? hx : hy;
      // Along a lane's centre line (odd j) or down a column's centre (odd i): past labels and other steps' links.
      const onCentre = dir.di ? j % 2 === 1 : i % 2 === 1;
      const cost = s.cost + length * (onCentre ? 1.5 : 1) + (s.d >= 0 && s.d !== d ? TURN : 0);
      const next = `${i},${j},${d}`;
      if ((best.get(next) ?? Infinity) <= cost) return;
      best.set(next, cost);
      open.push({ i, j, d, cost, prev: s });
    });
  }
  if (!found) return null;
  const nodes: Node[] = [];
  for (let s: State | null = found; s; s = s.prev) nodes.unshift({ i: s.i, j: s.j });
  const points = nodes.map(toPoint);
  points[0] = from;
  points[points.length - 1] = to;
  return roundCorners(turns(points));
}

/** Only the points where the path turns (and its ends). */
function turns(points: Point[]): Point[] {
  return points.filter((p, k) => {
    if (k === 0 || k === points.length - 1) return true;
    const a = points[k - 1]!;
    const b = points[k + 1]!;
    return (p.x - a.x) * (b.y - p.y) !== (p.y - a.y) * (b.x - p.x);
  });
}

/** Straight runs joined by rounded corners (a quarter curve of radius up to CORNER, never more than half a run). */
function roundCorners(points: Point[]): LinkRoute {
  const segments: Segment[] = [];
  for (let k = 1; k < points.length - 1; k++) {
    const [a, p, b] = [points[k - 1]!, points[k]!, points[k + 1]!];
    const inLen = Math.hypot(p.x - a.x, p.y - a.y);
    const outLen = Math.hypot(b.x - p.x, b.y - p.y);
    const r = Math.min(CORNER, inLen / 2, outLen / 2);
    const enter = { x: p.x - ((p.x - a.x) / inLen) * r, y: p.y - ((p.y - a.y) / inLen) * r };
    const leave = { x: p.x + ((b.x - p.x) / outLen) * r, y: p.y + ((b.y - p.y) / outLen) * r };
    segments.push({ to: enter });
    segments.push({
      c1: { x: enter.x + ((p.x - enter.x) * 2) / 3, y: enter.y + ((p.y - enter.y) * 2) / 3 },
      c2: { x: leave.x + ((p.x - leave.x) * 2) / 3, y: leave.y + ((p.y - leave.y) * 2) / 3 },
      to: leave,
    });
  }
  segments.push({ to: points[points.length - 1]! });
  return { from: points[0]!, segments };
}

/** A binary min-heap: the open set of the corridor search. */
class Heap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size() {
    return this.items.length;
  }
  push(item: T) {
    const a = this.items;
    a.push(item);
    for (let k = a.length - 1; k > 0; ) {
      const up = (k - 1) >> 1;
      if (this.less(a[k]!, a[up]!) >= 0) break;
      [a[k], a[up]] = [a[up]!, a[k]!];
      k = up;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === k) break;
        [a[k], a[m]] = [a[m]!, a[k]!];
        k = m;
      }
    }
    return top;
  }
}
