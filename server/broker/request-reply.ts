import { randomUUID } from 'node:crypto';
import { BrokerError } from './errors';
import type { LifecycleEvent } from './event-sink';
import type { TopologyStore } from './topology';
import type { Delivery, PublishInput, PublishResult, ReceiveOptions } from './types';

export interface RequestReplyDeps {
  /** Declares this node's reply queue (durable, so a reply published on any node reaches it) and returns its name. */
  declareReplyQueue(): Promise<string>;
  deleteReplyQueue(name: string): Promise<void>;
  /** False while another process holds this node's id: its reply queue is not this process's to consume or delete. */
  owns(): boolean;
  publish(input: PublishInput): Promise<PublishResult>;
  receive(queue: string, options: ReceiveOptions): Promise<Delivery[]>;
  ack(queue: string, receipts: string[]): Promise<unknown>;
  /** Gives leases back unspent (replies taken by a poll that was waiting when this process was displaced). */
  release(queue: string, receipts: string[]): Promise<unknown>;
  /** Records `reply_timeout` on a request that gave up waiting: its trace then marks a later reply as late. */
  record(events: LifecycleEvent[]): void;
  onError(err: unknown): void;
}

export const MAX_REPLY_TIMEOUT_MS = 300_000;

/** Reply queues (`amq.reply.<node>`) are the broker's own: only a node declares one, for itself. */
export const REPLY_QUEUE_PREFIX = 'amq.reply.';

/** A node's reply queue: `amq.reply.` and the node id, made a valid queue name. */
export function replyQueueName(node: string): string {
  return `${REPLY_QUEUE_PREFIX}${node.replace(/[^A-Za-z0-9_.:-]/g, '-')}`.slice(0, 200);
}

/**
 * What a reply sent to a reply queue that is not there is told: the node that sent the request
 * is not running (a node deletes its reply queue when it stops, after answering its waiting
 * requests), so nobody waits for this reply any more.
 */
export function replyQueueGone(queue: string): BrokerError {
  return new BrokerError(
    'queue_not_found',
    `Queue '${queue}' does not exist: it is the reply queue of a node that is not running. A node deletes its reply queue when it stops, ` +
      'after answering the requests still waiting there with shutting_down, so no request waits for this reply any more',
    { queue },
  );
}

interface Waiting {
  resolve(d: Delivery): void;
  /** Answers the caller at once with shutting_down, once the request is known to be published. */
  stop(): void;
}

/**
 * Request-reply over queues: a request is published with a new correlation ID and this
 * node's reply queue as its return address; one consumer loop per node drains that queue and
 * hands each reply to the request waiting for its correlation ID (as RabbitMQ's direct
 * reply-to does). A reply that comes after its request gave up is acked and dropped.
 */
export class RequestReply {
  private readonly pending = new Map<string, Waiting>();
  private queue: Promise<string> | undefined;
  private stopped = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: RequestReplyDeps) {}

  async request(input: Omit<PublishInput, 'correlationId' | 'replyTo' | 'mandatory'>, timeoutMs: number): Promise<Delivery> {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_REPLY_TIMEOUT_MS) {
      throw new BrokerError('validation_failed', `timeoutMs must be a whole number from 1 to ${MAX_REPLY_TIMEOUT_MS}`, { field: 'timeoutMs' });
    }
    if (this.stopped.signal.aborted) throw notPublished();
    const replyTo = await this.start();
    if (this.stopped.signal.aborted) throw notPublished();
    const correlationId = randomUUID();
    let published: PublishResult | undefined;
    let timedOut = false;
    const recordTimeout = (p: PublishResult) =>
      this.deps.record([{ type: 'reply_timeout', messageId: p.id, queue: replyTo, attempt: null, detail: { timeoutMs } }]);
    let cancel!: () => void;
    let fail!: (e: BrokerError) => void;
    // Registered before the publish: a quick responder's reply may arrive before the publish answers.
    const reply = new Promise<Delivery>((resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true;
        if (published && !published.duplicate) recordTimeout(published);
        const messageId = published ? { messageId: published.id } : {};
        fail(new BrokerError('reply_timeout', `No reply within ${timeoutMs} ms`, { correlationId, ...messageId, timeoutMs }));
      }, timeoutMs);
      cancel = () => {
        clearTimeout(timer);
        this.pending.delete(correlationId);
      };
      fail = (e) => {
        cancel();
        reject(e);
      };
      this.pending.set(correlationId, {
        resolve: (d) => {
          cancel();
          resolve(d);
        },
        stop: () => published && fail(stoppedWhileWaiting(published)),
      });
    });
    // It may fail (time out) while the publish is still being written: that is answered below, not unhandled.
    reply.catch(() => {});
    try {
      // mandatory: a request nobody can receive fails now rather than timing out later
      published = await this.deps.publish({ ...input, correlationId, replyTo, mandatory: true });
    } catch (e) {
      cancel();
      throw e;
    }
    if (published.duplicate) {
      // Nothing was published: the first request's reply goes to whoever sent it, never to this call.
      cancel();
      throw duplicateRequest(input, published);
    }
    // It timed out while its publish was being written: recorded now that the message exists.
    if (timedOut) recordTimeout(published);
    // stop() came while the publish was being written: it could not answer this call then.
    if (this.stopped.signal.aborted) fail(stoppedWhileWaiting(published));
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
      // Displaced (another process holds this node's id): the queue's replies are that process's.
      if (!this.deps.owns()) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        const replies = await this.deps.receive(queue, { max: 100, waitMs: 10_000, signal: this.stopped.signal });
        if (replies.length > 0 && !this.deps.owns()) {
          // Displaced while this poll waited: the replies are for the process that has the id now.
          await this.deps.release(queue, replies.map((r) => r.receipt));
          continue;
        }
        for (const r of replies) this.pending.get(r.correlationId)?.resolve(r);
        if (replies.length > 0) await this.deps.ack(queue, replies.map((r) => r.receipt));
      } catch (e) {
        if (this.stopped.signal.aborted) break;
        this.deps.onError(e);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Answers every waiting request with shutting_down (a request whose publish is still being
   * written is answered as soon as it is), then stops the loop and removes this node's reply
   * queue: no request of this node waits on it any more.
   */
  async stop(): Promise<void> {
    this.stopped.abort();
    for (const waiting of [...this.pending.values()]) waiting.stop();
    await this.loop;
    const name = this.queue && (await this.queue.catch(() => undefined));
    // A displaced process leaves the queue to the process that holds the node's id now.
    if (name && this.deps.owns()) await this.deps.deleteReplyQueue(name).catch(this.deps.onError);
  }
}

const notPublished = () =>
  new BrokerError('shutting_down', 'This node is shutting down; the request was not published: send it to another node', { published: false });

function stoppedWhileWaiting(p: PublishResult): BrokerError {
  return new BrokerError(
    'shutting_down',
    `This node is shutting down and stopped waiting for the reply. The request was published (message ${p.id}, correlation ID ${p.correlationId}): ` +
      'a responder may still handle it and send a reply, but no call receives that reply any more. Its trace (by correlation ID) shows what became of it; ' +
      'sending the request again, to another node, asks the responder a second time',
    { published: true, messageId: p.id, correlationId: p.correlationId },
  );
}

function duplicateRequest(input: Pick<PublishInput, 'exchange' | 'idempotencyKey'>, first: PublishResult): BrokerError {
  return new BrokerError(
    'duplicate_request',
    `A message with idempotency key '${input.idempotencyKey ?? ''}' was already published to '${input.exchange}' (message ${first.id}, correlation ID ${first.correlationId}), ` +
      'so this request was not published. If that message was a request, its reply goes only to the call that sent it. ' +
      'Its trace (by correlation ID) shows what became of it; to ask again, send the request with a new idempotency key',
    { messageId: first.id, correlationId: first.correlationId, idempotencyKey: input.idempotencyKey ?? null },
  );
}

/** broker.forgetNode: deletes a gone node's reply queue, with what waits in it; never this node's own. */
export async function forgetReplyQueue(topology: TopologyStore, self: string, gone: string): Promise<boolean> {
  if (gone === self) return false;
  const name = replyQueueName(gone);
  const found = await topology.queueAfterReload(name).then(
    () => true,
    (e: unknown) => (e instanceof BrokerError && e.code === 'queue_not_found' ? false : Promise.reject(e)),
  );
  if (found) await topology.deleteQueue(name, { internal: true });
  return found;
}
