import type { FirstPublish, MemoryDedup } from './memory/memory-dedup';
import type { PreparedMessage } from './pg/message-insert';

/** Whether a message is written to the message store: it has a durable entry, or no queue took it (kept for the audit). */
export const inStore = (m: PreparedMessage) => m.durableQueues.length > 0 || m.queues.length === 0;

const keyOf = (m: { exchange: string; idempotencyKey: string | null }) => `${m.exchange}\u0000${m.idempotencyKey}`;

/** Reads the stored first publishes of keys within the dedup window (pg/message-insert.ts). */
export type StoredFirsts = (keys: { exchange: string; key: string }[]) => Promise<Map<string, { id: string; correlationId: string | null }>>;

/**
 * A batch's idempotency keys, before and after its commit. An exchange has one key space over
 * both tiers, but keeps it in two places: the database claims the keys of stored messages
 * (cluster-wide, in the insert: message-insert.ts), this node's memory those of messages that
 * reach memory queues only (memory-dedup.ts), which are never written to the database. So a
 * stored message looks in memory first, and a memory-only one claims its key in memory, then
 * looks in the database. Two publishes of one key to different tiers at the same moment can
 * both go through: at-least-once, as a repeat after the window.
 */
export class BatchKeys {
  /** Messages answered as a repeat, with the first publish of their key. */
  readonly firsts = new Map<PreparedMessage, FirstPublish>();
  /** Memory-only messages that claimed their key: given back if the batch fails. */
  private claimed: PreparedMessage[] = [];
  /** Memory-only messages whose key a stored message of this batch has: that one's outcome decides. */
  private readonly sameAs = new Map<PreparedMessage, PreparedMessage>();

  private constructor(private readonly memory: MemoryDedup) {}

  static async claim(prepared: PreparedMessage[], memory: MemoryDedup, storedFirsts: StoredFirsts): Promise<BatchKeys> {
    const keys = new BatchKeys(memory);
    const storedInBatch = new Map<string, PreparedMessage>();
    for (const m of prepared) {
      if (!m.idempotencyKey) continue;
      const earlier = storedInBatch.get(keyOf(m));
      if (inStore(m)) {
        if (!earlier) storedInBatch.set(keyOf(m), m);
        const first = memory.peek(m.exchange, m.idempotencyKey);
        if (first) keys.firsts.set(m, first);
      } else if (earlier) {
        keys.sameAs.set(m, earlier);
      } else {
        const first = memory.claim(m.exchange, m.idempotencyKey, m);
        if (first) keys.firsts.set(m, first);
        else keys.claimed.push(m);
      }
    }
    if (keys.claimed.length === 0) return keys;
    try {
      const stored = await storedFirsts(keys.claimed.map((m) => ({ exchange: m.exchange, key: m.idempotencyKey! })));
      const repeats = keys.claimed.filter((m) => stored.has(keyOf(m)));
      for (const m of repeats) {
        const first = stored.get(keyOf(m))!;
        keys.firsts.set(m, { id: first.id, correlationId: first.correlationId ?? m.correlationId });
      }
      keys.release(repeats);
    } catch (e) {
      keys.release(keys.claimed);
      throw e;
    }
    return keys;
  }

  /** Gives back the memory claims of a batch that was not stored, or of messages that turned out repeats. */
  release(ms: PreparedMessage[] = this.claimed): void {
    for (const m of ms) this.memory.release(m.exchange, m.idempotencyKey!, m.id);
    this.claimed = this.claimed.filter((m) => !ms.includes(m));
  }

  /** After the commit: the stored repeats the database found, and the memory-only messages that follow them. */
  committed(stored: PreparedMessage[], duplicateOf: (i: number) => { id: string; correlationId: string | null } | null | undefined): void {
    stored.forEach((m, i) => {
      const dup = duplicateOf(i);
      if (dup) this.firsts.set(m, { id: dup.id, correlationId: dup.correlationId ?? m.correlationId });
    });
    for (const [m, earlier] of this.sameAs) this.firsts.set(m, this.firsts.get(earlier) ?? earlier);
  }
}
