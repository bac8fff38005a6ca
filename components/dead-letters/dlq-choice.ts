/**
 * Which dead-letter queue the page shows. The operator's choice (the URL's `?queue=`) always
 * wins, also when another DLQ fills up: the page never moves to another queue by itself, or a
 * selection and "Replay all…" would silently mean another queue. Without a choice the page picks
 * the first DLQ that holds dead letters once, and writes it into the URL (`chosen`), so the next
 * poll, a reload and Back keep it.
 */
import { deadLetterQueueOf, isDeadLetterQueue } from '../../server/broker/name-rules';

export type DlqChoice =
  /** No DLQ at all, and none asked for. */
  | { kind: 'none' }
  /** The DLQ to show; `chosen`: picked here, not asked for, so the URL must be given it. */
  | { kind: 'shown'; name: string; chosen: boolean }
  /** The queue asked for is not a DLQ there is: say so, show no other queue and offer no action. */
  | { kind: 'missing'; requested: string; notDlq: boolean; suggestion: string | null };


export function chooseDlq(dlqs: readonly { name: string; depth: number }[], requested: string | null): DlqChoice {
  if (requested) {
    if (dlqs.some((d) => d.name === requested)) return { kind: 'shown', name: requested, chosen: false };
    const notDlq = !isDeadLetterQueue(requested);
    const own = deadLetterQueueOf(requested);
    return { kind: 'missing', requested, notDlq, suggestion: notDlq && dlqs.some((d) => d.name === own) ? own : null };
  }
  const first = dlqs.find((d) => d.depth > 0) ?? dlqs[0];
  return first ? { kind: 'shown', name: first.name, chosen: true } : { kind: 'none' };
}
