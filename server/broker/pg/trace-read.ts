import type { Sql } from '../../../db/driver';
import { jsonValue } from '../../../db/driver';
import { MESSAGE_COLUMNS, rowToMessage } from './rows';
import type { StoredMessage } from '../types';

export interface TraceMessage extends StoredMessage {
  routedTo: string[];
  replayOf: string | null;
  /** The node that accepted the publish (null for messages stored before nodes were recorded). */
  node: string | null;
}

export interface TraceEvent {
  at: Date;
  type: string;
  messageId: string;
  exchange: string | null;
  queue: string | null;
  node: string | null;
  attempt: number | null;
  detail: Record<string, unknown> | null;
}

/** Order of events that share a timestamp: the order they happen in. */
const RANK: Record<string, number> = { published: 0, routed: 1, unroutable: 1, deduplicated: 2, replied: 9 };

/** Whether `r` is `m` or a replayed copy of it (through any number of replays): no reply to it. */
function sameMessage(r: TraceMessage, m: TraceMessage, byId: Map<string, TraceMessage>): boolean {
  for (let at: TraceMessage | undefined = r, hops = 0; at && hops <= byId.size; at = at.replayOf ? byId.get(at.replayOf) : undefined, hops++) {
    if (at.id === m.id) return true;
  }
  return false;
}

/**
 * The whole story of a correlation ID: every stored message that carries it and every
 * lifecycle event of those messages, in time order. `published` and `routed` come from the
 * message rows themselves (publish writes no event rows), with the node that accepted the publish; `replied` links a request to each
 * message sent to its return address with the same correlation ID afterwards (repliesByRequest).
 */
/**
 * Which request each reply answers: the latest message before it whose return address it
 * reached (a request and its replay both ask; the reply answers the one that was handled, the
 * later), never the reply itself or a replayed copy of it. `messages` are in publish order.
 */
function repliesByRequest(messages: TraceMessage[], byId: Map<string, TraceMessage>): Map<TraceMessage, TraceMessage[]> {
  const answers = new Map<TraceMessage, TraceMessage[]>();
  messages.forEach((r, at) => {
    for (let i = at - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (!m.replyTo || !r.routedTo.includes(m.replyTo) || sameMessage(r, m, byId)) continue;
      answers.set(m, [...(answers.get(m) ?? []), r]);
      return;
    }
  });
  return answers;
}

export async function traceRead(q: Sql, p: { correlationId: string; limit?: number }): Promise<{ messages: TraceMessage[]; events: TraceEvent[] }> {
  const rows = await q.query(
    `SELECT ${MESSAGE_COLUMNS}, m.routed_to, m.replay_of, m.node FROM messages m WHERE m.correlation_id = $1 ORDER BY m.published_at, m.seq LIMIT $2`,
    [p.correlationId, p.limit ?? 1000],
  );
  const messages: TraceMessage[] = rows.map((r) => ({
    ...rowToMessage(r),
    routedTo: (r.routed_to as string[]) ?? [],
    replayOf: (r.replay_of as string | null) ?? null,
    node: (r.node as string | null) ?? null,
  }));
  if (messages.length === 0) return { messages, events: [] };
  const byId = new Map(messages.map((m) => [m.id, m]));
  const stored = await q.query<{ at: Date; type: string; message_id: string; queue: string | null; node: string; attempt: number | null; detail: unknown }>(
    `SELECT at, type, message_id, queue, node, attempt, detail FROM events WHERE message_id = ANY($1::uuid[]) ORDER BY at, id LIMIT 10000`,
    [messages.map((m) => m.id)],
  );
  const events: TraceEvent[] = stored.map((e) => ({
    at: new Date(e.at),
    type: e.type,
    messageId: e.message_id,
    exchange: byId.get(e.message_id)?.exchange ?? null,
    queue: e.queue,
    node: e.node,
    attempt: e.attempt,
    detail: jsonValue(e.detail) ?? null,
  }));
  const answers = repliesByRequest(messages, byId);
  for (const m of messages) {
    const base = { at: m.publishedAt, messageId: m.id, exchange: m.exchange, queue: null, node: m.node, attempt: null };
    events.push({ ...base, type: 'published', detail: { routingKey: m.routingKey, replayOf: m.replayOf } });
    events.push(
      m.routedTo.length > 0 ? { ...base, type: 'routed', detail: { queues: m.routedTo } } : { ...base, type: 'unroutable', detail: null },
    );
    for (const [i, reply] of (answers.get(m) ?? []).entries()) {
      // A reply sent after the request gave up reached nobody: the reply queue's consumer dropped it.
      const gaveUp = events.find((e) => e.type === 'reply_timeout' && e.messageId === m.id && e.at.getTime() <= reply.publishedAt.getTime());
      // nth: a second (third…) reply; to a gateway request (amq.reply.*) it reached nobody either.
      const detail = { replyId: reply.id, ...(gaveUp ? { late: true } : {}), ...(i > 0 ? { nth: i + 1 } : {}) };
      events.push({ ...base, at: reply.publishedAt, type: 'replied', queue: m.replyTo, detail });
    }
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || (RANK[a.type] ?? 5) - (RANK[b.type] ?? 5));
  return { messages, events };
}
