/** The first message published with a key: what a repeat is answered with. */
export interface FirstPublish {
  id: string;
  correlationId: string;
}

/**
 * Idempotency keys of messages that reach memory-tier queues only. They live where those
 * messages live, in this node's memory, for the dedup window: nothing of such a message is
 * written to the database, and a restart forgets its key with it, so a producer that publishes
 * again after a restart is not answered `duplicate` for a message that is gone.
 *
 * At most `maxKeys` are kept: past that the oldest is forgotten first (a repeat of it is then
 * published again: at-least-once, never a loss). Keys are per exchange, as in the database, and
 * one key space with it: the publisher looks in both (publish.ts).
 */
export class MemoryDedup {
  /** Insertion order is publish order, so the oldest key is always first. */
  private readonly keys = new Map<string, FirstPublish & { at: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The first publish of `key` on `exchange` within the window; otherwise `first` becomes it
   * (and undefined is returned). Check and claim in one step, so two publishes of one key can
   * never both be first.
   */
  claim(exchange: string, key: string, first: FirstPublish): FirstPublish | undefined {
    const now = this.now();
    this.forgetOld(now);
    const k = `${exchange}\u0000${key}`;
    const seen = this.keys.get(k);
    if (seen) return { id: seen.id, correlationId: seen.correlationId };
    this.keys.set(k, { ...first, at: now });
    while (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value!);
    return undefined;
  }

  /** The first publish of `key` on `exchange` within the window, without claiming it. */
  peek(exchange: string, key: string): FirstPublish | undefined {
    this.forgetOld(this.now());
    const seen = this.keys.get(`${exchange}\u0000${key}`);
    return seen && { id: seen.id, correlationId: seen.correlationId };
  }

  /** Gives back a key claimed by a publish that then failed (its batch was not stored). */
  release(exchange: string, key: string, id: string): void {
    const k = `${exchange}\u0000${key}`;
    if (this.keys.get(k)?.id === id) this.keys.delete(k);
  }

  get size(): number {
    return this.keys.size;
  }

  private forgetOld(now: number): void {
    for (const [k, v] of this.keys) {
      if (now - v.at < this.windowMs) return;
      this.keys.delete(k);
    }
  }
}
