import { DEFAULT_EXCHANGE } from './names';
import { DLQ_SUFFIX } from './queue-settings';
import { route, type TopologySnapshot } from './route';
import type { DeathReason, Durability } from './types';

/**
 * Where one queue's dead letters go: its `.dlq`, the queues its dead-letter exchange routes to,
 * or nowhere (`targets` empty: the exchange routed it to no queue, or deadLetter is false; the
 * dead letter is dropped, and its `dead_lettered` event says `dropped`). A tier's dead letters
 * stay in that tier: a routed queue of another tier is named in `otherTier`, and then the entry
 * is not dead-lettered at all (kept in its queue, to be tried again) rather than dropped there.
 *
 * As RabbitMQ does, an entry that dies automatically (`expired`, `max_length`) is not dead-lettered
 * back into the very queue it dies from: with a TTL it would expire and come back forever (and a
 * max length would drop it into itself again). That target is left out (`selfDropped`); when it was
 * the only one the dead letter is dropped, and dropReason says why. A rejection (`rejected`,
 * `max_deliveries`) still goes back, as before: a consumer's decision, not a cycle of the broker's.
 * Without `reason` (callers that do not say why it dies) nothing is left out.
 */
export function deadLetterPlan(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
  reason?: DeathReason,
): { targets: string[]; otherTier: string[]; selfDropped: boolean } {
  const settings = topology.queues.get(queue)?.settings;
  if (!settings || settings.deadLetter === false) return { targets: [], otherTier: [], selfDropped: false };
  const tier: Durability = settings.durability;
  const routed = routedDeadLetterQueues(topology, queue, message);
  const leaveSelf = reason !== undefined && AUTOMATIC.has(reason);
  const targets: string[] = [];
  const otherTier: string[] = [];
  let selfDropped = false;
  for (const t of routed) {
    if (t === queue && leaveSelf) {
      selfDropped = true;
      continue;
    }
    const d = topology.queues.get(t)?.settings.durability;
    if (d === tier) targets.push(t);
    else if (d !== undefined) otherTier.push(t);
  }
  return { targets, otherTier, selfDropped };
}

/** The deaths the broker decides by itself, not a consumer: never dead-lettered back into their own queue. */
const AUTOMATIC: ReadonlySet<DeathReason> = new Set<DeathReason>(['expired', 'max_length']);

/** The queues a dead letter of `queue` is routed to, whatever their tier (its `.dlq`, or its dead-letter exchange's routing). */
function routedDeadLetterQueues(topology: TopologySnapshot, queue: string, message: { routingKey: string; headers: Record<string, string> }): string[] {
  const dl = topology.queues.get(queue)?.settings.deadLetter;
  if (!dl) return [];
  return dl.exchange ? route(topology, dl.exchange, dl.routingKey ?? message.routingKey, message.headers) : [queue + DLQ_SUFFIX];
}

/** Why an automatic dead letter is not put back into the queue it dies from (its event's detail). */
export function selfDropReason(queue: string, reason?: DeathReason): string {
  return `dead-letter target '${queue}' is the queue the entry died from${reason ? ` (${reason})` : ''}: an expired or max-length dead letter is not put back into its own queue, where it would cycle forever`;
}

/** Why an entry is kept rather than dead-lettered (its event's detail, and the log). */
export function otherTierReason(queue: string, otherTier: string[]): string {
  return `dead-letter target ${otherTier.map((q) => `'${q}'`).join(', ')} of '${queue}' is in another tier: kept in '${queue}' instead of dropping it`;
}

/**
 * Why a dead letter with no target was dropped (its `dead_lettered` event's `droppedBecause`).
 * A dead letter whose only target was its own queue was left out by deadLetterPlan (an automatic
 * death: a rejection keeps that target, so it is never dropped for it): said so, with or without `reason`.
 */
export function dropReason(topology: TopologySnapshot, queue: string, routingKey: string, reason?: DeathReason, headers: Record<string, string> = {}): string {
  const dl = topology.queues.get(queue)?.settings.deadLetter;
  if (!dl) return `queue '${queue}' has deadLetter: false`;
  if (!dl.exchange) return `dead-letter queue '${queue}${DLQ_SUFFIX}' does not exist`;
  if (routedDeadLetterQueues(topology, queue, { routingKey, headers }).includes(queue)) return selfDropReason(queue, reason);
  return `dead-letter exchange '${dl.exchange}' routed key '${dl.routingKey ?? routingKey}' to no queue`;
}

/** The same-tier queues of deadLetterPlan (the queues that receive a copy when nothing is kept). */
export function deadLetterTargets(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
): string[] {
  return deadLetterPlan(topology, queue, message).targets;
}

/** Every queue that may receive `queue`'s dead letters, whatever the message (a superset): whom to wake. */
export function possibleDeadLetterQueues(topology: TopologySnapshot, queue: string): string[] {
  const settings = topology.queues.get(queue)?.settings;
  if (!settings || settings.deadLetter === false) return [];
  const { exchange, routingKey } = settings.deadLetter;
  if (!exchange) return [queue + DLQ_SUFFIX];
  if (exchange === DEFAULT_EXCHANGE) return routingKey !== undefined ? [routingKey] : [...topology.queues.keys()];
  return (topology.bindingsByExchange.get(exchange) ?? []).map((b) => b.queue);
}
