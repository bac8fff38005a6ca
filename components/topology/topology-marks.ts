/**
 * What a queue node's border says, in one place: the node's class, the words its tooltip uses and
 * the legend's words are the same (topology-legend.tsx), so the legend explains every border drawn.
 */

export type QueueMark = 'deep' | 'waiting' | 'dead' | null;

export const MARK_CLASS: Record<Exclude<QueueMark, null>, string> = {
  deep: 'topo-node--high',
  waiting: 'topo-node--low',
  dead: 'topo-node--dlq-full',
};

/** The legend's and the node tooltip's words for each mark. */
export const MARK_WORDS: Record<Exclude<QueueMark, null>, string> = {
  deep: 'Deep queue (100+ messages, at least half the deepest)',
  waiting: 'Messages waiting',
  dead: 'Dead letters waiting (DLQ)',
};

/** The mark of a queue node: `level` is depthLevel's verdict, `dlq` whether it is a dead-letter queue. */
export function queueMark(q: { depth: number; level: 'empty' | 'low' | 'high'; dlq: boolean }): QueueMark {
  if (q.dlq) return q.depth > 0 ? 'dead' : null;
  return q.level === 'high' ? 'deep' : q.level === 'low' ? 'waiting' : null;
}

export const DEFAULT_EXCHANGE = 'amq.default';
/** The default exchange has no bindings to draw: it reaches every queue by the queue's name. */
export const DEFAULT_EXCHANGE_META = 'to every queue, by name';
export const DEFAULT_EXCHANGE_WORDS =
  'The default exchange routes a message to the queue named by its routing key. It reaches every queue, so its links are not drawn.';
