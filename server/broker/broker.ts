import type { Db } from '../../db/driver';
import type { Broker, ExchangeInfo, MessageDetail, QueueInfo } from './api';
import { receive } from './deliver';
import { BrokerError, notFound } from './errors';
import { EventSink } from './event-sink';
import { MemoryStore } from './memory/memory-store';
import { possibleDeadLetterQueues } from './dead-letter-targets';
import { checkHeaders, checkName, checkStoredText } from './names';
import { READY_CHANNEL, parseReadyPayload } from './pg/notify';
import { deadLetterReplay } from './pg/replay';
import { messageGet, queueEntryDepths, queueEntryPurge, type QueueDepth } from './pg/queue-read';
import { queueEntryAck, queueEntryExtend, queueEntryNack } from './pg/queue-entry-settle';
import { idempotencyKeyExpire, queueSweep } from './pg/sweep';
import { Publisher } from './publish';
import { RateMeter } from './rates';
import { parseReceipt, type Receipt } from './receipts';
import { TOPOLOGY_CHANNEL, TopologyStore } from './topology';
import type { Queue, ReplayRequest } from './types';
import { Waiters } from './waiters';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface BrokerOptions {
  db: Db;
  node: string;
  logger?: Logger;
  /** Idempotency keys are remembered this long (default 24 h). */
  dedupWindowMs?: number;
  /** How often the sweeper dead-letters spent leases and expired entries (default 1 s). */
  sweepIntervalMs?: number;
}

const silent: Logger = { info() {}, warn() {}, error() {} };
const CONSUMER_WINDOW_MS = 30_000;

/** The composition of the broker's stages; every method is validate → stage → record. */
export function createBroker(options: BrokerOptions): Broker {
  const { db, node } = options;
  const log = options.logger ?? silent;
  const dedupWindowMs = options.dedupWindowMs ?? 86_400_000;
  const waiters = new Waiters();
  const rates = new RateMeter();
  const consumers = new Map<string, Map<string, number>>();
  const stopping = new AbortController();
  const events = new EventSink(db, node);
  const topology = new TopologyStore(db);
  const memory = new MemoryStore({ events, onReady: (qs) => waiters.wake(qs) });
  /** Wakes long polls on `names` and, for those where entries may have died, on their dead-letter queues. */
  const wake = (names: string[], mayDeadLetter: (q: Queue) => boolean = () => true) => {
    const snapshot = topology.snapshot;
    const dying = names.filter((n) => {
      const q = snapshot.queues.get(n);
      return q?.settings.durability === 'durable' && mayDeadLetter(q);
    });
    waiters.wake([...names, ...dying.flatMap((n) => possibleDeadLetterQueues(snapshot, n))]);
  };
  const publisher = new Publisher({
    db,
    node,
    topology: () => topology.snapshot,
    memory,
    dedupWindowMs,
    onCommitted: (qs) => wake(qs, (q) => q.settings.maxLength != null),
    onPublished: (exchange, n) => rates.add(`x:${exchange}`, n),
  });
  const cleanups: (() => Promise<void> | void)[] = [];

  const receipts = (list: string[]): Receipt[] => list.map(parseReceipt);
  const split = (list: string[], settled: Set<number>) => {
    const stale = list.filter((r) => !settled.has(parseReceipt(r).entryId));
    return { n: list.length - stale.length, stale };
  };
  const isMemory = (q: Queue) => q.settings.durability === 'memory';

  async function depths(names: Queue[]): Promise<Map<string, QueueDepth>> {
    const durable = names.filter((q) => !isMemory(q)).map((q) => q.name);
    const result = durable.length > 0 ? await queueEntryDepths(db, { queues: durable }) : new Map<string, QueueDepth>();
    for (const q of names) if (isMemory(q)) result.set(q.name, memory.depth(q.name));
    return result;
  }

  function info(q: Queue, d: QueueDepth | undefined): QueueInfo {
    const seen = consumers.get(q.name);
    const cutoff = Date.now() - CONSUMER_WINDOW_MS;
    let active = 0;
    for (const [who, at] of seen ?? []) if (at >= cutoff) active++;
      else seen!.delete(who);
    return {
      name: q.name,
      settings: q.settings,
      ready: d?.ready ?? 0,
      inFlight: d?.inFlight ?? 0,
      delayed: d?.delayed ?? 0,
      oldestReadyAgeMs: d?.oldestReadyAgeMs ?? null,
      consumers: Math.max(active, waiters.count(q.name)),
      publishRate: rates.rate(`q:${q.name}:in`),
      deliverRate: rates.rate(`q:${q.name}:out`),
      ackRate: rates.rate(`q:${q.name}:ack`),
    };
  }

  async function sweep(): Promise<void> {
    const snapshot = topology.snapshot;
    memory.sweep(snapshot);
    for (const q of snapshot.queues.values()) {
      if (isMemory(q)) continue;
      const moved = await db.tx((tx) => queueSweep(tx, { queue: q.name, topology: snapshot, node }));
      if (moved > 0) wake([q.name]);
    }
    await idempotencyKeyExpire(db, { windowMs: dedupWindowMs });
  }

  const broker: Broker = {
    node,
    async start() {
      await topology.load();
      cleanups.push(
        await db.listen(TOPOLOGY_CHANNEL, () => void topology.load().catch((e) => log.error({ err: e }, 'topology reload failed'))),
        await db.listen(READY_CHANNEL, (payload) => {
          const { node: from, queues } = parseReadyPayload(payload);
          if (from !== node) waiters.wake(queues);
        }),
      );
      let sweeping = false;
      const timer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweep()
          .catch((e) => log.warn({ err: e }, 'sweep failed'))
          .finally(() => (sweeping = false));
      }, options.sweepIntervalMs ?? 1000);
      cleanups.push(() => clearInterval(timer));
    },
    async stop() {
      stopping.abort();
      waiters.wakeAll();
      for (const c of cleanups.splice(0).reverse()) await c();
      await publisher.drain();
      await events.flush();
    },

    declareExchange: (name, type) => topology.declareExchange(name, type),
    deleteExchange: (name) => topology.deleteExchange(name),
    async listExchanges(): Promise<ExchangeInfo[]> {
      const s = topology.snapshot;
      return [...s.exchanges.values()]
        .map((e) => ({ ...e, bindings: s.bindingsByExchange.get(e.name)?.length ?? 0, publishRate: rates.rate(`x:${e.name}`) }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    declareQueue: (name, declaration) => topology.declareQueue(name, declaration),
    async deleteQueue(name) {
      const q = topology.queue(name);
      await topology.deleteQueue(name);
      if (isMemory(q)) memory.purge(name);
      waiters.wake([name]);
    },
    async listQueues() {
      const all = [...topology.snapshot.queues.values()].sort((a, b) => a.name.localeCompare(b.name));
      const d = await depths(all);
      return all.map((q) => info(q, d.get(q.name)));
    },
    async queueInfo(name) {
      const q = topology.queue(name);
      return info(q, (await depths([q])).get(name));
    },
    async purge(name) {
      const q = topology.queue(name);
      return { purged: isMemory(q) ? memory.purge(name) : await queueEntryPurge(db, { queue: name }) };
    },
    bind: (b) => topology.bind(b),
    unbind: (b) => topology.unbind(b),
    exportDefinitions: () => topology.exportDefinitions(),
    importDefinitions: (defs) => topology.importDefinitions(defs),

    async publish(input) {
      return (await broker.publishBatch([input]))[0]!;
    },
    async publishBatch(inputs) {
      const results = await publisher.publishBatch(inputs);
      for (const r of results) for (const q of r.queues) rates.add(`q:${q}:in`);
      return results;
    },

    async receive(name, options) {
      checkName('queue', name);
      topology.queue(name);
      if (options.consumer) {
        if (!consumers.has(name)) consumers.set(name, new Map());
        consumers.get(name)!.set(options.consumer, Date.now());
      }
      const deliveries = await receive({ db, node, memory, waiters, stopping: stopping.signal }, () => topology.queue(name), options);
      if (deliveries.length > 0) rates.add(`q:${name}:out`, deliveries.length);
      return deliveries;
    },
    async ack(name, list) {
      const q = topology.queue(name);
      const rs = receipts(list);
      const settled = isMemory(q) ? memory.ack(name, rs) : await queueEntryAck(db, { queue: name, receipts: rs, node });
      const { n, stale } = split(list, settled);
      rates.add(`q:${name}:ack`, n);
      return { acked: n, stale };
    },
    async nack(name, list, opts) {
      const q = topology.queue(name);
      const rs = receipts(list);
      const snapshot = topology.snapshot;
      const settled = isMemory(q)
        ? memory.nack(q, rs, opts, snapshot)
        : await db.tx((tx) => queueEntryNack(tx, { queue: q, receipts: rs, options: opts, topology: snapshot, node }));
      wake([name]);
      const { n, stale } = split(list, settled);
      return { nacked: n, stale };
    },
    async extend(name, list, visibilityMs) {
      const q = topology.queue(name);
      if (!Number.isInteger(visibilityMs) || visibilityMs < 100 || visibilityMs > 12 * 3600_000) {
        throw new BrokerError('validation_failed', 'visibilityMs must be a whole number from 100 to 43200000', { field: 'visibilityMs' });
      }
      const rs = receipts(list);
      const settled = isMemory(q) ? memory.extend(name, rs, visibilityMs) : await queueEntryExtend(db, { queue: name, receipts: rs, visibilityMs });
      const { n, stale } = split(list, settled);
      return { extended: n, stale };
    },

    async replay(dlq, request: ReplayRequest) {
      const q = topology.queue(dlq);
      if (!request.all && !request.ids && !request.filter) {
        throw new BrokerError('validation_failed', 'Say which dead letters to replay: ids, all: true, or a filter', {});
      }
      if (request.edit?.headers) checkHeaders(request.edit.headers);
      checkStoredText({ contentType: request.edit?.contentType, 'filter.error': request.filter?.error, 'filter.routingKey': request.filter?.routingKey });
      const snapshot = topology.snapshot;
      const replayed = isMemory(q)
        ? memory.replay(dlq, request, snapshot)
        : await db.tx((tx) => deadLetterReplay(tx, { dlq, request, topology: snapshot, node }));
      waiters.wakeAll();
      return { replayed };
    },
    async getMessage(id): Promise<MessageDetail> {
      const found = /^[0-9a-f-]{36}$/i.test(id) ? await messageGet(db, { id }) : null;
      if (!found) throw notFound('message', id);
      return found;
    },
  };
  return broker;
}
