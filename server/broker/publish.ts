import { uuidv4, uuidv7 } from './ids';
import type { Db } from '../../db/driver';
import { BrokerError, commitTimeout, notFound } from './errors';
import type { GroupCommit } from './group-commit';
import { createGroupCommit } from './group-commit';
import type { Handoff } from './handoff';
import type { MemoryStore } from './memory/memory-store';
import { MemoryDedup } from './memory/memory-dedup';
import { checkMemoryRoom } from './memory/memory-room';
import { checkHeaders, checkName, checkRoutingKey, checkStoredText } from './names';
import { reportDeadAfter, type DeadLetterLog, type OnDead } from './pg/dead-letter';
import { insertNeedsTransaction, messageInsertMany, storedFirstPublishes, type InsertOutcome, type PreparedMessage } from './pg/message-insert';
import { BatchKeys, inStore } from './publish-keys';
import { route, type TopologySnapshot } from './route';
import { storedMessage } from './stored-message';
import { anyReplicated, inDatabase, tierOf } from './tiers';
import type { PublishInput, PublishResult, StoredMessage } from './types';

export interface PublisherDeps {
  db: Db;
  node: string;
  topology: () => TopologySnapshot;
  memory: MemoryStore;
  dedupWindowMs: number;
  /** Most entries the memory tier may hold; publishes that would pass it are refused (507). */
  memoryLimit: number;
  /** Most body bytes the memory-tier entries may hold together. */
  memoryMaxBytes: number;
  /** Local long polls to wake once a batch has committed. */
  onCommitted: (queues: string[]) => void;
  onPublished?: (exchange: string, count: number) => void;
  onBatch?: (size: number) => void;
  /** Entries dead-lettered by a queue's max length, reported after their commit. */
  onDead?: OnDead;
  /** The broker's logger (dead letters kept for want of a target in their tier). */
  log: DeadLetterLog;
  /** This node's long polls waiting for entries: a flush leases its entries to them directly. */
  handoff?: Handoff;
  /** A publish waits this long for its commit, then is answered 503 database_timeout (group-commit.ts). */
  commitTimeoutMs: number;
}

interface Flushed {
  outcomes: InsertOutcome[];
  /** Queues whose every entry of the flush went to a waiting poll: no other poll needs waking. */
  handedOff: Set<string>;
}

const NONE_HANDED_OFF = new Set<string>();

export const MAX_DELAY_MS = 7 * 86_400_000;

/**
 * A batch message's error, naming the message and its field: `details.field` is the path in the
 * batch body (`messages.1.delayMs`), as a JSON field's error is (gateway/http.ts). A check that
 * names its own field (headers, stored text) keeps it, under the message.
 */
function inMessage(e: unknown, index: number, field: string): unknown {
  if (!(e instanceof BrokerError)) return e;
  const own = typeof e.details?.field === 'string' ? e.details.field : '';
  const path = ['messages', index, field || own].filter((p) => p !== '').join('.');
  const named = field || own ? `messages[${index}].${field || own}` : `messages[${index}]`;
  return new BrokerError(e.code, `${named}: ${e.message}`, { ...e.details, field: path });
}

/** W3C traceparent: version-traceid-parentid-flags; its trace-id serves as a correlation ID. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const parts = traceparent?.trim().split('-');
  return parts?.length === 4 && /^[0-9a-f]{32}$/.test(parts[1]!) && !/^0+$/.test(parts[1]!) ? parts[1] : undefined;
}

/**
 * Publish: validate → route (pure, on the cached topology) → store, through group commit, so
 * that one transaction serves every publish that arrives while the previous one commits. A
 * publish resolves only after its batch committed. A batch request is one unit: all or nothing.
 */
export class Publisher {
  private readonly commit: GroupCommit<{ messages: PreparedMessage[]; persistent: boolean; replicated: boolean }, Flushed>;
  private readonly memoryKeys: MemoryDedup;

  constructor(private readonly deps: PublisherDeps) {
    this.memoryKeys = new MemoryDedup(deps.dedupWindowMs, deps.memoryLimit);
    this.commit = createGroupCommit(
      async (items) => {
        const messages = items.flatMap((i) => i.messages);
        const topology = deps.topology();
        // One replicated entry makes the whole batch wait for the standby: the batch is one commit.
        const replicated = items.some((i) => i.replicated);
        const persistent = items.some((i) => i.persistent);
        const insert = { messages, dedupWindowMs: deps.dedupWindowMs, topology, node: deps.node, log: deps.log };
        // Handoff only where the one statement is the whole transaction: its success is the commit.
        const needsTransaction = insertNeedsTransaction(messages, topology);
        const handoff = needsTransaction ? undefined : deps.handoff?.batch();
        let outcomes: InsertOutcome[];
        try {
          outcomes = needsTransaction
            ? // max length drops the oldest entries into the DLQ: counted once the batch committed
              await reportDeadAfter(deps.onDead, (onDead) =>
                deps.db.tx((q) => messageInsertMany(q, { ...insert, onDead }), { synchronousCommit: replicated ? 'remote_apply' : persistent }),
              )
            : await messageInsertMany(deps.db, { ...insert, synchronousCommit: replicated ? 'remote_apply' : persistent ? null : 'off', handoff });
        } catch (e) {
          handoff?.failed();
          throw e;
        }
        const handedOff = handoff?.allLeased() ?? NONE_HANDED_OFF;
        let offset = 0;
        return items.map((i) => ({ outcomes: outcomes.slice(offset, (offset += i.messages.length)), handedOff }));
      },
      // On PostgreSQL two flushes in flight: one is sent, parsed and planned while the other
      // holds the log-order lock and commits (same-machine A/B: batch publish +7–20%, single
      // publishes 0–17%). PGlite runs one statement at a time: a second flush would only wait.
      {
        onBatch: deps.onBatch,
        concurrency: deps.db.kind === 'postgres' ? 2 : 1,
        timeout: { ms: deps.commitTimeoutMs, error: (o) => commitTimeout('publish', { ...o, timeoutMs: deps.commitTimeoutMs }) },
      },
    );
  }

  /**
   * Checks and routes one message. `index`: its place in a batch, whose errors then name it, as
   * `messages[1].delayMs: …` with `details.field` `messages.1.delayMs` (the batch body's path).
   */
  prepare(input: PublishInput, index?: number): PreparedMessage {
    const topology = this.deps.topology();
    checkName('exchange', input.exchange);
    if (!topology.exchanges.has(input.exchange)) throw notFound('exchange', input.exchange);
    // One try for every check (no closure per check: this runs for every message published);
    // `field` says which check threw, so a batch error can name the message's field.
    let field = 'routingKey';
    let queues: string[];
    try {
      checkRoutingKey(input.routingKey);
      field = 'delayMs';
      if (input.delayMs !== undefined && (!Number.isInteger(input.delayMs) || input.delayMs < 0 || input.delayMs > MAX_DELAY_MS)) {
        throw new BrokerError('validation_failed', `Delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`, {
          delayMs: input.delayMs,
        });
      }
      field = 'replyTo';
      if (input.replyTo !== undefined) checkName('queue', input.replyTo);
      field = 'headers';
      checkHeaders(input.headers);
      field = '';
      checkStoredText({
        contentType: input.contentType,
        correlationId: input.correlationId,
        idempotencyKey: input.idempotencyKey,
        traceparent: input.traceparent,
        tracestate: input.tracestate,
      });
      queues = route(topology, input.exchange, input.routingKey, input.headers);
      field = 'routingKey';
      if (queues.length === 0 && input.mandatory) {
        throw new BrokerError('unroutable', `No queue is bound to '${input.exchange}' for routing key '${input.routingKey}'`, {
          exchange: input.exchange,
          routingKey: input.routingKey,
        });
      }
    } catch (e) {
      throw index === undefined ? e : inMessage(e, index, field);
    }
    return {
      id: uuidv7(),
      exchange: input.exchange,
      routingKey: input.routingKey,
      headers: input.headers,
      contentType: input.contentType,
      body: input.body,
      correlationId: input.correlationId || traceIdOf(input.traceparent) || uuidv4(),
      replyTo: input.replyTo ?? null,
      idempotencyKey: input.idempotencyKey || null,
      traceparent: input.traceparent ?? null,
      tracestate: input.tracestate ?? null,
      persistent: input.persistent !== false,
      delayMs: input.delayMs ?? 0,
      queues,
      durableQueues: queues.filter((q) => inDatabase(tierOf(topology, q))),
    };
  }

  /** Refuses a batch that would take the memory tier past its limits; then nothing of it is stored. */
  private checkMemoryRoom(prepared: PreparedMessage[]): void {
    let entries = 0;
    let bytes = 0;
    for (const m of prepared) {
      const copies = m.queues.length - m.durableQueues.length;
      entries += copies;
      bytes += copies * m.body.byteLength;
    }
    if (entries === 0) return;
    const { memory, memoryLimit, memoryMaxBytes } = this.deps;
    checkMemoryRoom(memory, { maxEntries: memoryLimit, maxBytes: memoryMaxBytes }, { entries, bytes });
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    return (await this.publishBatch([input]))[0]!;
  }

  /**
   * All or nothing. `batch`: the inputs are a batch request's messages, so a message's error
   * names it (`messages.1.delayMs`); by default when there are several (the broker's single
   * publish comes here as a list of one, whose errors name no message).
   */
  async publishBatch(inputs: PublishInput[], { batch = inputs.length > 1 }: { batch?: boolean } = {}): Promise<PublishResult[]> {
    const prepared = inputs.map((input, i) => this.prepare(input, batch ? i : undefined));
    this.checkMemoryRoom(prepared);
    // Messages that only reach memory queues are never written to the database (their keys
    // stay in memory: publish-keys.ts). The others go through group commit: those with a
    // durable entry, and those no queue took (kept for the audit).
    const keys = await BatchKeys.claim(prepared, this.memoryKeys, (k) => storedFirstPublishes(this.deps.db, k, this.deps.dedupWindowMs));
    const toStore = prepared.filter((m) => inStore(m) && !keys.firsts.has(m));
    let flushed: Flushed = { outcomes: [], handedOff: NONE_HANDED_OFF };
    try {
      if (toStore.length > 0) {
        flushed = await this.commit.submit({
          messages: toStore,
          persistent: toStore.some((m) => m.persistent),
          // A replicated queue's guarantee is the queue's, so Hatoba-Persistent: false does not weaken it.
          replicated: anyReplicated(this.deps.topology(), toStore.flatMap((m) => m.durableQueues)),
        });
      }
    } catch (e) {
      keys.release();
      throw e;
    }
    keys.committed(toStore, (i) => flushed.outcomes[i]!.duplicateOf);
    const { handedOff } = flushed;
    const topology = this.deps.topology();
    const touched = new Set<string>();
    const results = prepared.map((m): PublishResult => {
      const dup = keys.firsts.get(m);
      if (dup) return { id: dup.id, correlationId: dup.correlationId, queues: [], duplicate: true };
      let stored: StoredMessage | undefined; // one object for every memory queue the message reaches
      for (const name of m.queues) {
        const queue = topology.queues.get(name);
        if (queue?.settings.durability === 'memory') {
          stored ??= storedMessage(m, new Date());
          this.deps.memory.enqueue(queue, stored, m.delayMs, topology);
        }
        if (!handedOff.has(name)) touched.add(name);
      }
      this.deps.onPublished?.(m.exchange, 1);
      return { id: m.id, correlationId: m.correlationId, queues: m.queues, duplicate: false };
    });
    if (touched.size > 0) this.deps.onCommitted([...touched]);
    return results;
  }

  drain(): Promise<void> {
    return this.commit.drain();
  }

  get stats() {
    return this.commit.stats;
  }
}
