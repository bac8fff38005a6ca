import { deadLetterQueueOf, isDeadLetterQueue } from '../../server/broker/name-rules';

export interface DeadLetterSearchAdvice {
  /** The dead-letter queue searched for. */
  dlq: string;
  /** The queue whose DLQ it is, when it still exists (or when the queue list is not known yet). */
  origin: string | null;
  /** Where its dead letters are listed. */
  deadLettersHref: string;
  /** The same search, by the original queue instead; null without an origin. */
  originSearchHref: string | null;
}

/**
 * A search by "Routed to queue" that found nothing, for a dead-letter queue. A message's routed_to
 * holds the queues it was first routed to; dead lettering moves it to `<queue>.dlq` without
 * changing that, so a search for the DLQ finds none of its dead letters (only a message published
 * to the DLQ itself). Said instead of "loosen the search", with where to look.
 *
 * A DLQ by the broker's rule, the queue `<origin>.dlq`: its origin is named when the queue list
 * (`queues`, the names the page knows) holds it; before the list is known the name alone decides.
 */
export function deadLetterSearchAdvice(
  queue: string | undefined,
  search: URLSearchParams,
  queues?: readonly string[],
): DeadLetterSearchAdvice | null {
  if (!queue || !isDeadLetterQueue(queue)) return null;
  const candidate = queue.slice(0, -'.dlq'.length);
  const origin = candidate && deadLetterQueueOf(candidate) === queue && (!queues || queues.includes(candidate)) ? candidate : null;
  let originSearchHref: string | null = null;
  if (origin) {
    const p = new URLSearchParams(search);
    p.set('queue', origin);
    originSearchHref = `/messages?${p.toString()}`;
  }
  return { dlq: queue, origin, deadLettersHref: `/dead-letters?queue=${encodeURIComponent(queue)}`, originSearchHref };
}
