import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depthSampleLabel, depthTickLabel, depthTicks } from './depth-axis';

describe('depth chart axis', () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    process.env.TZ = zone;
  });
  const at = (s: string) => Date.parse(s);

  it('spreads ticks over the whole window, on round times, each once', () => {
    const to = at('2026-11-29T19:13:20Z');
    const day = depthTicks(to - 24 * 3600_000, to);
    expect(day.length).toBeGreaterThanOrEqual(4);
    expect(day.length).toBeLessThanOrEqual(8);
    expect(day.map((t) => new Date(t).toISOString())).toEqual([
      '2026-11-28T21:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
      '2026-11-29T03:00:00.000Z',
      '2026-11-29T06:00:00.000Z',
      '2026-11-29T09:00:00.000Z',
      '2026-11-29T12:00:00.000Z',
      '2026-11-29T15:00:00.000Z',
      '2026-11-29T18:00:00.000Z',
    ]);
    const quarter = depthTicks(to - 15 * 60_000, to);
    expect(quarter.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['19:00', '19:02', '19:04', '19:06', '19:08', '19:10', '19:12']);
    expect(new Set(day.map((t) => depthTickLabel(t, 24 * 3600_000))).size).toBe(day.length);
  });

  it('labels midnight with the date on long windows, and a sample to the second', () => {
    expect(depthTickLabel(at('2026-11-29T00:00:00Z'), 24 * 3600_000)).toBe('11/29');
    expect(depthTickLabel(at('2026-11-29T03:00:00Z'), 24 * 3600_000)).toBe('03:00');
    expect(depthTickLabel(at('2026-11-29T19:05:00Z'), 15 * 60_000)).toBe('19:05');
    expect(depthSampleLabel(at('2026-11-29T19:12:58.123Z'))).toBe('19:12:58');
  });
});
