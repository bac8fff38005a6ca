import { countOf } from '../ui/format';
import { purgeSummary } from './purge-summary';

/**
 * What deleting a queue loses, one sentence each, for its confirm dialog: the messages (ready,
 * in flight, delayed, as the purge says them), the bindings that reach it, and its DLQ, which is
 * not deleted with it. `bindingsFrom`: the exchanges of its bindings (null while unknown).
 * `dlq`: the queue its dead letters go to by default, or null.
 */
export function queueDeleteLosses(
  queue: string,
  counts: { ready: number; inFlight: number; delayed: number },
  bindingsFrom: readonly string[] | null,
  dlq: string | null,
): string[] {
  const summary = purgeSummary(counts);
  const lines = [
    summary.count === 0
      ? `${queue} holds no message now; any that arrives before you confirm is deleted with it.`
      : `${summary.count === 1 ? 'Its one message' : `All ${countOf(summary.count, 'message')}`} (${summary.parts}) ${summary.count === 1 ? 'is' : 'are'} deleted with it${counts.inFlight > 0 ? '; a consumer holding one can no longer ack it' : ''}.`,
  ];
  if (bindingsFrom === null) lines.push('Its bindings go too: no exchange routes to it any more.');
  else if (bindingsFrom.length > 0) {
    const from = [...new Set(bindingsFrom)].sort();
    lines.push(`Its ${countOf(bindingsFrom.length, 'binding')} (from ${from.join(', ')}) go too: messages routed by them reach no queue.`);
  }
  if (dlq) lines.push(`Its dead-letter queue ${dlq} stays, with what it holds: delete it separately if you no longer want it.`);
  lines.push('This cannot be undone; declaring the name again makes a new, empty queue.');
  return lines;
}
