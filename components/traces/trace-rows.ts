/**
 * The trace's events table: one row per recorded event, in order; and, apart from them, the queues a
 * message was routed to but not delivered from yet (`waiting` steps). Those are no events: they are
 * not counted as such and come after the events, not among them at the routing's time.
 * Synthesized arrivals (`arrived`, in a DLQ or replay target) belong to the timeline only.
 */
export function traceRows<T extends { type: string }>(items: readonly T[]): { events: T[]; waiting: T[] } {
  return {
    events: items.filter((i) => i.type !== 'arrived' && i.type !== 'waiting'),
    waiting: items.filter((i) => i.type === 'waiting'),
  };
}

export type MessageNote = { kind: 'replay_of'; id: string } | { kind: 'reply_to'; queue: string };

/** The Messages table's notes on one message, each drawn apart (with a separator), never run together. */
export function messageNotes(m: { replayOf?: string | null; replyTo?: string | null }): MessageNote[] {
  const notes: MessageNote[] = [];
  if (m.replayOf) notes.push({ kind: 'replay_of', id: m.replayOf });
  if (m.replyTo) notes.push({ kind: 'reply_to', queue: m.replyTo });
  return notes;
}
