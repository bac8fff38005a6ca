export interface DepthSampleView {
  at: string;
  ready: number;
  inFlight: number;
  delayed: number;
}

export interface DepthPoint {
  /** Epoch milliseconds (the chart's x axis is numeric time). */
  t: number;
  ready: number;
  inFlight: number;
  delayed: number;
}

/** The depth chart's windows; `key` is how the URL names one (`?range=6h`). */
export const DEPTH_RANGES = [
  { key: '15m', minutes: 15, label: '15 min' },
  { key: '1h', minutes: 60, label: '1 hour' },
  { key: '6h', minutes: 6 * 60, label: '6 hours' },
  { key: '24h', minutes: 24 * 60, label: '24 hours' },
] as const;

export type DepthRange = (typeof DEPTH_RANGES)[number];

/** `?range=` → a depth range; absent or anything not a known key is the first (15 minutes). */
export function parseDepthRange(s: string | null | undefined): DepthRange {
  return DEPTH_RANGES.find((r) => r.key === s?.trim().toLowerCase()) ?? DEPTH_RANGES[0];
}

/** A depth range → the value of `?range=`; the default leaves the URL clean (''). */
export const depthRangeParam = (r: DepthRange): string => (r.key === DEPTH_RANGES[0].key ? '' : r.key);

/**
 * Samples → chart points: time-ordered, at most `maxPoints` (each bucket keeps its highest
 * total, so a spike never disappears when zoomed out), and a zero point where sampling stopped
 * for longer than `gapMs` so the chart does not draw a slope across a gap it knows nothing of.
 */
export function depthSeries(samples: DepthSampleView[], o: { maxPoints?: number; gapMs?: number } = {}): DepthPoint[] {
  const maxPoints = o.maxPoints ?? 400;
  const gapMs = o.gapMs ?? 60_000;
  const points = samples
    .map((s) => ({ t: Date.parse(s.at), ready: s.ready, inFlight: s.inFlight, delayed: s.delayed }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const thinned = points.length <= maxPoints ? points : bucketMax(points, maxPoints);
  // Thinned points lie a bucket apart: only a silence of several buckets is a gap.
  const span = points.length > 1 ? points[points.length - 1]!.t - points[0]!.t : 0;
  const gap = Math.max(gapMs, thinned === points ? 0 : (3 * span) / maxPoints);
  const out: DepthPoint[] = [];
  for (const p of thinned) {
    const prev = out[out.length - 1];
    if (prev && p.t - prev.t > gap && total(prev) + total(p) > 0) {
      out.push({ t: prev.t + 1, ready: 0, inFlight: 0, delayed: 0 }, { t: p.t - 1, ready: 0, inFlight: 0, delayed: 0 });
    }
    out.push(p);
  }
  return out;
}

const total = (p: DepthPoint) => p.ready + p.inFlight + p.delayed;

function bucketMax(points: DepthPoint[], buckets: number): DepthPoint[] {
  const first = points[0]!.t;
  const span = points[points.length - 1]!.t - first || 1;
  const best = new Map<number, DepthPoint>();
  for (const p of points) {
    const b = Math.min(buckets - 1, Math.floor(((p.t - first) / span) * buckets));
    const seen = best.get(b);
    if (!seen || total(p) > total(seen)) best.set(b, p);
  }
  return [...best.values()].sort((a, b) => a.t - b.t);
}

/** The chart's series, in the legend's order: the tooltip lists them in this order too. */
export const DEPTH_SERIES = [
  { key: 'ready', label: 'Ready', color: 'var(--chart-1)' },
  { key: 'inFlight', label: 'In flight', color: 'var(--chart-2)' },
  { key: 'delayed', label: 'Delayed', color: 'var(--chart-3)' },
] as const;

/**
 * A tooltip item's place in the legend (Recharts' `itemSorter`): left alone, Recharts sorts the
 * items by name, which put Delayed first and Ready last. Unknown items go after the known ones.
 */
export function depthLegendRank(item: { dataKey?: unknown; name?: unknown }): number {
  const key = item.dataKey ?? item.name;
  const i = DEPTH_SERIES.findIndex((s) => s.key === key);
  return i === -1 ? DEPTH_SERIES.length : i;
}

export type DepthLayerKey = (typeof DEPTH_SERIES)[number]['key'];
export type DepthChartRow = { t: number } & Record<DepthLayerKey, number | null>;

/**
 * The rows the stacked chart draws. The areas are stacked, so a series at 0 lies along the top
 * of the ones under it, and its outline, drawn after theirs, traced the whole stack in its colour:
 * a queue that never had a delayed message looked outlined in "Delayed". A 0 is therefore given
 * as null (Recharts stacks a null as nothing and leaves a gap in that series' own line), except
 * the first 0 after a non-zero sample, which closes the step down. The tooltip shows null as 0.
 */
export function depthChartRows(points: readonly DepthPoint[]): DepthChartRow[] {
  return points.map((p, i) => {
    const prev = points[i - 1];
    const layer = (key: DepthLayerKey) => (p[key] === 0 && !(prev && prev[key] > 0) ? null : p[key]);
    return { t: p.t, ready: layer('ready'), inFlight: layer('inFlight'), delayed: layer('delayed') };
  });
}
