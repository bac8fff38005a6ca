import type { NodeFigures, QueueConsumers } from './live-figures';
import type { DeadLetterPage, DeadLetterPageQuery } from './pg/dead-letter-page';
import type { Bucket, HistoryBucket, LoggedMessage } from './pg/exchange-log';
import type { FoundMessage, MessageQuery } from './pg/message-search';
import type { DepthSample } from './pg/queue-depth';
import type { TraceEvent, TraceMessage } from './pg/trace-read';
import type { QueueDeclaration } from './queue-settings';
import type { ListPage } from './list-page';
import type { ReplayResult } from './replay-checks';
import type { OtherQueueReceipt } from './stale-receipts';
import type {
  AckResult,
  Binding,
  Death,
  Definitions,
  DepthFigures,
  Delivery,
  Exchange,
  ExchangeType,
  NackOptions,
  PublishInput,
  PublishResult,
  Queue,
  ReceiveOptions,
  ReplayRequest,
  StoredMessage,
} from './types';

export interface QueueInfo extends DepthFigures {
  name: string;
  settings: Queue['settings'];
  /** Seen within the last 30 s, or waiting now, on any live node (live-figures.ts). */
  consumers: number;
  /** Per second, over the last minute, on all live nodes (the others' as of their last heartbeat). */
  publishRate: number;
  deliverRate: number;
  ackRate: number;
  oldestReadyAgeMs: number | null;
}

export interface ExchangeInfo extends Exchange {
  bindings: number;
  publishRate: number;
}

export interface MessageDetail extends StoredMessage {
  routedTo: string[];
  /** Where the message waits now, one row per queue entry. */
  entries: { queue: string; state: 'ready' | 'in_flight' | 'delayed'; attempt: number; death: Death | null }[];
}

/**
 * What transports may call. Every method validates its input and throws BrokerError with a
 * stable code on bad input; nothing here knows about HTTP.
 */
export interface Broker {
  readonly node: string;
  start(): Promise<void>;
  /** Stops loops, answers pending long polls empty, flushes pending writes. Does not close the database. */
  stop(): Promise<void>;
  /**
   * Runs the sweep now, as it runs every `sweepIntervalMs`: dead-letters spent leases and
   * expired entries, forgets old idempotency keys.
   */
  sweep(): Promise<void>;
  /** What this node saw lately (consumers, rates), for the cluster to share with the other nodes. */
  liveFigures(): NodeFigures;
  /**
   * A node gone for good (the cluster forgot it after an hour dead): deletes its reply queue
   * (`amq.reply.<node>`), with replies no call waits for any more. Returns whether there was one.
   * Never this node's own.
   */
  forgetNode(node: string): Promise<boolean>;

  declareExchange(name: string, type: ExchangeType): Promise<{ created: boolean }>;
  deleteExchange(name: string): Promise<void>;
  /** In name order; a page of them when `page` says which (list-page.ts). */
  listExchanges(page?: ListPage): Promise<ExchangeInfo[]>;
  declareQueue(name: string, declaration: QueueDeclaration): Promise<{ created: boolean; queue: Queue }>;
  deleteQueue(name: string): Promise<void>;
  /** In name order; a page of them when `page` says which (list-page.ts): depths are read for that page only. */
  listQueues(page?: ListPage): Promise<QueueInfo[]>;
  queueInfo(name: string): Promise<QueueInfo>;
  /** A queue's consumers of the last 30 s on all live nodes: name, nodes, delivery rate, last receive. */
  queueConsumers(name: string): Promise<QueueConsumers>;
  purge(queue: string): Promise<{ purged: number }>;
  /** `binding`: as stored (header-match names lowercased). */
  bind(binding: Binding): Promise<{ created: boolean; binding: Binding }>;
  unbind(binding: Binding): Promise<{ deleted: boolean }>;
  exportDefinitions(): Definitions;
  importDefinitions(definitions: Definitions): Promise<{ exchanges: number; queues: number; bindings: number; skipped: string[] }>;

  /** Durable once resolved (for durable queues). */
  publish(input: PublishInput): Promise<PublishResult>;
  /** All or nothing, in order. */
  publishBatch(inputs: PublishInput[]): Promise<PublishResult[]>;

  /** A consumer that went away (its connection closed): no longer counted in `consumers`. */
  forgetConsumer(consumer: string): void;

  receive(queue: string, options: ReceiveOptions): Promise<Delivery[]>;
  ack(queue: string, receipts: string[]): Promise<AckResult>;
  nack(queue: string, receipts: string[], options: NackOptions): Promise<{ nacked: number; stale: string[]; otherQueue?: OtherQueueReceipt[] }>;
  extend(queue: string, receipts: string[], visibilityMs: number): Promise<{ extended: number; stale: string[]; otherQueue?: OtherQueueReceipt[] }>;
  /**
   * Gives current leases back unsettled: each entry is ready again at once and its attempt is not
   * counted, as for a consumer that never handled it (push delivery when its endpoint is gone).
   */
  release(queue: string, receipts: string[]): Promise<{ released: number }>;

  /** Moves dead letters out of a DLQ (at most 10,000 a call on the database; `more` says so); counts those it matched but left. */
  replay(dlq: string, request: ReplayRequest): Promise<ReplayResult>;
  getMessage(id: string): Promise<MessageDetail>;

  /** Publishes with a new correlation ID and this node's reply queue as return address; resolves with the reply. */
  request(input: Omit<PublishInput, 'correlationId' | 'replyTo' | 'mandatory'>, timeoutMs: number): Promise<Delivery>;
  trace(correlationId: string): Promise<{ messages: TraceMessage[]; events: TraceEvent[] }>;
  searchMessages(query: Omit<MessageQuery, 'limit'> & { limit?: number }): Promise<{ messages: FoundMessage[]; nextCursor: string | null }>;
  exchangeLog(exchange: string, options: { after: number; limit: number; routingKey?: string }): Promise<{ messages: LoggedMessage[]; nextAfter: number }>;
  exchangeReplay(
    exchange: string,
    request: { from: Date; to: Date; routingKey?: string; target: { queue: string } | { exchange: string; routingKey?: string } },
  ): Promise<{ replayed: number }>;
  exchangeHistory(exchange: string, options: { from: Date; to: Date; bucket: Bucket; groupByRoutingKey: boolean }): Promise<HistoryBucket[]>;
  queueDepthHistory(queue: string, range: { from: Date; to: Date }): Promise<DepthSample[]>;
  /** Every queue's sampled total depth over the last `sinceMs` (at most an hour), oldest first. */
  recentDepths(sinceMs: number): Promise<Map<string, number[]>>;
  /** Entries of a queue without leasing them (dashboard browsing), oldest first. */
  browse(queue: string, options: { limit: number }): Promise<(StoredMessage & { attempt: number; state: 'ready' | 'in_flight' | 'delayed'; death: Death | null })[]>;
  /** Dead letters removed without replay (discard), by message id. */
  discard(dlq: string, ids: string[]): Promise<{ discarded: number }>;
  /** One page of a queue's dead letters (newest or oldest first, optionally filtered as replay filters), with counts over the whole queue. */
  deadLetterPage(dlq: string, query: DeadLetterPageQuery): Promise<DeadLetterPage>;
}
