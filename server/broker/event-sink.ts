import type { Db } from '../../db/driver';

export type EventType =
  | 'published'
  | 'routed'
  | 'unroutable'
  | 'delivered'
  | 'acked'
  | 'nacked'
  | 'retry_scheduled'
  | 'lease_expired'
  | 'released'
  | 'dead_lettered'
  | 'replayed'
  | 'expired'
  | 'replied'
  | 'reply_timeout'
  | 'deduplicated';

export interface LifecycleEvent {
  type: EventType;
  messageId: string;
  queue: string | null;
  attempt: number | null;
  detail?: Record<string, unknown> | null;
  /** When it happened (ms since the epoch), where that is not when it is recorded: a lease that ran out earlier. */
  at?: number;
}

/**
 * Records events of the memory tier off the request path: buffered, written in batches,
 * dropped (and counted) past a bound, because a memory queue promises nothing across a crash.
 * Durable-tier events are written in the same transaction as the change they describe.
 */
export class EventSink {
  private buffer: LifecycleEvent[] = [];
  /** When each buffered event happened (ms since the epoch), not when its batch is written. */
  private stamps: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly node: string,
    private readonly options: { flushMs?: number; maxBuffered?: number } = {},
  ) {}

  record(events: LifecycleEvent[]): void {
    const room = (this.options.maxBuffered ?? 100_000) - this.buffer.length;
    if (events.length > room) this.dropped += events.length - Math.max(0, room);
    const kept = events.slice(0, Math.max(0, room));
    this.buffer.push(...kept);
    const now = Date.now();
    for (const e of kept) this.stamps.push(e.at ?? now);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 100);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    const stamps = this.stamps;
    this.buffer = [];
    this.stamps = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      this.db
        .query(
          `INSERT INTO events (at, type, message_id, queue, node, attempt, detail)
           SELECT to_timestamp(s / 1000.0), t, m, q, $2, a, d FROM json_to_recordset($1::text::json) AS x(s float8, t text, m uuid, q text, a int4, d jsonb)`,
          [
            JSON.stringify(batch.map((e, i) => ({ s: stamps[i], t: e.type, m: e.messageId, q: e.queue, a: e.attempt, d: e.detail ?? null }))),
            this.node,
          ],
        )
        .then(
          () => undefined,
          () => {
            this.dropped += batch.length;
          },
        ),
    );
    return this.writing;
  }
}
