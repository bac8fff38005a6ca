import { describe, expect, it } from 'vitest';
import { DEPTH_RANGES, DEPTH_SERIES, depthLegendRank, depthRangeParam, depthSeries, depthChartRows, parseDepthRange } from './depth-series';

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

describe('depthSeries', () => {
  it('orders samples by time and keeps the three states', () => {
    const points = depthSeries([
      { at: at(10), ready: 2, inFlight: 1, delayed: 0 },
      { at: at(5), ready: 1, inFlight: 0, delayed: 3 },
    ]);
    expect(points.map((p) => p.ready)).toEqual([1, 2]);
    expect(points[0]).toMatchObject({ delayed: 3 });
  });

  it('thins to at most maxPoints and keeps the spike', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => ({ at: at(i), ready: i === 500 ? 99 : 1, inFlight: 0, delayed: 0 }));
    const points = depthSeries(samples, { maxPoints: 50, gapMs: 10_000 });
    expect(points.length).toBeLessThanOrEqual(50);
    expect(Math.max(...points.map((p) => p.ready))).toBe(99);
  });

  it('drops to zero across a gap in sampling', () => {
    const points = depthSeries(
      [
        { at: at(0), ready: 5, inFlight: 0, delayed: 0 },
        { at: at(300), ready: 5, inFlight: 0, delayed: 0 },
      ],
      { gapMs: 60_000 },
    );
    expect(points.map((p) => p.ready)).toEqual([5, 0, 0, 5]);
  });

  it('ignores unreadable timestamps', () => {
    expect(depthSeries([{ at: 'nope', ready: 1, inFlight: 0, delayed: 0 }])).toEqual([]);
  });
});

describe('parseDepthRange and depthRangeParam', () => {
  it('reads each range the URL can name', () => {
    expect(parseDepthRange('15m').minutes).toBe(15);
    expect(parseDepthRange('1h').minutes).toBe(60);
    expect(parseDepthRange('6h').minutes).toBe(360);
    expect(parseDepthRange('24h').minutes).toBe(1440);
    expect(parseDepthRange(' 6H ').minutes).toBe(360);
  });

  it('falls back to 15 minutes for an absent or unknown range', () => {
    for (const bad of [null, undefined, '', 'nonsense', '60', '-1h', '7d', 'constructor', '__proto__']) {
      expect(parseDepthRange(bad)).toBe(DEPTH_RANGES[0]);
    }
  });

  it('writes the default as no parameter, and reads back what it writes', () => {
    expect(depthRangeParam(DEPTH_RANGES[0])).toBe('');
    for (const r of DEPTH_RANGES.slice(1)) expect(parseDepthRange(depthRangeParam(r))).toBe(r);
  });
});

describe('depthLegendRank', () => {
  it('orders the tooltip items as the legend lists them, not by name', () => {
    // Recharts hands the items over by name (delayed, inFlight, ready) and sorts by the rank ascending.
    const items = [{ dataKey: 'delayed' }, { dataKey: 'inFlight' }, { dataKey: 'ready' }];
    const sorted = [...items].sort((a, b) => depthLegendRank(a) - depthLegendRank(b));
    const labels = sorted.map((i) => DEPTH_SERIES.find((s) => s.key === i.dataKey)!.label);
    expect(labels).toEqual(['Ready', 'In flight', 'Delayed']);
    expect(labels).toEqual(DEPTH_SERIES.map((s) => s.label));
  });

  it('reads the name when there is no data key, and puts unknown items last', () => {
    expect(depthLegendRank({ name: 'inFlight' })).toBe(1);
    expect(depthLegendRank({ dataKey: 'other' })).toBe(DEPTH_SERIES.length);
  });
});

describe('depthChartRows', () => {
  it('gives a 0 as null, so a series with nothing does not outline the stack under it in its colour', () => {
    const rows = depthChartRows([
      { t: 0, ready: 10, inFlight: 0, delayed: 0 },
      { t: 1, ready: 12, inFlight: 1, delayed: 0 },
      { t: 2, ready: 12, inFlight: 0, delayed: 0 },
      { t: 3, ready: 0, inFlight: 0, delayed: 0 },
    ]);
    expect(rows.map((r) => r.delayed)).toEqual([null, null, null, null]);
    // The first 0 after a non-zero sample is kept: it closes the step down.
    expect(rows.map((r) => r.inFlight)).toEqual([null, 1, 0, null]);
    expect(rows.map((r) => r.ready)).toEqual([10, 12, 12, 0]);
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 3]);
  });
});
