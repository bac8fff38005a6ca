/** Number and time formatting shared by every page: one place, the same words everywhere. */

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return integer.format(Math.round(n));
}

/** Messages per second: two significant decimals below 10, whole numbers above. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s';
  if (perSecond < 0.01) return '<0.01/s';
  if (perSecond < 10) return `${perSecond.toFixed(2).replace(/\.?0+$/, '')}/s`;
  return `${integer.format(Math.round(perSecond))}/s`;
}

/** A duration for people: 850 ms, 4.2 s, 3 min, 5 h 10 min, 2 d 3 h. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/**
 * A timestamp as local date and time to the second (24-hour clock) with the zone it is in, e.g.
 * `2025-01-02 14:03:07 UTC+1`: an operator comparing it with a server log (UTC) or a teammate's
 * screenshot must know which clock it is.
 */
export function formatTimestamp(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zoneLabel(d.getTimezoneOffset())}`;
}

/**
 * A zone as its offset from UTC: `UTC`, `UTC+1`, `UTC+5:30`, `UTC−8` (a minus sign, as clocks
 * print it). `offsetMinutes` is `Date#getTimezoneOffset()`: minutes to add to local time to reach
 * UTC, so east of Greenwich is negative. Abbreviations (CET, IST) are ambiguous; offsets are not.
 */
export function zoneLabel(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const east = -offsetMinutes;
  const abs = Math.abs(east);
  const minutes = abs % 60;
  return `UTC${east > 0 ? '+' : '−'}${Math.floor(abs / 60)}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/** A clock time with milliseconds, for timelines where events are close together. */
export function formatClock(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The first characters of an id, enough to tell ids apart in a table. UUIDv7 ids share their time prefix, so take the end. */
export function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}

/** A route parameter as text: decoded when it still carries %-escapes, unchanged when it cannot be. */
export function routeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The word for a count: `plural(1, 'message')` is "message", any other count "messages" (or `many`). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** A count with its word: "1 message", "0 messages", "1,234 dead-letter queues". */
export function countOf(n: number, one: string, many?: string): string {
  return `${formatCount(n)} ${plural(n, one, many)}`;
}
