import type { Pool } from 'undici';
import type { ConsumerErrors, E2EDriver } from './e2e';
import { callJson, fire, HttpError, httpPool, messageJson, messageObject, sentAt } from './http';
import { nowMs } from './stats';

export const EXCHANGE = 'bench';

/** Server misbehaviour the benchmark worked around; the report lists it. */
export const hatobaWarnings = { staleTopology: 0 };

interface Delivery {
  receipt: string;
  body: unknown;
  encoding?: string;
}

/** The HTTP API of one Hatoba server, as a benchmark client uses it. */
export class HatobaClient {
  readonly admin: Pool;
  private readonly pools = new Map<number, Pool>();

  constructor(readonly url: string) {
    this.admin = httpPool(url, 4);
  }

  /** A keep-alive pool of exactly `connections` sockets (one per concurrent client). */
  pool(connections: number): Pool {
    let p = this.pools.get(connections);
    if (!p) this.pools.set(connections, (p = httpPool(this.url, connections)));
    return p;
  }

  async declareQueue(name: string, durability: 'durable' | 'memory' = 'durable', settings: { maxLength?: number } = {}): Promise<void> {
    await callJson(this.admin, { method: 'PUT', path: `/v1/exchanges/${EXCHANGE}`, json: { type: 'direct' } });
    await callJson(this.admin, { method: 'PUT', path: `/v1/queues/${name}`, json: { durability, deadLetter: false, ...settings } });
    // A declare must be visible to the next request. If the server answers the bind with
    // queue_not_found anyway (a stale topology snapshot), say so loudly and retry a little.
    for (let attempt = 1; ; attempt++) {
      try {
        await callJson(this.admin, { method: 'POST', path: '/v1/bindings', json: { exchange: EXCHANGE, queue: name, key: name } });
        return;
      } catch (e) {
        if (!(e instanceof HttpError && e.status === 404) || attempt >= 5) throw e;
        hatobaWarnings.staleTopology++;
        process.stderr.write(`[bench] WARNING: Hatoba answered 404 to a bind right after PUT /v1/queues/${name} succeeded; retrying\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async deleteQueue(name: string): Promise<void> {
    await callJson(this.admin, { method: 'DELETE', path: `/v1/queues/${name}`, ok: [200, 204, 404] });
  }

  /** One message through the exchange, routed by key to `queue`. */
  publish(pool: Pool, queue: string, seq: number, extraHeaders?: Record<string, string>): Promise<number> {
    return fire(pool, {
      method: 'POST',
      path: `/v1/exchanges/${EXCHANGE}/messages`,
      headers: { 'content-type': 'application/json', 'hatoba-routing-key': queue, ...extraHeaders },
      body: messageJson(seq),
    }).then(() => 1);
  }

  publishBatch(pool: Pool, queue: string, size: number, seq = 0): Promise<number> {
    const messages = Array.from({ length: size }, (_, i) => ({ routingKey: queue, body: messageObject(seq + i), encoding: 'json' }));
    return fire(pool, {
      method: 'POST',
      path: `/v1/exchanges/${EXCHANGE}/messages:batch`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    }).then(() => size);
  }

  async receive(pool: Pool, queue: string, max: number, waitMs: number): Promise<Delivery[]> {
    const r = await callJson<{ messages: Delivery[] }>(pool, { method: 'POST', path: `/v1/queues/${queue}/receive`, json: { max, waitMs } });
    return r.messages ?? [];
  }

  async ack(pool: Pool, queue: string, receipts: string[]): Promise<void> {
    await callJson(pool, { method: 'POST', path: `/v1/queues/${queue}/ack`, json: { receipts } });
  }

  /** Publish → receive (batches of 100, long poll) → ack over HTTP. */
  e2eDriver(publishers: number, durability: 'durable' | 'memory' = 'durable'): E2EDriver {
    const pub = this.pool(publishers);
    return {
      prepare: async (rep, mode) => {
        const q = `bench.e2e.${durability}.${mode}.${rep}.${Date.now()}`;
        await this.declareQueue(q, durability);
        return q;
      },
      publish: (queue, seq) => this.publish(pub, queue, seq),
      consume: async (queue, consumers, onDelivered) => {
        const pool = httpPool(this.url, consumers);
        let stopped = false;
        const errs: ConsumerErrors = { errors: 0 };
        const loop = async () => {
          // Bounded by the stop flag and by a count far above any run's deliveries.
          for (let i = 0; !stopped && i < 10_000_000; i++) {
            try {
              const got = await this.receive(pool, queue, 100, 1000);
              if (got.length === 0) continue;
              const receivedAt = nowMs();
              await this.ack(pool, queue, got.map((m) => m.receipt));
              onDelivered(
                got.map((m) => sentAt(m.body, m.encoding) ?? receivedAt),
                receivedAt,
              );
            } catch (e) {
              if (stopped) break;
              errs.errors++;
              errs.firstError ??= String((e as Error).message);
              await new Promise((r) => setTimeout(r, 50));
            }
          }
        };
        const loops = Array.from({ length: consumers }, loop);
        return async () => {
          stopped = true;
          await Promise.all(loops);
          await pool.close();
          return errs;
        };
      },
      cleanup: (queue) => this.deleteQueue(queue),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.close(), ...[...this.pools.values()].map((p) => p.close())]);
  }
}
