import type { z } from 'zod';
import type { replayResultSchema } from '@/server/fact-schemas';
import { formatCount } from '../ui/format';

/** What a dead-letter replay answered: the server's own schema of it, so the two cannot drift. */
export type ReplayAnswer = z.infer<typeof replayResultSchema>;

const messages = (n: number) => `${formatCount(n)} ${n === 1 ? 'message' : 'messages'}`;
const names = (qs: string[]) => qs.map((q) => `'${q}'`).join(', ');

/**
 * The sentence the dead-letter page shows after a replay: what moved and where, what stayed in
 * the DLQ and why (origin gone, origin now of the other tier, routed nowhere, no origin, leased by a receive),
 * which of the ids asked for were no longer in the DLQ, whether some of
 * those previewed were gone by then, and whether more match than one replay moves. `origin` names
 * the queue they went back to when it is one; `confirmed`, the count the operator confirmed from
 * the preview ("Replay 206"), when there was one. The page sends the preview's `readAt` with the
 * replay, so dead letters that arrived after the preview stay in the DLQ.
 */
export function replayOutcome(r: ReplayAnswer, origin?: string, confirmed?: number): { tone: 'success' | 'error'; text: string } {
  const parts: string[] = [];
  if (r.replayed > 0) {
    parts.push(`Replayed ${messages(r.replayed)}: ${r.replayed === 1 ? 'it is' : 'they are'} back in ${origin ?? 'their queues'} with attempts reset.`);
  }
  // Bounded by the preview's readAt, "Replay N" moves no later arrivals; should a dead letter slip
  // through (one committed in the instant the preview was read), say so rather than hide it.
  if (confirmed !== undefined && r.replayed > confirmed) {
    const extra = r.replayed - confirmed;
    parts.push(`That is ${formatCount(extra)} more than the ${formatCount(confirmed)} you confirmed: ${extra === 1 ? 'it' : 'they'} matched after the preview.`);
  }
  const stayed = (n: number, why: string) => parts.push(`${messages(n)} stayed in the DLQ: ${why}.`);
  const missing = Object.keys(r.skipped.originMissing);
  const otherTier = Object.keys(r.skipped.originOtherTier);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  if (missing.length > 0) stayed(sum(r.skipped.originMissing), `their origin queue ${names(missing)} no longer ${missing.length === 1 ? 'exists' : 'exist'}`);
  if (otherTier.length > 0) stayed(sum(r.skipped.originOtherTier), `their origin queue ${names(otherTier)} is now of the other tier (memory or database)`);
  if (r.skipped.unroutable > 0) stayed(r.skipped.unroutable, 'the exchange routed them to no queue');
  if (r.skipped.noOrigin > 0) stayed(r.skipped.noOrigin, 'they have no death record, so no origin queue to go back to (replay them to a queue or an exchange)');
  const { leased, notFound, busy } = r.skipped;
  if (leased.length > 0) stayed(leased.length, `${leased.length === 1 ? 'it is' : 'they are'} leased by a receive (in flight) until acked, nacked or the lease runs out`);
  if (busy.length > 0) {
    parts.push(
      `${messages(busy.length)} ${busy.length === 1 ? 'was' : 'were'} being replayed or discarded by another request at that moment: its result says what became of ${busy.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (notFound.length > 0) {
    parts.push(`${messages(notFound.length)} ${notFound.length === 1 ? 'was' : 'were'} no longer in the DLQ: replayed, discarded or acked by a consumer meanwhile.`);
  }
  // Previewed, but neither moved nor left for a reason: replayed, discarded or taken by a consumer since the preview.
  // Leased ones are not among the left here: the preview counts none a consumer held then, so one
  // leased now was either not counted or taken by a consumer since, which is what "gone" says.
  const left = sum(r.skipped.originMissing) + sum(r.skipped.originOtherTier) + r.skipped.unroutable + r.skipped.noOrigin + busy.length + notFound.length;
  const gone = confirmed === undefined || r.more ? 0 : confirmed - r.replayed - left;
  if (gone > 0) {
    parts.push(
      `${formatCount(gone)} of the ${formatCount(confirmed!)} you confirmed ${gone === 1 ? 'was' : 'were'} no longer in the DLQ: replayed, discarded or taken by a consumer since the preview.`,
    );
  }
  if (r.more) parts.push('More match than one replay moves: replay again for the next ones.');
  if (parts.length === 0) parts.push('Nothing was replayed: the messages may have been replayed or discarded meanwhile, or leased by a receive.');
  return { tone: r.replayed > 0 ? 'success' : 'error', text: parts.join(' ') };
}
