/**
 * Time-axis ticks and tooltip labels for the history chart, in the browser's zone. The chart's
 * x axis is categorical (one bar per bucket), so a tick must be a bucket's own time: these pick
 * the buckets where a readable period starts (a day, six hours, …) so each label appears once.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick spacings tried, finest first; a day and above ticks where the local date changes. */
const STEPS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getMonth() + 1}/${d.getDate()}`;
const localClock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
/** Milliseconds since the epoch as a wall clock in the browser's zone reads them (DST included). */
const wall = (t: number) => t - new Date(t).getTimezoneOffset() * MINUTE;

export interface HistoryAxis {
  /** Bucket times to label, each a different period. */
  ticks: number[];
  /** Label for a tick. */
  format: (t: number) => string;
}

/**
 * Ticks at most `maxTicks` for buckets `times` (ascending, evenly spaced by `bucketMs`): the
 * finest step that fits, never finer than a bucket. The first bucket is labelled only when it
 * starts a period itself, so a partial day at the left edge does not crowd the next label.
 */
export function historyAxis(times: readonly number[], bucketMs: number, maxTicks = 10): HistoryAxis {
  const span = times.length > 1 ? times[times.length - 1]! - times[0]! + bucketMs : bucketMs;
  const step = STEPS.find((s) => s >= bucketMs && span / s <= maxTicks) ?? STEPS[STEPS.length - 1]!;
  const days = step >= DAY;
  const period = (t: number) => Math.floor(wall(t) / (days ? DAY : step));
  const ticks: number[] = [];
  times.forEach((t, i) => {
    const starts = i === 0 ? wall(t) % (days ? DAY : step) === 0 : period(t) !== period(times[i - 1]!);
    if (!starts) return;
    if (days && step > DAY && ticks.length > 0 && (period(t) - period(ticks[ticks.length - 1]!)) * DAY < step) return;
    ticks.push(t);
  });
  const format = (t: number) => {
    const d = new Date(t);
    // Below a day, midnight carries the date so a day boundary is still visible.
    if (days || (d.getHours() === 0 && d.getMinutes() === 0 && span > 6 * HOUR)) return localDate(d);
    return localClock(d);
  };
  return { ticks, format };
}

/** A bucket for the tooltip: `2025-01-01 14:00–15:00`, or one minute as `2025-01-01 14:03`. */
export function bucketLabel(t: number, bucketMs: number): string {
  const d = new Date(t);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (bucketMs <= MINUTE) return `${day} ${localClock(d)}`;
  const end = new Date(t + bucketMs);
  const endText = bucketMs >= DAY || end.getDate() !== d.getDate() ? `${end.getMonth() + 1}/${end.getDate()} ${localClock(end)}` : localClock(end);
  return `${day} ${localClock(d)}–${endText}`;
}
