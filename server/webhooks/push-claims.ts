/**
 * What a push loop does with a claim it will not send as it is: leases kept only while they
 * still outlast a request, and leases given back unspent.
 */
import type { Broker } from '../broker/api';
import type { Logger } from '../broker/broker';
import type { Delivery } from '../broker/types';

/**
 * A claim not sent within this long of its receive (the endpoint check, or the database, was
 * slow) has its leases extended before anything is sent: the spare time may be used up, or the
 * leases lost already, and then another consumer has the message.
 */
const STALE_CLAIM_MS = 1000;

export interface ClaimDeps {
  broker: Pick<Broker, 'extend' | 'release'>;
  logger: Logger;
  queue: string;
  /** A push lease: the request's timeout and spare time. */
  leaseMs: number;
}

/**
 * The deliveries whose leases still outlast a request. A claim sent at once has the whole
 * lease; one held up (a slow endpoint check or database, a paused process) may have lost its
 * leases to the sweeper and another consumer, which may have pushed and acked the message
 * already. Its leases are extended first, and only those still held are sent; a lost one is
 * left to whoever holds it now.
 */
export async function stillLeased(d: ClaimDeps, deliveries: Delivery[], claimedAt: number): Promise<Delivery[]> {
  let held = deliveries;
  for (let since = claimedAt, tries = 0; held.length > 0 && performance.now() - since >= STALE_CLAIM_MS; tries++) {
    if (tries === 3) {
      // The database keeps answering too slowly to start a request within the lease.
      await giveBack(d, held);
      return [];
    }
    since = performance.now();
    try {
      const { stale } = await d.broker.extend(d.queue, held.map((x) => x.receipt), d.leaseMs);
      if (stale.length > 0) {
        const lost = new Set(stale);
        d.logger.warn(
          { queue: d.queue, messageIds: held.filter((x) => lost.has(x.receipt)).map((x) => x.id) },
          'push: not sending messages whose leases ran out before they could be sent; another consumer has them',
        );
        held = held.filter((x) => !lost.has(x.receipt));
      }
    } catch (err) {
      d.logger.warn({ err, queue: d.queue }, 'push: could not extend the leases of a claim held up before sending; not sending it');
      await giveBack(d, held);
      return [];
    }
  }
  return held;
}

/** Leases taken but not to be sent go back with their attempt, ready at once. */
export async function giveBack(d: ClaimDeps, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  try {
    await d.broker.release(d.queue, deliveries.map((x) => x.receipt));
  } catch (err) {
    // They come back when their leases run out.
    d.logger.warn({ err, queue: d.queue }, 'push: leases could not be given back');
  }
}
