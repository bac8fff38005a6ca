import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketLabel, historyAxis } from './history-axis';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Labels are in the browser's zone; pin one so the expectations are fixed.
let tz: string | undefined;
beforeAll(() => {
  tz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  process.env.TZ = tz;
});

const series = (start: number, bucket: number, n: number) => Array.from({ length: n }, (_, i) => start + i * bucket);

describe('historyAxis', () => {
  it('labels a week of hourly buckets once per day, at midnight, the partial first day unlabelled', () => {
    const start = Date.UTC(2025, 10, 22, 14); // Sat 14:00
    const times = series(start, HOUR, 7 * 24 + 1);
    const axis = historyAxis(times, HOUR);
    const labels = axis.ticks.map(axis.format);
    expect(labels).toEqual(['11/23', '11/24', '11/25', '11/26', '11/27', '11/28', '11/29']);
    expect(new Set(labels).size).toBe(labels.length);
    for (const t of axis.ticks) expect(new Date(t).getUTCHours()).toBe(0);
  });

  it('spreads a day of 15-minute buckets over whole hours, with the date at midnight', () => {
    const start = Date.UTC(2025, 10, 22, 12, 15);
    const axis = historyAxis(series(start, 15 * MIN, 24 * 4 + 1), 15 * MIN);
    expect(axis.ticks.length).toBeGreaterThan(3);
    expect(axis.ticks.length).toBeLessThanOrEqual(10);
    expect(axis.ticks.map(axis.format)).toEqual(['15:00', '18:00', '21:00', '11/23', '03:00', '06:00', '09:00', '12:00']);
  });

  it('marks an hour of minutes every ten minutes', () => {
    const start = Date.UTC(2025, 10, 22, 12, 34);
    const axis = historyAxis(series(start, MIN, 61), MIN);
    expect(axis.ticks.map(axis.format)).toEqual(['12:40', '12:50', '13:00', '13:10', '13:20', '13:30']);
  });

  it('copes with no buckets', () => {
    expect(historyAxis([], HOUR).ticks).toEqual([]);
  });
});

describe('bucketLabel', () => {
  it('names a minute bucket by its minute, without seconds or milliseconds', () => {
    expect(bucketLabel(Date.UTC(2025, 10, 22, 19, 12), MIN)).toBe('2025-11-22 19:12');
  });

  it('names a wider bucket by its span', () => {
    expect(bucketLabel(Date.UTC(2025, 10, 22, 19, 0), HOUR)).toBe('2025-11-22 19:00–20:00');
    expect(bucketLabel(Date.UTC(2025, 10, 22, 23, 45), 15 * MIN)).toBe('2025-11-22 23:45–11/23 00:00');
  });
});
