/**
 * The naming rules, in one place for the broker, the gateway and the console (this file imports
 * nothing, so the browser bundle can take it). What a name and a key may be:
 * - exchange, queue and source names: 1–200 characters of A-Z a-z 0-9 _ . : -, but not `.` or `..`;
 * - routing and binding keys: up to 255 characters, no white space or control characters (nor a
 *   lone UTF-16 surrogate, which PostgreSQL text cannot hold).
 *
 * The two the broker gives meaning to:
 * - names starting with `amq.` are the broker's own (the default exchange, each node's reply
 *   queue `amq.reply.<node>`): no one else declares, purges or consumes them;
 * - a queue's dead letters go, unless it says otherwise, to the queue named after it with `.dlq`
 *   (`orders` → `orders.dlq`), and a queue named `*.dlq` is a dead-letter queue.
 */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;
export const MAX_NAME_LENGTH = 200;
export const KEY_PATTERN = /^[^\s\p{Cc}\p{Cs}]{0,255}$/u;
export const MAX_KEY_LENGTH = 255;

/**
 * `.` and `..` are dot segments: every URL parser resolves them away (`/v1/queues/..` is `/v1`,
 * `%2E` too), so no route could ever name such a queue, exchange or source. Other names of dots
 * (`...`, `.a`) stay in a URL as written.
 */
export const isDotSegment = (name: string) => name === '.' || name === '..';

export const RESERVED_PREFIX = 'amq.';
export const DLQ_SUFFIX = '.dlq';

/** A name only the broker gives (`amq.default`, `amq.reply.<node>`). */
export const isReservedName = (name: string) => name.startsWith(RESERVED_PREFIX);
/** A queue named as a dead-letter queue (`orders.dlq`). */
export const isDeadLetterQueue = (name: string) => name.endsWith(DLQ_SUFFIX);
/** The dead-letter queue `queue`'s dead letters go to by default. */
export const deadLetterQueueOf = (queue: string) => `${queue}${DLQ_SUFFIX}`;
