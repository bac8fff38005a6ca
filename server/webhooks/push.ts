import http from 'node:http';
import https from 'node:https';
import type { Db } from '../../db/driver';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import { BrokerError } from '../broker/errors';
import type { Delivery } from '../broker/types';
import { GatewayError } from '../gateway/errors';
import { headerBytes } from '../gateway/header-text';
import { PushTargetForbidden, pushSend, resolveTarget, retryAfterMs, type PushTarget, type SendResult } from './push-send';
import {
  pushEndpointDelete,
  pushEndpointDisable,
  pushEndpointGet,
  pushEndpointList,
  pushEndpointUpsert,
  type PushEndpoint,
} from './push-store';
import { newWebhookSecret, signStandard, standardSecretKey } from './verify';
import { pause } from '../pause';

/**
 * Push delivery: for each queue with an endpoint, a loop leases messages (a long-polling
 * consumer like any other) and POSTs each one, signed per Standard Webhooks, with at most
 * `concurrency` requests in flight. A 2xx acks; anything else nacks, so the queue's retry
 * policy and dead-lettering apply; Retry-After on 429/503 sets the retry delay; 410 Gone
 * disables the endpoint. Every node runs a loop per endpoint (competing consumers), and learns
 * of changes made on other nodes through NOTIFY.
 */
export const PUSH_CHANNEL = 'hatoba_push';
const MAX_RETRY_AFTER_MS = 3600_000;
const LONG_POLL_MS = 20_000;

export type PushOutcome = 'acked' | 'nacked' | 'disabled';

export interface PushOptions {
  db: Db;
  broker: Broker;
  node: string;
  logger: Logger;
  target: PushTarget;
  userAgent: string;
  onOutcome?: (queue: string, outcome: PushOutcome) => void;
}

/** The request a delivery becomes: the body as stored, signed, with its metadata in headers. */
export function pushRequestHeaders(d: Delivery, secret: string, userAgent: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {
    'content-type': headerBytes('content-type', d.contentType) ?? 'application/octet-stream',
    'user-agent': userAgent,
    'webhook-id': d.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandard(secret, d.id, timestamp, d.body),
    'hatoba-exchange': d.exchange,
    'hatoba-queue': d.queue,
    'hatoba-attempt': String(d.attempt),
  };
  // Free text (routing keys, correlation IDs, application headers) goes as UTF-8; a value no
  // header can carry (control characters) stays in the message only.
  const text = (name: string, value: string) => {
    const bytes = headerBytes(name, value);
    if (bytes !== undefined) headers[name] = bytes;
  };
  text('hatoba-correlation-id', d.correlationId);
  text('hatoba-routing-key', d.routingKey);
  if (d.replyTo) text('hatoba-reply-to', d.replyTo);
  if (d.traceparent) text('traceparent', d.traceparent);
  if (d.tracestate) text('tracestate', d.tracestate);
  for (const [name, value] of Object.entries(d.headers)) text(`hatoba-header-${name}`, value);
  return headers;
}

/** What a delivery's result means for its lease. */
export function settle(result: SendResult): { ack: true } | { ack: false; error: string; delayMs?: number; gone?: true } {
  if (result.kind !== 'response') return { ack: false, error: result.kind === 'forbidden' ? `push_target_forbidden: ${result.message}` : result.message };
  const { status } = result;
  if (status >= 200 && status < 300) return { ack: true };
  if (status === 410) return { ack: false, error: 'HTTP 410 Gone: push disabled', gone: true };
  const snippet = result.body.slice(0, 200);
  if (status >= 300 && status < 400) {
    return { ack: false, error: `HTTP ${status}: redirect to ${String(result.headers.location ?? '?').slice(0, 200)} not followed` };
  }
  const after = status === 429 || status === 503 ? retryAfterMs(result.headers['retry-after']) : undefined;
  return {
    ack: false,
    error: `HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
    ...(after !== undefined ? { delayMs: Math.min(after, MAX_RETRY_AFTER_MS) } : {}),
  };
}

class PushLoop {
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  readonly done: Promise<void>;

  constructor(
    readonly endpoint: PushEndpoint,
    private readonly o: PushOptions,
    private readonly onGone: (queue: string, reason: string) => Promise<void>,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async run(): Promise<void> {
    const { queue, concurrency, timeoutMs } = this.endpoint;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (this.inFlight.size >= concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let deliveries: Delivery[];
      const asked = Date.now();
      try {
        deliveries = await this.o.broker.receive(queue, {
          max: concurrency - this.inFlight.size,
          waitMs: LONG_POLL_MS,
          // The lease outlives the request, so a slow answer is never delivered twice meanwhile.
          visibilityMs: timeoutMs + 5000,
          consumer: `push:${this.o.node}`,
          signal,
        });
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof BrokerError && err.code === 'queue_not_found') break; // the endpoint went with its queue
        this.o.logger.warn({ err, queue }, 'push: receive failed');
        await pause(1000, signal);
        continue;
      }
      if (deliveries.length === 0 && Date.now() - asked < 50) await pause(200, signal); // a poll that did not wait (broker stopping)
      for (const d of deliveries) {
        const p: Promise<void> = this.deliver(d).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(d: Delivery): Promise<void> {
    const { queue, url, secret, timeoutMs } = this.endpoint;
    try {
      const result = await pushSend(
        { url, headers: pushRequestHeaders(d, secret, this.o.userAgent), body: d.body, timeoutMs, agents: this.agents },
        this.o.target,
      );
      const s = settle(result);
      if (s.ack) {
        await this.o.broker.ack(queue, [d.receipt]);
        this.o.onOutcome?.(queue, 'acked');
        return;
      }
      if (s.gone) this.stopping.abort(); // lease nothing more for an endpoint that is gone
      await this.o.broker.nack(queue, [d.receipt], { error: s.error, ...(s.delayMs !== undefined ? { delayMs: s.delayMs } : {}) });
      this.o.onOutcome?.(queue, s.gone ? 'disabled' : 'nacked');
      if (s.gone) await this.onGone(queue, `${url} answered 410 Gone`);
    } catch (err) {
      this.o.logger.warn({ err, queue, messageId: d.id }, 'push: delivery could not be settled');
    }
  }
}

export function createPush(o: PushOptions) {
  const loops = new Map<string, PushLoop>();
  let unlisten: (() => Promise<void>) | undefined;
  let stopped = false;
  // Reloads of one queue run one after another, so two quick changes cannot start two loops.
  const pending = new Map<string, Promise<void>>();

  const notify = (queue: string) => o.db.query('SELECT pg_notify($1, $2)', [PUSH_CHANNEL, queue]);
  /** After a change to `queue`'s endpoint here: this node's loop now, the others through NOTIFY. */
  const changed = async (queue: string) => {
    await notify(queue);
    await reload(queue);
  };

  async function disable(queue: string, reason: string): Promise<void> {
    await pushEndpointDisable(o.db, { queue, reason });
    o.logger.warn({ queue, reason }, 'push disabled');
    await notify(queue);
    void reload(queue);
  }

  /** Makes this node's loop for `queue` match the stored endpoint: started, restarted or stopped. */
  function reload(queue: string): Promise<void> {
    const next = (pending.get(queue) ?? Promise.resolve()).then(async () => {
      const current = loops.get(queue);
      const endpoint = stopped ? null : await pushEndpointGet(o.db, { queue });
      if (current && endpoint && endpoint.status === 'active' && endpoint.updatedAt.getTime() === current.endpoint.updatedAt.getTime()) return;
      if (current) {
        loops.delete(queue);
        await current.stop();
      }
      if (endpoint?.status === 'active' && !stopped) {
        const loop = new PushLoop(endpoint, o, disable);
        loops.set(queue, loop);
        // A loop also ends by itself, when its queue is deleted (and its endpoint with it).
        void loop.done.then(() => loops.get(queue) === loop && loops.delete(queue));
      }
    });
    const settled = next.catch((err) => o.logger.error({ err, queue }, 'push: reload failed'));
    pending.set(queue, settled);
    return settled;
  }

  return {
    async start(): Promise<void> {
      unlisten = await o.db.listen(PUSH_CHANNEL, (queue) => void reload(queue));
      for (const e of await pushEndpointList(o.db)) if (e.status === 'active') await reload(e.queue);
    },
    async stop(): Promise<void> {
      stopped = true;
      await unlisten?.();
      await Promise.all([...loops.values()].map((l) => l.stop()));
      loops.clear();
    },
    /**
     * Creates or replaces a queue's endpoint after checking the URL with the SSRF guard (400
     * push_target_forbidden). Without a secret a new endpoint gets a generated one, returned
     * here once; an existing endpoint keeps its own.
     */
    async declare(queue: string, p: { url: string; secret?: string; concurrency: number; timeoutMs: number }) {
      await o.broker.queueInfo(queue); // 404 queue_not_found
      if (p.secret !== undefined && !standardSecretKey(p.secret)) {
        throw new GatewayError('validation_failed', 'A push secret is whsec_ followed by base64 of at least 16 bytes', { field: 'secret' });
      }
      try {
        await resolveTarget(new URL(p.url), o.target);
      } catch (e) {
        if (e instanceof PushTargetForbidden) throw new GatewayError('push_target_forbidden', e.message, { url: p.url });
        throw new GatewayError('validation_failed', `Cannot resolve the push URL's host: ${(e as Error).message}`, { field: 'url' });
      }
      const newSecret = newWebhookSecret();
      const { created, endpoint } = await pushEndpointUpsert(o.db, { queue, ...p, secret: p.secret ?? null, newSecret });
      await changed(queue);
      return { created, endpoint, generatedSecret: endpoint.secret === newSecret ? newSecret : undefined };
    },
    async get(queue: string): Promise<PushEndpoint> {
      const endpoint = await pushEndpointGet(o.db, { queue });
      if (!endpoint) throw new GatewayError('push_not_found', `Queue '${queue}' has no push endpoint`, { queue });
      return endpoint;
    },
    find: (queue: string): Promise<PushEndpoint | null> => pushEndpointGet(o.db, { queue }),
    async remove(queue: string): Promise<void> {
      if (!(await pushEndpointDelete(o.db, { queue }))) throw new GatewayError('push_not_found', `Queue '${queue}' has no push endpoint`, { queue });
      await changed(queue);
    },
    running: (queue: string) => loops.has(queue),
  };
}

export type Push = ReturnType<typeof createPush>;
