import { routePath, type LinkRoute, type Point } from './timeline-links';

/**
 * Arrowheads that end at the edge of the step they point to, not under its dot or on its label.
 * timeline.ts gives each link's route ending at the dot's centre; the end is cut back so the tip
 * of a separately drawn head touches the dot's edge. The head is drawn above the steps' labels,
 * and a label that an arrow comes down onto moves up a row when that row is free.
 * Pure geometry, tested in timeline-arrows.test.ts.
 */

/** A route's segment with its start: a line, or a cubic curve when it has control points. */
type Seg = { from: Point; c1?: Point; c2?: Point; to: Point };

/** Length of a head along the link, and its half width, in px. */
export const HEAD_LENGTH = 8;
export const HEAD_HALF_WIDTH = 4;
/** Room between the tip and the dot's edge. */
const TIP_GAP = 1;

/** The route's segments, each with the point it starts from. */
export function segmentsOf(r: LinkRoute): Seg[] {
  let at = r.from;
  return r.segments.map((s) => {
    const seg = { from: at, ...s };
    at = s.to;
    return seg;
  });
}

const lerp = (a: Point, b: Point, t: number): Point => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });

export function pointAt(s: Seg, t: number): Point {
  if (!s.c1 || !s.c2) return lerp(s.from, s.to, t);
  const [a, b, c] = [lerp(s.from, s.c1, t), lerp(s.c1, s.c2, t), lerp(s.c2, s.to, t)];
  return lerp(lerp(a, b, t), lerp(b, c, t), t);
}

/** The segment from its start up to parameter t (de Casteljau for a curve). */
function cut(s: Seg, t: number): Seg {
  if (!s.c1 || !s.c2) return { from: s.from, to: lerp(s.from, s.to, t) };
  const [a, b, c] = [lerp(s.from, s.c1, t), lerp(s.c1, s.c2, t), lerp(s.c2, s.to, t)];
  const [ab, bc] = [lerp(a, b, t), lerp(b, c, t)];
  return { from: s.from, c1: a, c2: ab, to: lerp(ab, bc, t) };
}

const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** The last t at which the segment is `d` away from `p` (searching back from its end, where it is nearer). */
function tAtDistance(s: Seg, p: Point, d: number, hi = 1): number {
  let lo = 0;
  if (dist(pointAt(s, lo), p) < d) return 0;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (dist(pointAt(s, mid), p) > d) lo = mid;
    else hi = mid;
  }
  return lo;
}

const round = (p: Point): Point => ({ x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 });
/** The segments back as a route (to a tenth of a pixel: the SVG path stays short). */
const routeOf = (segs: Seg[]): LinkRoute => ({
  from: round(segs[0]!.from),
  segments: segs.map((s) => (s.c1 && s.c2 ? { c1: round(s.c1), c2: round(s.c2), to: round(s.to) } : { to: round(s.to) })),
});

export interface ArrowedLink {
  /** The route, ending at the head's base, and the same as an SVG path. */
  route: LinkRoute;
  path: string;
  /** The head, as an SVG polygon's points: tip first. */
  head: string;
  tip: Point;
  /** Unit vector along the link at the tip. */
  direction: Point;
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

/** Cuts a link's route (ending at the centre of a dot of radius `r`) so its head's tip touches the dot's edge. */
export function arrowTo(route: LinkRoute, r: number): ArrowedLink {
  const segs = segmentsOf(route);
  const last = segs[segs.length - 1];
  if (!last) return { route, path: routePath(route), head: '', tip: { x: 0, y: 0 }, direction: { x: 1, y: 0 } };
  const centre = last.to;
  const tTip = tAtDistance(last, centre, r + TIP_GAP);
  const tip = pointAt(last, tTip);
  const tBase = tAtDistance(last, tip, HEAD_LENGTH, tTip);
  const base = pointAt(last, tBase);
  const len = dist(tip, base) || 1;
  const direction = { x: (tip.x - base.x) / len, y: (tip.y - base.y) / len };
  // The head's base, a full head length behind the tip along the arrival direction.
  const b = { x: tip.x - direction.x * HEAD_LENGTH, y: tip.y - direction.y * HEAD_LENGTH };
  const n = { x: -direction.y * HEAD_HALF_WIDTH, y: direction.x * HEAD_HALF_WIDTH };
  const head = [tip, { x: b.x + n.x, y: b.y + n.y }, { x: b.x - n.x, y: b.y - n.y }].map((p) => `${fmt(p.x)},${fmt(p.y)}`).join(' ');
  const cutRoute = routeOf([...segs.slice(0, -1), cut(last, tBase)]);
  return { route: cutRoute, path: routePath(cutRoute), head, tip, direction };
}

/** Whether an arrow comes down onto its dot from above (through where the dot's label is written). */
export const comesFromAbove = (a: Pick<ArrowedLink, 'direction'>) => a.direction.y > 0.5;
