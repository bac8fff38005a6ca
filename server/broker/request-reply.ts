import { randomUUID } from 'node:crypto';
import { BrokerError } from './errors';
import type { Delivery, PublishInput, PublishResult, ReceiveOptions } from './types';

export interface RequestReplyDeps {
  /** Declares this node's reply queue (durable, so a reply published on any node reaches it) and returns its name. */
  declareReplyQueue(): Promise<string>;
  deleteReplyQueue(name: string): Promise<void>;
  publish(input: PublishInput): Promise<PublishResult>;
  receive(queue: string, options: ReceiveOptions): Promise<Delivery[]>;
  ack(queue: string, receipts: string[]): Promise<unknown>;
  onError(err: unknown): void;
}

export const MAX_REPLY_TIMEOUT_MS = 300_000;

/**
 * Request-reply over queues: a request is published with a new correlation ID and this
 * node's reply queue as its return address; one consumer loop per node drains that queue and
 * hands each reply to the request waiting for its correlation ID (as RabbitMQ's direct
 * reply-to does). A reply that comes after its request gave up is acked and dropped.
 */
export class RequestReply {
  private readonly pending = new Map<string, (d: Delivery) => void>();
  private queue: Promise<string> | undefined;
  private stopped = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: RequestReplyDeps) {}

  async request(input: Omit<PublishInput, 'correlationId' | 'replyTo' | 'mandatory'>, timeoutMs: number): Promise<Delivery> {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_REPLY_TIMEOUT_MS) {
      throw new BrokerError('validation_failed', `timeoutMs must be a whole number from 1 to ${MAX_REPLY_TIMEOUT_MS}`, { field: 'timeoutMs' });
    }
    const replyTo = await this.start();
    const correlationId = randomUUID();
    let cancel!: () => void;
    const reply = new Promise<Delivery>((resolve, reject) => {
      const timer = setTimeout(() => {
        cancel();
        reject(new BrokerError('reply_timeout', `No reply within ${timeoutMs} ms`, { correlationId, timeoutMs }));
      }, timeoutMs);
      cancel = () => {
        clearTimeout(timer);
        this.pending.delete(correlationId);
      };
      this.pending.set(correlationId, (d) => {
        cancel();
        resolve(d);
      });
    });
    try {
      // mandatory: a request nobody can receive fails now rather than timing out later
      await this.deps.publish({ ...input, correlationId, replyTo, mandatory: true });
    } catch (e) {
      cancel();
      throw e;
    }
    return reply;
  }

  private start(): Promise<string> {
    this.queue ??= this.deps.declareReplyQueue().then((name) => {
      this.loop = this.consume(name);
      return name;
    });
    return this.queue;
  }

  private async consume(queue: string): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        const replies = await this.deps.receive(queue, { max: 100, waitMs: 10_000, signal: this.stopped.signal });
        for (const r of replies) this.pending.get(r.correlationId)?.(r);
        if (replies.length > 0) await this.deps.ack(queue, replies.map((r) => r.receipt));
      } catch (e) {
        if (this.stopped.signal.aborted) break;
        this.deps.onError(e);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stops the loop and removes this node's reply queue. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.loop;
    const name = this.queue && (await this.queue.catch(() => undefined));
    if (name) await this.deps.deleteReplyQueue(name).catch(this.deps.onError);
  }
}
