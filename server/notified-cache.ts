import type { Db } from '../db/driver';

/**
 * A read-through cache of rows that change rarely and are read on every request (API keys,
 * webhook sources). A change on any node is announced with NOTIFY on `channel` and drops the
 * entry everywhere at once; the TTL only bounds the harm of a notification lost while a
 * listening connection was down. Bounded: past `maxEntries` the oldest entries go.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Bumped by every invalidation: a load that was running meanwhile may have read the old row, so it is not kept. */
  private generation = 0;

  constructor(
    private readonly o: { db: Db; channel: string; ttlMs: number; maxEntries?: number; load: (key: string) => Promise<V> },
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.o.db.listen(this.o.channel, (key) => this.drop(key));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
    this.entries.clear();
  }

  async get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.o.ttlMs) return hit.value;
    const generation = this.generation;
    const value = await this.o.load(key);
    if (generation !== this.generation) return value;
    const max = this.o.maxEntries ?? 10_000;
    if (this.entries.size >= max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, at: Date.now() });
    return value;
  }

  /** Drops `key` here at once and on every other node when they receive the notification. */
  async invalidate(key: string): Promise<void> {
    this.drop(key);
    await this.o.db.query('SELECT pg_notify($1, $2)', [this.o.channel, key]);
  }

  private drop(key: string): void {
    this.generation++;
    if (key === '*') this.entries.clear();
    else this.entries.delete(key);
  }
}
