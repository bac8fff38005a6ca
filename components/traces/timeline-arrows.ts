/**
 * Arrowheads that end at the edge of the step they point to, not under its dot or on its label.
 * timeline.ts gives each link's path ending at the dot's centre; the end is cut back so the tip
 * of a separately drawn head touches the dot's edge. The head is drawn above the steps' labels,
 * and a label that an arrow comes down onto moves up a row when that row is free.
 * Pure geometry, tested in timeline-arrows.test.ts.
 */

export interface Pt {
  x: number;
  y: number;
}

type Seg = { from: Pt; c1?: Pt; c2?: Pt; to: Pt };

/** Length of a head along the link, and its half width, in px. */
export const HEAD_LENGTH = 8;
export const HEAD_HALF_WIDTH = 4;
/** Room between the tip and the dot's edge. */
const TIP_GAP = 1;

/** The segments of a path made of M, L and C commands (as routePath in timeline-links.ts writes them). */
export function parsePath(d: string): Seg[] {
  const tokens = d.match(/[MLC]|-?\d*\.?\d+(?:e-?\d+)?/gi) ?? [];
  const segs: Seg[] = [];
  let at: Pt = { x: 0, y: 0 };
  let k = 0;
  const num = () => Number(tokens[k++]);
  const pt = () => ({ x: num(), y: num() });
  while (k < tokens.length) {
    const cmd = tokens[k++];
    if (cmd === 'M') at = pt();
    else if (cmd === 'L') segs.push({ from: at, to: (at = pt()) });
    else if (cmd === 'C') {
      const c1 = pt();
      const c2 = pt();
      segs.push({ from: at, c1, c2, to: (at = pt()) });
    } else return segs;
  }
  return segs;
}

const lerp = (a: Pt, b: Pt, t: number): Pt => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });

export function pointAt(s: Seg, t: number): Pt {
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

const dist = (a: Pt, b: Pt) => Math.hypot(a.x - b.x, a.y - b.y);

/** The last t at which the segment is `d` away from `p` (searching back from its end, where it is nearer). */
function tAtDistance(s: Seg, p: Pt, d: number, hi = 1): number {
  let lo = 0;
  if (dist(pointAt(s, lo), p) < d) return 0;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (dist(pointAt(s, mid), p) > d) lo = mid;
    else hi = mid;
  }
  return lo;
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);
const write = (segs: Seg[]) =>
  segs.length === 0
    ? ''
    : [`M ${fmt(segs[0]!.from.x)} ${fmt(segs[0]!.from.y)}`, ...segs.map((s) => (s.c1 && s.c2 ? `C ${fmt(s.c1.x)} ${fmt(s.c1.y)}, ${fmt(s.c2.x)} ${fmt(s.c2.y)}, ${fmt(s.to.x)} ${fmt(s.to.y)}` : `L ${fmt(s.to.x)} ${fmt(s.to.y)}`))].join(' ');

export interface ArrowedLink {
  /** The path, ending at the head's base. */
  path: string;
  /** The head, as an SVG polygon's points: tip first. */
  head: string;
  tip: Pt;
  /** Unit vector along the link at the tip. */
  direction: Pt;
}

/** Cuts a link's path (ending at the centre of a dot of radius `r`) so its head's tip touches the dot's edge. */
export function arrowTo(d: string, r: number): ArrowedLink {
  const segs = parsePath(d);
  const last = segs[segs.length - 1];
  if (!last) return { path: d, head: '', tip: { x: 0, y: 0 }, direction: { x: 1, y: 0 } };
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
  return { path: write([...segs.slice(0, -1), cut(last, tBase)]), head, tip, direction };
}

/** Whether an arrow comes down onto its dot from above (through where the dot's label is written). */
export const comesFromAbove = (a: Pick<ArrowedLink, 'direction'>) => a.direction.y > 0.5;
