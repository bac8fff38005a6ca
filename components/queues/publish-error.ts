import type { Durability } from './tier-promise';

/**
 * What the queue page's test publish (and the exchange page's publish) says when the publish
 * failed. The broker's own message for a commit timeout is written for API clients ("retry with
 * the same Idempotency-Key"), but this form has no Idempotency-Key, so a retry here is a new
 * message. `message` is the server's text, `brokerCode` its stable code (the tRPC error's
 * `data.brokerCode`).
 *
 * 503 `database_timeout` carries `details.written`: `'unknown'` when the write reached the database
 * and may still commit, `false` when nothing of it was written. Only the message reaches the
 * console, which says "nothing of it was written" in the second case; anything else is read as
 * "may still commit", the side that does not invite a duplicate.
 */
export function publishErrorNotice(
  error: { brokerCode: string | null | undefined; message: string },
  durability: Durability | undefined,
  /** Where the form publishes: one queue, or an exchange whose bindings pick the queues (its page's form). */
  to: 'queue' | 'exchange' = 'queue',
): { title: string; text: string } {
  const replicated = durability === 'replicated';
  const standby = replicated
    ? ' This queue is replicated: each write waits until a synchronous standby has applied it, so the likely cause is that no synchronous standby is answering.'
    : '';
  if (error.brokerCode === 'database_timeout') {
    if (/nothing of (it|this request) was (written|done)/i.test(error.message)) {
      return {
        title: 'Not published',
        text: `The database did not take this publish in time. Nothing of it was written.${standby} Publishing again makes no second copy.`,
      };
    }
    return {
      title: 'Not confirmed yet',
      text:
        to === 'exchange'
          ? `The database did not confirm this publish in time, but it may still commit: the message may still appear in the queues this exchange routes it to. Publishing again could make a second copy: check those queues' messages first.`
          : `The database did not confirm this publish in time, but it may still commit: the message may still appear in this queue.${standby} Publishing again could make a second copy: check the queue's messages first.`,
    };
  }
  if (error.brokerCode === 'replication_unavailable') {
    const message = error.message.replace(/[.\s]+$/, '');
    return {
      title: 'Not published',
      text: `${message}. Nothing was written.${replicated ? ' A replicated queue takes a write only when a synchronous standby answers.' : ''}`,
    };
  }
  return { title: 'Not published', text: error.message };
}
