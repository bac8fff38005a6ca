/**
 * Ticks for the depth chart's time axis, spread over the whole window the chart shows (not only
 * where samples are: a queue declared a minute ago still gets a 24-hour axis), on round times of
 * the browser's zone, so each label appears once.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];

const pad = (n: number) => String(n).padStart(2, '0');
/** The wall clock's offset from UTC at `t`, in ms (DST included). */
const offset = (t: number) => -new Date(t).getTimezoneOffset() * MINUTE;

/** At most `maxTicks` round times in [from, to]: the finest step that fits. */
export function depthTicks(from: number, to: number, maxTicks = 8): number[] {
  const span = Math.max(0, to - from);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? DAY;
  const ticks: number[] = [];
  // The first round time at or after `from`, in local wall time.
  let t = Math.ceil((from + offset(from)) / step) * step - offset(from);
  for (; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label: the clock, and the date where a window spans days or a tick falls on midnight. */
export function depthTickLabel(t: number, spanMs: number): string {
  const d = new Date(t);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const date = `${d.getMonth() + 1}/${d.getDate()}`;
  if (spanMs > 36 * HOUR) return `${date} ${pad(d.getHours())}h`;
  return d.getHours() === 0 && d.getMinutes() === 0 && spanMs > 6 * HOUR ? date : clock;
}

/** The tooltip's time of a sample: to the second (samples are seconds apart, not milliseconds). */
export function depthSampleLabel(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
