import { countOf, formatCount } from '../ui/format';
import type { QueueInfoView } from '@/server/trpc/schemas';

export interface PurgeSummary {
  /** Everything a purge deletes: ready, delayed and in-flight entries alike. */
  count: number;
  /** "2 ready and 1 in flight": the parts that are not zero, in the order the queue page lists them. */
  parts: string;
  /** Said only when some are in flight: acks of their leases come back stale. */
  inFlightWarning: string | null;
}

/**
 * What the purge dialog tells the operator. A purge deletes every entry of the queue, in-flight
 * ones too (README: POST /v1/queues/{q}/purge), so a consumer that later acks one it holds
 * gets it back in `stale`: the dialog must not promise that messages in flight are kept.
 */
export function purgeSummary(q: Pick<QueueInfoView, 'ready' | 'inFlight' | 'delayed'>): PurgeSummary {
  const count = q.ready + q.delayed + q.inFlight;
  const named = [
    [q.ready, 'ready'],
    [q.inFlight, 'in flight'],
    [q.delayed, 'delayed'],
  ] as const;
  const nonZero = named.filter(([n]) => n > 0).map(([n, word]) => `${formatCount(n)} ${word}`);
  const parts = nonZero.length <= 1 ? (nonZero[0] ?? '') : `${nonZero.slice(0, -1).join(', ')} and ${nonZero[nonZero.length - 1]}`;
  const inFlightWarning =
    q.inFlight > 0
      ? q.inFlight === 1
        ? 'The message in flight is deleted too: whoever received it gets its ack back as stale (its lease outlives the receive, so the queue may show 0 consumers).'
        : `The ${countOf(q.inFlight, 'message')} in flight are deleted too: whoever received them gets their acks back as stale (a lease outlives the receive, so the queue may show 0 consumers).`
      : null;
  return { count, parts, inFlightWarning };
}
