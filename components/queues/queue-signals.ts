import type { QueueInfoView } from '@/server/trpc/schemas';
import { deadLetterQueueOf, isDeadLetterQueue, isReservedName } from '../../server/broker/name-rules';

/**
 * growing: the queue's own depth rises (for a DLQ: dead letters pile up); dead_letters_growing:
 * a queue's DLQ is filling, said on the queue itself where its DLQ is not listed apart (overview).
 */
export type SignalKind = 'dead_letters' | 'dead_letters_growing' | 'no_consumers' | 'old_messages' | 'growing';

export interface Signal {
  kind: SignalKind;
  /** Short, for a badge. */
  label: string;
  /** A sentence that says what is wrong and what to look at. */
  detail: string;
  /** What an operator can do about it, in a few words. */
  action: string;
  severity: 'warning' | 'critical';
}

export interface SignalOptions {
  /** Oldest ready message older than this is a signal. */
  oldAfterMs: number;
  /** Depth of each queue at earlier polls, oldest first (the caller keeps them). */
  depthTrend?: number[];
  /** For an ordinary queue: its DLQ's depth at earlier polls, oldest first; when given, a filling DLQ is said here too. */
  dlqTrend?: number[];
}

export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = { oldAfterMs: 60_000 };

export { isDeadLetterQueue };
/** The broker's own queues (`amq.reply.*`, the gateway's reply queues): the API refuses to purge them or consume from them (`reserved_name`). */
export const isInternalQueue = isReservedName;
export const depthOf = (q: Pick<QueueInfoView, 'ready' | 'inFlight' | 'delayed'>) => q.ready + q.inFlight + q.delayed;

/** What to do about a backlog in a queue nobody receives from. */
export const START_CONSUMER = 'Start a consumer, or give the queue a push endpoint';
/** What to do about a backlog its consumers do not clear. */
export const KEEP_UP = 'Add consumers, or find out why they are slow';

/**
 * Why a queue needs an operator's attention, worst first. `dlqDepth` is the depth of the queue's
 * own dead-letter queue (or, for a DLQ itself, its own depth).
 */
export function queueSignals(q: QueueInfoView, dlqDepth: number, o: SignalOptions = DEFAULT_SIGNAL_OPTIONS): Signal[] {
  const signals: Signal[] = [];
  const dlq = isDeadLetterQueue(q.name);
  if (dlqDepth > 0) {
    signals.push({
      kind: 'dead_letters',
      label: `${dlqDepth} dead`,
      detail: dlq ? `${dlqDepth} dead letters wait for replay or discard` : `${dlqDepth} of its messages are in ${q.name}.dlq`,
      action: 'Review the dead letters: replay or discard them',
      severity: 'critical',
    });
  }
  // Old and growing messages have one cause, a backlog, and so one action: with nobody
  // receiving it is the missing consumer (never "slow" consumers), otherwise too few or slow ones.
  const backlogAction = q.consumers === 0 ? START_CONSUMER : KEEP_UP;
  if (!dlq && q.ready > 0 && q.consumers === 0) {
    signals.push({ kind: 'no_consumers', label: 'no consumers', detail: `${q.ready} ready and nobody is receiving`, action: START_CONSUMER, severity: 'warning' });
  }
  if (!dlq && q.oldestReadyAgeMs != null && q.oldestReadyAgeMs > o.oldAfterMs) {
    signals.push({ kind: 'old_messages', label: 'old messages', detail: 'the oldest ready message has waited too long', action: backlogAction, severity: 'warning' });
  }
  const dlqGain = dlq || !o.dlqTrend ? null : deadLetterGain(dlqDepth, o.dlqTrend);
  if (dlqGain) {
    signals.push({ kind: 'dead_letters_growing', label: 'dead letters rising', detail: `${q.name}.dlq is filling: ${gainDetail(dlqGain)}`, action: 'Read the last errors of its dead letters: consumers keep failing', severity: 'warning' });
  }
  if (!dlq && isGrowing(q, o.depthTrend)) {
    signals.push({ kind: 'growing', label: 'growing', detail: 'messages arrive faster than they are consumed', action: backlogAction, severity: 'warning' });
  }
  const gain = dlq ? deadLetterGain(depthOf(q), o.depthTrend) : null;
  if (gain) {
    signals.push({ kind: 'growing', label: 'growing', detail: `dead letters are piling up: ${gainDetail(gain)}`, action: 'Read the last errors of its dead letters: consumers keep failing', severity: 'warning' });
  }
  return signals;
}

const gainDetail = (g: DeadLetterGain) => `${g.added} more in the last ${g.polls} refreshes, none taken out`;

/** How many earlier polls a DLQ's trend looks back over (about half a minute at the console's 2 s). */
export const DLQ_TREND_POLLS = 14;

/**
 * A DLQ is growing when dead letters pile up: over the window (at least three samples, the
 * current one included, up to DLQ_TREND_POLLS earlier ones) its depth never fell and ended higher.
 * `isGrowing` cannot say it: a DLQ has no consumers and its inflow is dead lettering, not
 * publishing, so its rates are zero, and dead letters arrive in steps, not at every poll.
 * Any fall in the window (a replay, a discard, a purge) means someone is draining it.
 */
export function isDeadLetterGrowing(depth: number, trend: number[] = []): boolean {
  return deadLetterGain(depth, trend) !== null;
}

export interface DeadLetterGain {
  /** Dead letters added over the window. */
  added: number;
  /** Polls the window spans. */
  polls: number;
}

/** What `isDeadLetterGrowing` sees, for the signal's sentence: null when the DLQ is not growing. */
export function deadLetterGain(depth: number, trend: number[] = []): DeadLetterGain | null {
  const points = [...trend, depth].slice(-(DLQ_TREND_POLLS + 1));
  if (points.length < 3) return null;
  const added = points[points.length - 1]! - points[0]!;
  return neverFell(points) && added > 0 ? { added, polls: points.length - 1 } : null;
}

/** Depths in poll order that never went down from one poll to the next. */
const neverFell = (points: number[]) => points.every((d, i) => i === 0 || d >= points[i - 1]!);

/**
 * Growing: the depth is actually rising. Over the last polls (at least three samples, the
 * current one included) it never fell and ended higher than it began, and either it rose at
 * every poll or messages arrive clearly faster than they are delivered. Rates alone are not
 * enough: a queue capped by `maxLength` or a TTL takes more than it delivers while its depth
 * stays flat (the overflow is dead-lettered or expires), and that is not growth. Without
 * earlier samples (`trend` empty) nothing is known about the direction, so it is not growing.
 */
export function isGrowing(q: QueueInfoView, trend: number[] = []): boolean {
  const points = [...trend, depthOf(q)].slice(-4);
  if (points.length < 3) return false;
  if (!neverFell(points) || points[points.length - 1]! <= points[0]!) return false;
  const risingEveryPoll = points.every((d, i) => i === 0 || d > points[i - 1]!);
  const outpaced = q.ready > 0 && q.publishRate > 0.1 && q.publishRate > q.deliverRate * 1.2;
  return risingEveryPoll || outpaced;
}

/** The distinct things to do about a queue's signals, worst first; `deadLetters` marks those done on its DLQ's page. */
export function nextSteps(signals: Signal[]): { text: string; deadLetters: boolean }[] {
  const seen = new Set<string>();
  return signals.flatMap((sig) => {
    if (seen.has(sig.action)) return [];
    seen.add(sig.action);
    const onDlq = sig.kind === 'dead_letters' || sig.kind === 'dead_letters_growing' || (sig.kind === 'growing' && sig.action.includes('dead letters'));
    return [{ text: sig.action, deadLetters: onDlq }];
  });
}

export interface AttentionRow {
  queue: QueueInfoView;
  signals: Signal[];
}

/** The queues that need attention, worst first (critical before warning, then by depth). */
export function queuesNeedingAttention(
  queues: QueueInfoView[],
  o: { oldAfterMs?: number; trends?: Map<string, number[]> } = {},
): AttentionRow[] {
  const depth = new Map(queues.map((q) => [q.name, depthOf(q)]));
  const rows = queues
    // A DLQ is reported through its origin queue when that exists, so it is listed once: its growth too.
    .filter((q) => !(isDeadLetterQueue(q.name) && depth.has(q.name.slice(0, -4))))
    .map((q) => ({
      queue: q,
      signals: queueSignals(q, isDeadLetterQueue(q.name) ? depthOf(q) : (depth.get(deadLetterQueueOf(q.name)) ?? 0), {
        oldAfterMs: o.oldAfterMs ?? DEFAULT_SIGNAL_OPTIONS.oldAfterMs,
        depthTrend: o.trends?.get(q.name),
        dlqTrend: isDeadLetterQueue(q.name) ? undefined : o.trends?.get(deadLetterQueueOf(q.name)),
      }),
    }))
    .filter((r) => r.signals.length > 0);
  const rank = (r: AttentionRow) => (r.signals.some((s) => s.severity === 'critical') ? 0 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || depthOf(b.queue) - depthOf(a.queue) || a.queue.name.localeCompare(b.queue.name));
}

export interface Totals {
  queues: number;
  deadLetterQueues: number;
  ready: number;
  inFlight: number;
  delayed: number;
  deadLetters: number;
  consumers: number;
  publishRate: number;
  deliverRate: number;
  ackRate: number;
}

/** Sums over all queues; dead letters are counted apart from the work waiting in ordinary queues. */
export function queueTotals(queues: QueueInfoView[]): Totals {
  const t: Totals = { queues: 0, deadLetterQueues: 0, ready: 0, inFlight: 0, delayed: 0, deadLetters: 0, consumers: 0, publishRate: 0, deliverRate: 0, ackRate: 0 };
  for (const q of queues) {
    if (isDeadLetterQueue(q.name)) {
      t.deadLetterQueues++;
      t.deadLetters += depthOf(q);
      continue;
    }
    t.queues++;
    t.ready += q.ready;
    t.inFlight += q.inFlight;
    t.delayed += q.delayed;
    t.consumers += q.consumers;
    t.publishRate += q.publishRate;
    t.deliverRate += q.deliverRate;
    t.ackRate += q.ackRate;
  }
  return t;
}

/**
 * Keeps the last `keep` depths of every queue across polls: `isGrowing` reads the last four,
 * `isDeadLetterGrowing` the longer window (dead letters arrive in steps, seconds apart).
 */
export function pushTrend(trends: Map<string, number[]>, queues: QueueInfoView[], keep = DLQ_TREND_POLLS + 1): Map<string, number[]> {
  const next = new Map<string, number[]>();
  for (const q of queues) next.set(q.name, [...(trends.get(q.name) ?? []), depthOf(q)].slice(-keep));
  return next;
}
