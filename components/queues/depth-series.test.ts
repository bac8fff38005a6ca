import { describe, expect, it } from 'vitest';
import { depthSeries } from './depth-series';

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
