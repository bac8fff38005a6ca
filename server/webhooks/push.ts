import http from 'node:http';
import https from 'node:https';
import type { Db } from '../../db/driver';
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import { BrokerError } from '../broker/errors';
import { checkDeclarableName } from '../broker/names';
import { TOPOLOGY_CHANNEL } from '../broker/topology';
import { isInternalQueue } from '../broker/topology-checks';
import type { Delivery } from '../broker/types';
import { fieldInvalid, GatewayError } from '../gateway/errors';
import { PushTargetForbidden, pushSend, resolveTarget, type PushTarget } from './push-send';
import { pushRequestHeaders, settle } from './push-request';
import {
  pushEndpointDelete,
  pushEndpointDisable,
  pushEndpointGet,
  pushEndpointIsCurrent,
  pushEndpointList,
  pushEndpointUpsert,
  type PushEndpoint,
} from './push-store';
import { withinMs } from '../time-limit';
import { displayUrl } from './push-view';
import { newWebhookSecret, standardSecretKey } from './verify';
import { pause } from '../pause';
import { giveBack, stillLeased, type ClaimDeps } from './push-claims';

/**
 * Push delivery: for each queue with an endpoint, a loop leases messages (a long-polling
 * consumer like any other) and POSTs each one, signed per Standard Webhooks, with at most
 * `concurrency` requests in flight. A 2xx acks; anything else nacks, so the queue's retry
 * policy and dead-lettering apply; Retry-After on 429/503 sets the retry delay; 410 Gone
 * disables the endpoint and gives the lease back (no attempt spent). Every node runs a loop per
 * endpoint (competing consumers), and learns of changes made on other nodes through NOTIFY.
 *
 * A loop belongs to one version of its endpoint. Deleting a queue deletes its endpoint in the
 * same transaction (foreign key), with no push NOTIFY, and a queue deleted and declared again
 * between two of another node's looks is, by name, the same queue. So every claim is checked
 * against the stored endpoint before anything is sent: when it is gone, disabled or replaced,
 * the leases go back unspent and the loop ends (the node then starts whatever is stored now).
 * Topology changes also make each node re-check its loops, so idle ones stop too.
 */
export const PUSH_CHANNEL = 'hatoba_push';
const LONG_POLL_MS = 20_000;
/** A push lease lasts the request's timeout and this much more, so a slow answer is never delivered twice meanwhile. */
const LEASE_SPARE_MS = 5000;
/** How long a declare or delete waits for this node's loop to follow the change (the rest goes on behind). */
const CHANGE_WAIT_MS = 1000;
/** How long stop() waits for deliveries in flight by default. */
export const PUSH_STOP_GRACE_MS = 10_000;

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

class PushLoop {
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  readonly done: Promise<void>;

  constructor(
    readonly endpoint: PushEndpoint,
    private readonly o: PushOptions,
    private readonly onGone: (endpoint: PushEndpoint, reason: string) => Promise<void>,
  ) {
    this.done = this.run();
  }

  /**
   * Leases nothing more and waits up to `graceMs` for the deliveries in flight. Those still out
   * then are abandoned, as a crash would leave them: nothing settles their leases here, so the
   * messages come back when the leases run out (nothing is lost; the receiver may see them
   * again). The process ends them with its exit.
   */
  async stop(graceMs = PUSH_STOP_GRACE_MS): Promise<void> {
    this.stopping.abort();
    const finished = await withinMs(this.done.then(() => true), graceMs, () => false);
    if (!finished) {
      this.o.logger.warn(
        { queue: this.endpoint.queue, inFlight: this.inFlight.size, graceMs },
        'push: stopping without waiting for the deliveries still in flight; their leases return when they run out',
      );
      return;
    }
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
          visibilityMs: timeoutMs + LEASE_SPARE_MS,
          consumer: `push:${this.o.node}`,
          signal,
        });
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof BrokerError && err.code === 'queue_not_found') {
          // The endpoint went with its queue, or this node's topology is behind: ask the database.
          if ((await this.check()) === 'gone') break;
        } else this.o.logger.warn({ err, queue }, 'push: receive failed');
        await pause(1000, signal);
        continue;
      }
      const claimedAt = performance.now();
      if (deliveries.length === 0 && Date.now() - asked < 50) await pause(200, signal); // a poll that did not wait (broker stopping)
      // Nothing is sent on a claim before the endpoint it is for is known to be still stored.
      const verdict = signal.aborted ? 'stopping' : await this.check();
      if (verdict !== 'current') {
        await this.giveBack(deliveries);
        if (verdict === 'unknown') {
          await pause(1000, signal);
          continue;
        }
        this.stopping.abort();
        break;
      }
      for (const d of await this.stillLeased(deliveries, claimedAt)) {
        const p: Promise<void> = this.deliver(d).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Whether this loop's endpoint is still the stored one, asked after every claim (and every
   * empty poll). When it is not (deleted, with its queue or alone; disabled; replaced), the
   * leases just taken go back unspent, for whoever should have them, and the loop ends.
   */
  private async check(): Promise<'current' | 'gone' | 'unknown'> {
    const { queue, version } = this.endpoint;
    try {
      return (await pushEndpointIsCurrent(this.o.db, { queue, version })) ? 'current' : 'gone';
    } catch (err) {
      this.o.logger.warn({ err, queue }, 'push: endpoint check failed');
      return 'unknown';
    }
  }

  private stillLeased(deliveries: Delivery[], claimedAt: number): Promise<Delivery[]> {
    return stillLeased(this.claimDeps(), deliveries, claimedAt);
  }

  private giveBack(deliveries: Delivery[]): Promise<void> {
    return giveBack(this.claimDeps(), deliveries);
  }

  private claimDeps(): ClaimDeps {
    return { broker: this.o.broker, logger: this.o.logger, queue: this.endpoint.queue, leaseMs: this.endpoint.timeoutMs + LEASE_SPARE_MS };
  }

  private async deliver(d: Delivery): Promise<void> {
    const { queue, url, secret, timeoutMs } = this.endpoint;
    try {
      const result = await pushSend(
        { url, headers: pushRequestHeaders(d, secret, this.o.userAgent), body: d.body, timeoutMs, agents: this.agents },
        this.o.target,
      );
      const s = settle(result);
      if ('gone' in s) {
        this.stopping.abort(); // lease nothing more for an endpoint that is gone
        try {
          // Disabled first: another node's loop that claims the message meanwhile finds the
          // endpoint changed and gives it back unsent.
          await this.onGone(this.endpoint, `${displayUrl(url)} answered 410 Gone`);
        } finally {
          await this.o.broker.release(queue, [d.receipt]);
          this.o.onOutcome?.(queue, 'disabled');
        }
        return;
      }
      if (s.ack) {
        await this.o.broker.ack(queue, [d.receipt]);
        this.o.onOutcome?.(queue, 'acked');
        return;
      }
      await this.o.broker.nack(queue, [d.receipt], { error: s.error, ...(s.delayMs !== undefined ? { delayMs: s.delayMs } : {}) });
      this.o.onOutcome?.(queue, 'nacked');
    } catch (err) {
      this.o.logger.warn({ err, queue, messageId: d.id }, 'push: delivery could not be settled');
    }
  }
}

export function createPush(o: PushOptions) {
  /** Why a queue has no endpoint: it does not exist (404 queue_not_found, as on every queue route), or it has none. */
  const noEndpoint = async (queue: string): Promise<GatewayError> => {
    await o.broker.queueInfo(queue); // throws 404 queue_not_found, or 400 invalid_name
    return new GatewayError('push_not_found', `Queue '${queue}' has no push endpoint`, { queue });
  };
  const loops = new Map<string, PushLoop>();
  const unlisten: (() => Promise<void>)[] = [];
  let stopped = false;
  let stopping: Promise<void> | undefined;
  // Reloads of one queue run one after another, so two quick changes cannot start two loops.
  const pending = new Map<string, Promise<void>>();
  /** Loops told to stop that are still settling their requests in flight, per queue. */
  const winding = new Map<string, number>();

  const notify = (queue: string) => o.db.query('SELECT pg_notify($1, $2)', [PUSH_CHANNEL, queue]);
  /**
   * After a change to `queue`'s endpoint here: this node's loop now, the others through NOTIFY.
   * A loop for the old endpoint stops leasing at once, but the new one starts only when its
   * requests in flight have ended (up to PUSH_STOP_GRACE_MS), so `concurrency` holds across the
   * change. The PUT or DELETE does not wait for those: an operator replacing an endpoint that
   * hangs would otherwise wait as long as its requests do.
   */
  const changed = async (queue: string) => {
    await notify(queue);
    await withinMs(reload(queue), CHANGE_WAIT_MS, () => undefined);
  };

  const wanted = (e: PushEndpoint | null | undefined): e is PushEndpoint => e?.status === 'active' && !isInternalQueue(e.queue);

  async function disable({ queue, version }: PushEndpoint, reason: string): Promise<void> {
    await pushEndpointDisable(o.db, { queue, version, reason });
    o.logger.warn({ queue, reason }, 'push disabled');
    await notify(queue);
    void reload(queue);
  }

  /** Makes this node's loop for `queue` match the stored endpoint: started, restarted or stopped. */
  function reload(queue: string): Promise<void> {
    const next = (pending.get(queue) ?? Promise.resolve()).then(async () => {
      const current = loops.get(queue);
      const stored = stopped ? null : await pushEndpointGet(o.db, { queue });
      const endpoint = wanted(stored) ? stored : null;
      if (current && endpoint && endpoint.version === current.endpoint.version) return;
      if (current) {
        loops.delete(queue);
        winding.set(queue, (winding.get(queue) ?? 0) + 1);
        try {
          await current.stop();
        } finally {
          const left = winding.get(queue)! - 1;
          if (left === 0) winding.delete(queue);
          else winding.set(queue, left);
        }
      }
      if (endpoint && !stopped) {
        const loop = new PushLoop(endpoint, o, disable);
        loops.set(queue, loop);
        // A loop also ends by itself, when it finds its endpoint gone or changed (or its queue
        // deleted): this node then runs whatever is stored now.
        void loop.done.then(() => {
          if (loops.get(queue) !== loop) return;
          loops.delete(queue);
          if (!stopped) void reload(queue);
        });
      }
    });
    const settled = next.catch((err) => o.logger.error({ err, queue }, 'push: reload failed'));
    pending.set(queue, settled);
    return settled;
  }

  const warned = new Set<string>();
  /**
   * Reloads every queue whose loop here does not match the stored endpoints: at start, after a
   * topology change (a deleted queue takes its endpoint along without a push NOTIFY), and after
   * notifications were missed while the listening connection was down.
   */
  async function resync(): Promise<void> {
    const stored = new Map((await pushEndpointList(o.db)).map((e) => [e.queue, e]));
    const queues = new Set([...loops.keys(), ...stored.keys()]);
    await Promise.all(
      [...queues].map((queue) => {
        const e = stored.get(queue);
        if (e?.status === 'active' && isInternalQueue(queue) && !warned.has(queue)) {
          warned.add(queue);
          o.logger.warn({ queue }, `push: not delivering '${queue}': amq. queues are the broker's own`);
        }
        return loops.get(queue)?.endpoint.version === (wanted(e) ? e.version : undefined) ? undefined : reload(queue);
      }),
    );
  }
  const resyncLater = () => void resync().catch((err) => o.logger.error({ err }, 'push: resync failed'));

  return {
    async start(): Promise<void> {
      unlisten.push(
        await o.db.listen(PUSH_CHANNEL, (queue) => void reload(queue), resyncLater),
        await o.db.listen(TOPOLOGY_CHANNEL, resyncLater, resyncLater),
      );
      await resync();
    },
    /**
     * Stops every loop, waiting up to `graceMs` for deliveries in flight (PushLoop.stop); the
     * listening ends meanwhile. Bounded by `graceMs` as a whole, even when the database does not
     * answer. Later calls share the first one's stop.
     */
    stop(graceMs = PUSH_STOP_GRACE_MS): Promise<void> {
      return (stopping ??= (async () => {
        stopped = true;
        const all = [...loops.values()];
        loops.clear();
        const stops = Promise.all([
          ...all.map((l) => l.stop(graceMs)),
          // Loops being replaced are no longer in `loops`; their reloads wait for their deliveries.
          ...pending.values(),
          ...unlisten.splice(0).map((u) => u().catch((err) => o.logger.warn({ err }, 'push: unlisten failed'))),
        ]);
        await withinMs(stops, graceMs + 100, () => undefined);
      })());
    },
    /**
     * Creates or replaces a queue's endpoint after checking the URL with the SSRF guard (400
     * push_target_forbidden). Without a secret a new endpoint gets a generated one, returned
     * here once; an existing endpoint keeps its own.
     */
    async declare(queue: string, p: { url: string; secret?: string; concurrency: number; timeoutMs: number }) {
      checkDeclarableName('queue', queue); // 400 reserved_name for the broker's own amq. queues
      await o.broker.queueInfo(queue); // 404 queue_not_found
      if (p.secret !== undefined && !standardSecretKey(p.secret)) {
        throw fieldInvalid('secret', 'a push secret is whsec_ followed by base64 of at least 16 bytes (or leave it out: one is generated)');
      }
      try {
        await resolveTarget(new URL(p.url), o.target);
      } catch (e) {
        if (e instanceof PushTargetForbidden) throw new GatewayError('push_target_forbidden', e.message, { url: displayUrl(p.url) });
        throw fieldInvalid('url', `cannot resolve the host: ${(e as Error).message}`);
      }
      const newSecret = newWebhookSecret();
      const { created, endpoint } = await pushEndpointUpsert(o.db, { queue, ...p, secret: p.secret ?? null, newSecret });
      await changed(queue);
      return { created, endpoint, generatedSecret: endpoint.secret === newSecret ? newSecret : undefined };
    },
    /** The queue's endpoint: 404 queue_not_found without the queue (400 invalid_name for a name no queue can have), push_not_found without an endpoint. */
    async get(queue: string): Promise<PushEndpoint> {
      const endpoint = await pushEndpointGet(o.db, { queue });
      if (!endpoint) throw await noEndpoint(queue);
      return endpoint;
    },
    find: (queue: string): Promise<PushEndpoint | null> => pushEndpointGet(o.db, { queue }),
    list: (): Promise<PushEndpoint[]> => pushEndpointList(o.db),
    async remove(queue: string): Promise<void> {
      if (!(await pushEndpointDelete(o.db, { queue }))) throw await noEndpoint(queue);
      await changed(queue);
    },
    /** Whether this node runs a loop for `queue`, counting one still settling the requests it has in flight. */
    running: (queue: string) => loops.has(queue) || winding.has(queue),
  };
}

export type Push = ReturnType<typeof createPush>;
