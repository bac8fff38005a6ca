import type { OtherQueueReceipt } from './stale-receipts';
/** The broker's vocabulary. Shapes follow ../shared/API.md. */

export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';
/**
 * Where a queue's entries live and what a commit waits for: `durable` in PostgreSQL (the
 * server's own synchronous_commit), `replicated` in PostgreSQL applied on a synchronous standby
 * before the answer (remote_apply), `memory` in this process's RAM.
 */
export type Durability = 'durable' | 'replicated' | 'memory';

export interface Exchange {
  name: string;
  type: ExchangeType;
}

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** A fraction 0..1 of the delay, spread evenly either side. */
  jitter: number;
}

/** `{}` sends dead letters to the queue `{name}.dlq`; an exchange routes them instead; false drops them. */
export type DeadLetterTarget = { exchange?: string; routingKey?: string } | false;

export interface QueueSettings {
  durability: Durability;
  maxDeliveries: number;
  visibilityTimeoutMs: number;
  retry: RetryPolicy;
  deadLetter: DeadLetterTarget;
  messageTtlMs: number | null;
  maxLength: number | null;
}

export interface Queue {
  name: string;
  settings: QueueSettings;
}

export interface HeaderMatch {
  match: 'all' | 'any';
  values: Record<string, string>;
}

export interface Binding {
  exchange: string;
  queue: string;
  key: string;
  headers?: HeaderMatch;
}

export type DeathReason = 'rejected' | 'max_deliveries' | 'expired' | 'max_length';

export interface Death {
  queue: string;
  exchange: string;
  routingKey: string;
  reason: DeathReason;
  attempts: number;
  lastError: string | null;
  diedAt: string;
  /**
   * The queues it expired from or was dropped from by max length before this death, in this
   * dead-letter chain with no rejection since, newest first (dead-letter cycle detection);
   * absent when none.
   */
  diedBefore?: string[];
}

/** What a publisher hands the broker; the gateway parses HTTP into this. */
export interface PublishInput {
  exchange: string;
  routingKey: string;
  body: Uint8Array;
  contentType: string;
  headers: Record<string, string>;
  correlationId?: string;
  replyTo?: string;
  idempotencyKey?: string;
  delayMs?: number;
  /** false: may skip the fsync (synchronous_commit off). */
  persistent?: boolean;
  /** true: refuse with `unroutable` instead of dropping when no queue is bound. */
  mandatory?: boolean;
  traceparent?: string;
  tracestate?: string;
}

export interface PublishResult {
  id: string;
  correlationId: string;
  queues: string[];
  duplicate: boolean;
}

/** A message as stored. */
export interface StoredMessage {
  id: string;
  exchange: string;
  routingKey: string;
  headers: Record<string, string>;
  contentType: string;
  body: Uint8Array;
  correlationId: string;
  replyTo: string | null;
  traceparent: string | null;
  tracestate: string | null;
  persistent: boolean;
  publishedAt: Date;
}

/** A message handed to a consumer under a lease. */
export interface Delivery extends StoredMessage {
  queue: string;
  receipt: string;
  attempt: number;
  death: Death | null;
}

export interface ReceiveOptions {
  max: number;
  waitMs: number;
  visibilityMs?: number;
  /** Who is asking, to count distinct consumers (seen in the last 30 s, until `forgetConsumer`). */
  consumer?: string;
  /** Aborted when the asker goes away: a long poll ends without taking a lease. */
  signal?: AbortSignal;
}

export interface NackOptions {
  error?: string;
  delayMs?: number;
  requeue?: boolean;
}

export interface AckResult {
  acked: number;
  stale: string[];
  /** Stale receipts whose lease is current on another queue, with that queue; present only when there are some. */
  otherQueue?: OtherQueueReceipt[];
}

export interface DepthFigures {
  ready: number;
  inFlight: number;
  delayed: number;
}

export interface QueueDepth extends DepthFigures {
  /** Age of the message at the head of the queue, or null when nothing is ready. */
  oldestReadyAgeMs: number | null;
}

export type ReplayTarget = 'origin' | { exchange: string; routingKey?: string } | { queue: string };

export interface ReplayRequest {
  ids?: string[];
  all?: boolean;
  /** `from`/`to` bound the death time; `arrivedBy` when the entry arrived in the DLQ, to the millisecond (a preview's `readAt`). */
  filter?: { routingKey?: string; error?: string; from?: Date; to?: Date; arrivedBy?: Date };
  target?: ReplayTarget;
  edit?: { body?: Uint8Array; contentType?: string; headers?: Record<string, string> };
}

export interface Definitions {
  exchanges: Exchange[];
  queues: Queue[];
  bindings: Binding[];
}
