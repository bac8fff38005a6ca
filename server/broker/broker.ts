import { setMaxListeners } from 'node:events';
import type { Db } from '../../db/driver';
import type { Broker, ExchangeInfo } from './api';
import { createClaimCombiner } from './claim-combiner';
import { receive } from './deliver';
import { BrokerError, commitTimeout, DEFAULT_COMMIT_TIMEOUT_MS } from './errors';
import { EventSink } from './event-sink';
import { Handoff } from './handoff';
import { MEMORY_DEFAULT_MAX_BYTES, MEMORY_DEFAULT_MAX_ENTRIES, MemoryStore } from './memory/memory-store';
import { possibleDeadLetterQueues } from './dead-letter-targets';
import { checkName, checkStoredText } from './names';
import { reportDeadAfter } from './pg/dead-letter';
import { createDeadLetterOps } from './dead-letter-ops';
import { queueEntryNextVisibleMs, queueEntryPurge } from './pg/queue-read';
import { queueEntryClaim } from './pg/queue-entry-claim';
import { createGroupCommit } from './group-commit';
import { queueDepthRead } from './pg/queue-depth';
import { queueEntryAck, queueEntryExtend, queueEntryNack, queueEntryRelease } from './pg/queue-entry-settle';
import { createHousekeeping, every, VACUUM_INTERVAL_MS } from './housekeeping';
import { createReads } from './reads';
import { forgetReplyQueue, replyQueueName, RequestReply } from './request-reply';
import { fanOut, noTelemetry, type Telemetry } from './telemetry';
import { Publisher } from './publish';
import { listenToOtherNodes } from './listen';
import { LiveFigures, rateKey } from './live-figures';
import { fixUpStoredHeaderBindings } from './pg/binding-case-fixup';
import { pageByName, type ListPage } from './list-page';
import { RateMeter } from './rates';
import { otherQueueReceipts } from './stale-receipts';
import { parseReceipt, settlement, type Receipt } from './receipts';
import { TopologyStore } from './topology';
import { checkUserQueue } from './topology-checks';
import type { PublishInput, PublishResult, Queue, QueueDepth } from './types';
import { Waiters } from './waiters';
import { ConsumersSeen } from './consumers-seen';
import { queueInfo } from './queue-info';
import { commitFor, inDatabase } from './tiers';

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
  /** How often queue depth is sampled for charts (default 5 s). */
  sampleIntervalMs?: number;
  /** Stored messages, events and samples older than this are dropped (default 7 days). */
  retentionMs?: number;
  telemetry?: Telemetry;
  /** Singleton work (depth sampling, retention) runs only while this says so (default: always). */
  isLeader?: () => boolean;
  /**
   * False while another live process holds this node's id (the cluster took it over while this
   * one was silent): the node's reply queue is then that process's, and this one neither
   * consumes it (it would take that process's replies) nor deletes it when it stops (default: always true).
   */
  ownsNodeId?: () => boolean;
  /** Most entries all memory-tier queues may hold together (default 200,000). */
  memoryLimit?: number;
  /** Most body bytes all memory-tier entries may hold together (default 256 MiB). */
  memoryMaxBytes?: number;
  /** A waiting long poll looks at its queue again at least this often, in case a wake-up was missed (default 1 s). */
  recheckMs?: number;
  /** A publish or ack waits this long for the database's commit, then is answered 503 database_timeout (default 15 s). */
  commitTimeoutMs?: number;
  /** The other live nodes' `liveFigures()`, as the cluster last read them: consumers and rates then count the whole cluster. */
  peerFigures?: () => readonly unknown[];
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/** The composition of the broker's stages; every method is validate → stage → record. */
export function createBroker(options: BrokerOptions): Broker {
  const { db, node } = options;
  const log = options.logger ?? silent;
  const dedupWindowMs = options.dedupWindowMs ?? 86_400_000;
  const recheckMs = options.recheckMs ?? 1000;
  const commitTimeoutMs = options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
  const waiters = new Waiters();
  const handoff = new Handoff();
  const rates = new RateMeter();
  const consumers = new ConsumersSeen();
  const live = new LiveFigures(node, { consumers, waiters, rates }, options.peerFigures);
  const stopping = new AbortController();
  // Every long poll waiting on this node listens to it: a few hundred at once is normal, not a leak.
  setMaxListeners(0, stopping.signal);
  const events = new EventSink(db, node);
  const topology = new TopologyStore(db, { waitLimitMs: commitTimeoutMs, node });
  const local: Telemetry = {
    ...noTelemetry,
    published: (exchange, n) => rates.add(rateKey.exchange(exchange), n),
    routed: (queue, n) => rates.add(rateKey.queue(queue, 'in'), n),
    delivered: (queue, _ages, n) => rates.add(rateKey.queue(queue, 'out'), n),
    acked: (queue, n) => rates.add(rateKey.queue(queue, 'ack'), n),
    // a dead letter arriving in its dead-letter queue counts as coming in, as a routed publish does
    deadLettered: (_queue, _reason, _n, arrivals) => {
      for (const [q, n] of arrivals) rates.add(rateKey.queue(q, 'in'), n);
    },
  };
  const telemetry = options.telemetry ? fanOut(local, options.telemetry) : local;
  const onDead = telemetry.deadLettered;
  const memory = new MemoryStore({ events, onReady: (qs) => waiters.wake(qs), onDead, log });
  /** Wakes long polls on `names` and, for those where entries may have died, on their dead-letter queues. */
  const wake = (names: string[], mayDeadLetter: (q: Queue) => boolean = () => true) => {
    const snapshot = topology.snapshot;
    const dying = names.filter((n) => {
      const q = snapshot.queues.get(n);
      return !!q && inDatabase(q.settings.durability) && mayDeadLetter(q);
    });
    waiters.wake([...names, ...dying.flatMap((n) => possibleDeadLetterQueues(snapshot, n))]);
  };
  const publisher = new Publisher({
    db,
    node,
    topology: () => topology.snapshot,
    memory,
    dedupWindowMs,
    memoryLimit: options.memoryLimit ?? MEMORY_DEFAULT_MAX_ENTRIES,
    memoryMaxBytes: options.memoryMaxBytes ?? MEMORY_DEFAULT_MAX_BYTES,
    onCommitted: (qs) => wake(qs, (q) => q.settings.maxLength != null),
    onPublished: (exchange, n) => telemetry.published(exchange, n),
    onBatch: (size) => telemetry.groupCommit(size),
    onDead,
    log,
    handoff,
    commitTimeoutMs,
  });
  // Receives and acks are combined like publishes: concurrent ones share a statement.
  const claims = createClaimCombiner({
    claim: (queue, visibilityMs) => queueEntryClaim(db, { queue, visibilityMs, node }),
    nextVisibleMs: (queue) => queueEntryNextVisibleMs(db, { queue }),
  });
  // Durable acks (not replicated: those commit remote_apply on their own) share one commit, so
  // one WAL flush answers every ack that arrived while the previous one was being written.
  const acks = createGroupCommit(
    (batch: { queue: string; receipts: Receipt[] }[]) => queueEntryAck(db, { acks: batch, node }),
    { maxBatch: 256, concurrency: 2, timeout: { ms: commitTimeoutMs, error: (o) => commitTimeout('ack', { ...o, timeoutMs: commitTimeoutMs }) } },
  );
  const release = async (queue: Queue, deliveries: { receipt: string }[]) => {
    const released = await queueEntryRelease(db, { queue: queue.name, receipts: receipts(deliveries.map((d) => d.receipt)), node });
    if (released > 0) waiters.wake([queue.name]);
  };
  const reads = createReads({ db, topology, memory });
  const housekeeping = createHousekeeping({
    db,
    node,
    topology: () => topology.snapshot,
    memory,
    wake: (qs) => wake(qs),
    depths: (names) => depths(names.map((n) => topology.snapshot.queues.get(n)).filter((q): q is Queue => !!q)),
    dedupWindowMs,
    retentionMs: options.retentionMs ?? 7 * 86_400_000,
    onDead,
    isLeader: options.isLeader,
    log,
    onOwnVacuum: () =>
      log.warn({}, `PostgreSQL runs without autovacuum: this node vacuums and analyzes the queue tables every ${VACUUM_INTERVAL_MS / 1000} s; turn autovacuum on to leave it to PostgreSQL`),
  });
  const replies = new RequestReply({
    declareReplyQueue: async () => {
      const name = replyQueueName(node);
      await topology.declareQueue(name, { deadLetter: false, maxDeliveries: 1 }, { internal: true });
      return name;
    },
    deleteReplyQueue: (name) => topology.deleteQueue(name, { internal: true }),
    owns: options.ownsNodeId ?? (() => true),
    publish: (input) => broker.publish(input),
    receive: (queue, o) => consume.receive(queue, o),
    ack: (queue, r) => consume.ack(queue, r),
    release: (queue, r) => consume.release(queue, r),
    record: (e) => events.record(e),
    onError: (err) => log.warn({ err }, 'reply consumer'),
  });
  const cleanups: (() => Promise<void> | void)[] = [];
  const receipts = (list: string[]): Receipt[] => list.map(parseReceipt);
  /** What a settlement of `list` on `name` answers: settled count, stale receipts, and those of them current on another queue. */
  const settled = async (name: string, list: string[], rs: Receipt[], done: Set<string>) => {
    const { n, stale } = settlement(list, rs, done);
    const otherQueue = await otherQueueReceipts(db, memory, name, stale);
    return { n, stale, ...(otherQueue.length > 0 ? { otherQueue } : {}) };
  };
  const isMemory = (q: Queue) => q.settings.durability === 'memory';

  async function depths(names: Queue[]): Promise<Map<string, QueueDepth>> {
    const durable = names.filter((q) => !isMemory(q)).map((q) => q.name);
    const result = await queueDepthRead(db, { queues: durable });
    for (const q of names) if (isMemory(q)) result.set(q.name, memory.depth(q.name));
    return result;
  }

  const info = (q: Queue, d: QueueDepth | undefined) => queueInfo(q, d, live.queue(q.name));

  /** Receive, ack and release on any queue, this node's own reply queue included: the API's refuse `amq.` queues. */
  const consume: Pick<Broker, 'receive' | 'ack' | 'release'> = {
    async receive(name, options) {
      checkName('queue', name);
      await topology.queueAfterReload(name);
      if (options.consumer) {
        consumers.seen(name, options.consumer);
      }
      const deliveries = await receive(
        { claims, memory, waiters, stopping: stopping.signal, recheckMs, handoff, release },
        () => topology.queue(name),
        options,
      );
      if (deliveries.length > 0) {
        if (options.consumer) consumers.deliveredTo(name, options.consumer, deliveries.length);
        const now = Date.now();
        const ages = deliveries.filter((d) => d.attempt === 1).map((d) => now - d.publishedAt.getTime());
        telemetry.delivered(name, ages, deliveries.length);
      }
      return deliveries;
    },
    async ack(name, list) {
      const q = await topology.queueAfterReload(name);
      const rs = receipts(list);
      const done = isMemory(q)
        ? memory.ack(name, rs)
        : q.settings.durability === 'replicated'
          ? (await db.tx((tx) => queueEntryAck(tx, { acks: [{ queue: name, receipts: rs }], node }), { synchronousCommit: 'remote_apply' }))[0]!
          : await acks.submit({ queue: name, receipts: rs });
      const { n, ...rest } = await settled(name, list, rs, done);
      telemetry.acked(name, n);
      return { acked: n, ...rest };
    },
    async release(name, list) {
      const q = await topology.queueAfterReload(name);
      const rs = receipts(list);
      if (isMemory(q)) return { released: memory.release(name, rs) };
      const released = await queueEntryRelease(db, { queue: name, receipts: rs, node });
      if (released > 0) waiters.wake([name]);
      return { released };
    },
  };

  /** `batch`: a batch request's messages, whose errors name the message (`messages.1.delayMs`), a batch of one too. */
  async function publishAll(inputs: PublishInput[], batch: boolean): Promise<PublishResult[]> {
    const started = performance.now();
    // Route on the newest topology this node was told about (settled() waits no longer than a commit).
    await topology.settled();
    const results = await publisher.publishBatch(inputs, { batch });
    telemetry.publishDuration((performance.now() - started) / 1000);
    for (const r of results) for (const q of r.queues) telemetry.routed(q, 1);
    return results;
  }

  const deadLetterOps = createDeadLetterOps({
    db,
    node,
    topology,
    memory,
    waiters,
    telemetry,
    log,
    memoryLimits: { maxEntries: options.memoryLimit ?? MEMORY_DEFAULT_MAX_ENTRIES, maxBytes: options.memoryMaxBytes ?? MEMORY_DEFAULT_MAX_BYTES },
  });

  const broker: Broker = {
    node,
    async start() {
      await fixUpStoredHeaderBindings(db, log);
      await topology.load();
      cleanups.push(...(await listenToOtherNodes({ db, node, topology, waiters, log })));
      const failed = (what: string) => (err: unknown) => log.warn({ err }, `${what} failed`);
      cleanups.push(
        every(options.sweepIntervalMs ?? 1000, housekeeping.sweep, failed('sweep')),
        every(options.sampleIntervalMs ?? 5000, housekeeping.sample, failed('depth sampling')),
        every(60_000, housekeeping.retain, failed('retention')),
        every(VACUUM_INTERVAL_MS, housekeeping.vacuum, failed('vacuum')),
      );
    },
    async stop() {
      await replies.stop();
      stopping.abort();
      waiters.wakeAll();
      for (const c of cleanups.splice(0).reverse()) await c();
      await publisher.drain();
      await acks.drain();
      await events.flush();
    },

    sweep: () => housekeeping.sweep(),
    liveFigures: () => live.shared(),
    forgetNode: (gone) => forgetReplyQueue(topology, node, gone),

    declareExchange: (name, type) => topology.declareExchange(name, type),
    deleteExchange: (name) => topology.deleteExchange(name),
    async listExchanges(page?: ListPage): Promise<ExchangeInfo[]> {
      const s = topology.snapshot;
      const sorted = [...s.exchanges.values()].sort((a, b) => a.name.localeCompare(b.name));
      return pageByName(sorted, page).map((e) => ({ ...e, bindings: s.bindingsByExchange.get(e.name)?.length ?? 0, publishRate: live.exchangeRate(e.name) }));
    },
    declareQueue: (name, declaration) => topology.declareQueue(name, declaration),
    async deleteQueue(name) {
      const q = await topology.queueAfterReload(name);
      await topology.deleteQueue(name);
      if (isMemory(q)) memory.purge(name);
      waiters.wake([name]);
    },
    async listQueues(page?: ListPage) {
      const listed = pageByName([...topology.snapshot.queues.values()].sort((a, b) => a.name.localeCompare(b.name)), page);
      const d = await depths(listed);
      return listed.map((q) => info(q, d.get(q.name)));
    },
    async queueInfo(name) {
      const q = await topology.queueAfterReload(name);
      return info(q, (await depths([q])).get(name));
    },
    async queueConsumers(name) {
      await topology.queueAfterReload(name);
      return live.consumers(name);
    },
    async purge(name) {
      checkUserQueue(name, 'purged');
      const q = await topology.queueAfterReload(name);
      if (isMemory(q)) return { purged: memory.purge(name) };
      return { purged: await db.tx((tx) => queueEntryPurge(tx, { queue: name }), commitFor(topology.snapshot, [name])) };
    },
    bind: (b) => topology.bind(b),
    unbind: (b) => topology.unbind(b),
    exportDefinitions: () => topology.exportDefinitions(),
    importDefinitions: (defs) => topology.importDefinitions(defs),

    async publish(input) {
      return (await publishAll([input], false))[0]!;
    },
    publishBatch: (inputs) => publishAll(inputs, true),

    forgetConsumer(consumer) {
      consumers.forget(consumer);
    },

    async receive(name, options) {
      checkUserQueue(name, 'consumed');
      return consume.receive(name, options);
    },
    async ack(name, list) {
      checkUserQueue(name, 'consumed');
      return consume.ack(name, list);
    },
    async nack(name, list, opts) {
      checkUserQueue(name, 'consumed');
      // the error lands in PostgreSQL (events, death.lastError) on every tier: refused alike
      checkStoredText({ error: opts.error });
      const q = await topology.queueAfterReload(name);
      const rs = receipts(list);
      const snapshot = topology.snapshot;
      const done = isMemory(q)
        ? memory.nack(q, rs, opts, snapshot)
        : await reportDeadAfter(onDead, (collect) =>
            db.tx(
              (tx) => queueEntryNack(tx, { queue: q, receipts: rs, options: opts, topology: snapshot, node, onDead: collect, log }),
              // its dead-letter targets share its tier (dead-letter-targets.ts), so the queue decides
              commitFor(snapshot, [name]),
            ),
          );
      wake([name]);
      const { n, ...rest } = await settled(name, list, rs, done);
      telemetry.nacked(name, n);
      return { nacked: n, ...rest };
    },
    async extend(name, list, visibilityMs) {
      checkUserQueue(name, 'consumed');
      const q = await topology.queueAfterReload(name);
      if (!Number.isInteger(visibilityMs) || visibilityMs < 100 || visibilityMs > 12 * 3600_000) {
        throw new BrokerError('validation_failed', 'visibilityMs must be a whole number from 100 to 43200000', { field: 'visibilityMs' });
      }
      const rs = receipts(list);
      const done = isMemory(q) ? memory.extend(name, rs, visibilityMs) : await queueEntryExtend(db, { queue: name, receipts: rs, visibilityMs });
      const { n, ...rest } = await settled(name, list, rs, done);
      return { extended: n, ...rest };
    },
    async release(name, list) {
      checkUserQueue(name, 'consumed');
      return consume.release(name, list);
    },

    ...deadLetterOps,
    request: (input, timeoutMs) => replies.request(input, timeoutMs),
    ...reads,
  };
  return broker;
}

export { replyQueueName } from './request-reply';
