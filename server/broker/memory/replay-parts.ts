import { uuidv7 } from '../ids';
import type { ReplayRequest, StoredMessage } from '../types';
import type { MemoryEntry } from './memory-queue';

/** Whether a memory dead letter matches a replay's filter (pg/replay.ts applies the same rules in SQL). */
export function matchesReplayFilter(e: MemoryEntry, f: NonNullable<ReplayRequest['filter']>): boolean {
  if (f.routingKey && e.message.routingKey !== f.routingKey) return false;
  if (f.error && !(e.death?.lastError ?? '').toLowerCase().includes(f.error.toLowerCase())) return false;
  const diedAt = e.death ? Date.parse(e.death.diedAt) : 0;
  if ((f.from && diedAt < f.from.getTime()) || (f.to && diedAt > f.to.getTime())) return false;
  // one that arrived after the preview it was confirmed from stays
  return !(f.arrivedBy && e.enqueuedAt > f.arrivedBy.getTime());
}

/**
 * A dead letter replayed as a new message (a new id, published now): re-routed through an exchange,
 * edited, or going unchanged into a queue that still holds the original.
 */
export function replayedCopy(m: StoredMessage, r: Pick<ReplayRequest, 'target' | 'edit'>, now: number): StoredMessage {
  const reroute = typeof r.target === 'object' && 'exchange' in r.target ? r.target : null;
  return {
    ...m,
    id: uuidv7(),
    exchange: reroute ? reroute.exchange : m.exchange,
    routingKey: reroute ? (reroute.routingKey ?? m.routingKey) : m.routingKey,
    headers: r.edit?.headers ?? m.headers,
    body: r.edit?.body ?? m.body,
    contentType: r.edit?.contentType ?? m.contentType,
    publishedAt: new Date(now),
  };
}
