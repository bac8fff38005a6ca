import type { BrowsedEntry } from '../pg/queue-read';
import { badCursor, sortCounts, type DeadLetterPage, type DeadLetterPageQuery } from '../pg/dead-letter-page';

/**
 * The same page over a memory DLQ's entries, given in the order they arrived (MemoryStore.browse). Its cursor is the last row's message id and position: the id
 * finds the place again, the position serves when that entry has left meanwhile.
 */
export function deadLetterPageOf(all: BrowsedEntry[], p: DeadLetterPageQuery): DeadLetterPage {
  const f = p.filter ?? {};
  const error = f.error?.toLowerCase();
  const matches = (e: BrowsedEntry) =>
    (!f.routingKey || e.routingKey === f.routingKey) && (!error || (e.death?.lastError ?? '').toLowerCase().includes(error));
  const ordered = (p.order === 'newest' ? [...all].reverse() : all).filter(matches);
  let start = 0;
  const c = p.cursor ? /^(\d+)~(.+)$/.exec(p.cursor) : null;
  if (p.cursor && !c) throw badCursor();
  if (c) {
    const at = ordered.findIndex((e) => e.id === c[2]);
    start = at >= 0 ? at + 1 : Number(c[1]) + 1;
  }
  const entries = ordered.slice(start, start + p.limit);
  const counts = new Map<string, { reason: string; origin: string | null; count: number }>();
  let matching = 0;
  for (const e of all) {
    const reason = e.death?.reason ?? 'unknown';
    const origin = e.death?.queue ?? null;
    const key = `${reason}\u0000${origin ?? ''}`;
    const row = counts.get(key) ?? { reason, origin, count: 0 };
    row.count++;
    counts.set(key, row);
    if (e.state !== 'in_flight' && matches(e)) matching++; // a replay skips what a consumer holds
  }
  const more = start + p.limit < ordered.length;
  return {
    entries,
    nextCursor: more && entries.length > 0 ? `${start + entries.length - 1}~${entries[entries.length - 1]!.id}` : null,
    counts: sortCounts([...counts.values()]),
    matching,
    // Read in one synchronous step with the entries: nothing arrives between (enqueuedAt is Date.now() too).
    readAt: new Date().toISOString(),
  };
}
