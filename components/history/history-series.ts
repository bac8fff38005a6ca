/**
 * Exchange history as chart rows: one row per time bucket (missing buckets filled with zeros,
 * so a quiet hour shows as quiet, not as a line across it), one column per routing key, the
 * busiest keys kept and the rest summed as "other" so the legend stays readable.
 */

import { isDeadLetterQueue, isReservedName } from '../../server/broker/name-rules';
export type Bucket = '1m' | '5m' | '15m' | '1h' | '6h' | '1d';

export const HISTORY_RANGES = {
  hour: { label: 'Last hour', ms: 3600_000, bucket: '1m' as Bucket },
  day: { label: 'Last day', ms: 86_400_000, bucket: '15m' as Bucket },
  week: { label: 'Last week', ms: 7 * 86_400_000, bucket: '1h' as Bucket },
} as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;

export const BUCKET_MS: Record<Bucket, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3600_000, '6h': 21_600_000, '1d': 86_400_000 };

/** The window to ask for: `to` is now, `from` aligned down to a bucket edge. */
export function historyWindow(range: HistoryRange, now: number): { from: string; to: string; bucket: Bucket } {
  const r = HISTORY_RANGES[range];
  const size = BUCKET_MS[r.bucket];
  const from = Math.floor((now - r.ms) / size) * size;
  return { from: new Date(from).toISOString(), to: new Date(now).toISOString(), bucket: r.bucket };
}

export interface HistoryBucketView {
  at: string;
  routingKey: string | null;
  count: number;
}

export interface HistorySeries {
  /** Routing keys drawn, busiest first; `other` last when some were folded. */
  keys: string[];
  rows: ({ t: number } & Record<string, number>)[];
  total: number;
  /** The width of one bucket (one row). */
  bucketMs: number;
}

export const OTHER_KEY = 'other';
export const EMPTY_KEY = '(empty key)';

export function historySeries(
  buckets: HistoryBucketView[],
  window: { from: string; to: string; bucket: Bucket },
  maxKeys = 8,
): HistorySeries {
  const size = BUCKET_MS[window.bucket];
  const start = Math.floor(Date.parse(window.from) / size) * size;
  const end = Date.parse(window.to);
  const byKey = new Map<string, number>();
  for (const b of buckets) byKey.set(b.routingKey || EMPTY_KEY, (byKey.get(b.routingKey || EMPTY_KEY) ?? 0) + b.count);
  const ranked = [...byKey].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const kept = ranked.length > maxKeys ? ranked.slice(0, maxKeys - 1) : ranked;
  const keys = ranked.length > maxKeys ? [...kept, OTHER_KEY] : kept;
  const keptSet = new Set(kept);

  const rows = new Map<number, { t: number } & Record<string, number>>();
  for (let t = start; t <= end; t += size) rows.set(t, Object.fromEntries([['t', t], ...keys.map((k) => [k, 0])]) as { t: number } & Record<string, number>);
  for (const b of buckets) {
    const t = Math.floor(Date.parse(b.at) / size) * size;
    const row = rows.get(t);
    if (!row) continue;
    const key = keptSet.has(b.routingKey || EMPTY_KEY) ? b.routingKey || EMPTY_KEY : OTHER_KEY;
    row[key] = (row[key] ?? 0) + b.count;
  }
  return { keys, rows: [...rows.values()], total: [...byKey.values()].reduce((a, b) => a + b, 0), bucketMs: size };
}

/** `datetime-local` text (minutes, browser zone) for an instant, for prefilled replay forms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Queues a range may be replayed into: not dead-letter queues, not the broker's own `amq.*`
 * (reply queues), and not memory-tier queues, which replay cannot write to. Sorted by name.
 */
export function replayTargets(queues: readonly { name: string; settings: { durability: string } }[]): string[] {
  return queues
    .filter((q) => !isDeadLetterQueue(q.name) && !isReservedName(q.name) && q.settings.durability !== 'memory')
    .map((q) => q.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * A tooltip item's place (Recharts' `itemSorter`): the legend's order, the chart's keys as
 * ranked by volume. Left alone, Recharts sorts the items by name. Unknown items go last.
 */
export function keyLegendRank(keys: readonly string[]) {
  return (item: { dataKey?: unknown; name?: unknown }): number => {
    const i = keys.indexOf(String(item.dataKey ?? item.name));
    return i === -1 ? keys.length : i;
  };
}

/**
 * What the tooltip of one bucket lists: the keys that carried messages in it, in the legend's
 * order, with their counts. A key with none in this bucket is left out (it is drawn in other
 * buckets, not this one); an empty list means the bucket had no messages at all.
 */
export function bucketTooltip(row: Record<string, number> | undefined, keys: readonly string[]): { key: string; index: number; count: number }[] {
  if (!row) return [];
  return keys.flatMap((key, index) => {
    const count = row[key] ?? 0;
    return count > 0 ? [{ key, index, count }] : [];
  });
}
