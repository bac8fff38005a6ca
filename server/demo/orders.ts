/** The demo's order numbers and how its consumers read an order: pure, tested in orders.test.ts. */

/** The producer publishes an order every 400 ms at most: one order number a slot of the clock. */
export const ORDER_SLOT_MS = 400;

/**
 * The next order number: the clock's 400 ms slot (ten digits), or one more than the last when
 * that slot is taken. The producer never publishes faster than one a slot, so numbers follow the
 * clock instead of running ahead of it, and a restarted demo (on the same data dir) starts past
 * every number the last run used: its idempotency keys (`order-<id>-completed`) are new, not
 * deduplicated as repeats. Consecutive orders are consecutive numbers (every seventh still fails).
 */
export function nextOrderId(last: number, nowMs: number): number {
  return Math.max(last + 1, Math.floor(nowMs / ORDER_SLOT_MS));
}

export type Order = { orderId?: unknown } & Record<string, unknown>;

/**
 * An order as a consumer reads it, or why it cannot: a body that is not JSON (an edited replay
 * stored as text) or not a JSON object is a failure of that message, not of the consumer.
 */
export function readOrder(body: Uint8Array): { order: Order } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch (err) {
    return { error: `body is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `body is not a JSON object: ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` };
  }
  return { order: value as Order };
}
