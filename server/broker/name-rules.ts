/**
 * The two naming rules the broker gives meaning to, in one place for the broker, the gateway and
 * the console (this file imports nothing, so the browser bundle can take it):
 * - names starting with `amq.` are the broker's own (the default exchange, each node's reply
 *   queue `amq.reply.<node>`): no one else declares, purges or consumes them;
 * - a queue's dead letters go, unless it says otherwise, to the queue named after it with `.dlq`
 *   (`orders` → `orders.dlq`), and a queue named `*.dlq` is a dead-letter queue.
 */
export const RESERVED_PREFIX = 'amq.';
export const DLQ_SUFFIX = '.dlq';

/** A name only the broker gives (`amq.default`, `amq.reply.<node>`). */
export const isReservedName = (name: string) => name.startsWith(RESERVED_PREFIX);
/** A queue named as a dead-letter queue (`orders.dlq`). */
export const isDeadLetterQueue = (name: string) => name.endsWith(DLQ_SUFFIX);
/** The dead-letter queue `queue`'s dead letters go to by default. */
export const deadLetterQueueOf = (queue: string) => `${queue}${DLQ_SUFFIX}`;
