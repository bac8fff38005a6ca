import { DEFAULT_EXCHANGE } from './names';
import { DLQ_SUFFIX } from './queue-settings';
import { route, type TopologySnapshot } from './route';
import type { Durability } from './types';

/**
 * Where one queue's dead letters go: its `.dlq`, the queues its dead-letter exchange routes to,
 * or nowhere (`targets` empty: the exchange routed it to no queue, or deadLetter is false; the
 * dead letter is dropped, and its `dead_lettered` event says `dropped`). A tier's dead letters
 * stay in that tier: a routed queue of another tier is named in `otherTier`, and then the entry
 * is not dead-lettered at all (kept in its queue, to be tried again) rather than dropped there.
 */
export function deadLetterPlan(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
): { targets: string[]; otherTier: string[] } {
  const settings = topology.queues.get(queue)?.settings;
  if (!settings || settings.deadLetter === false) return { targets: [], otherTier: [] };
  const tier: Durability = settings.durability;
  const { exchange, routingKey } = settings.deadLetter;
  const routed = exchange ? route(topology, exchange, routingKey ?? message.routingKey, message.headers) : [queue + DLQ_SUFFIX];
  const targets: string[] = [];
  const otherTier: string[] = [];
  for (const t of routed) {
    const d = topology.queues.get(t)?.settings.durability;
    if (d === tier) targets.push(t);
    else if (d !== undefined) otherTier.push(t);
  }
  return { targets, otherTier };
}

/** Why an entry is kept rather than dead-lettered (its event's detail, and the log). */
export function otherTierReason(queue: string, otherTier: string[]): string {
  return `dead-letter target ${otherTier.map((q) => `'${q}'`).join(', ')} of '${queue}' is in another tier: kept in '${queue}' instead of dropping it`;
}

/** Why a dead letter with no target was dropped (its `dead_lettered` event's `droppedBecause`). */
export function dropReason(topology: TopologySnapshot, queue: string, routingKey: string): string {
  const dl = topology.queues.get(queue)?.settings.deadLetter;
  if (!dl) return `queue '${queue}' has deadLetter: false`;
  if (!dl.exchange) return `dead-letter queue '${queue}${DLQ_SUFFIX}' does not exist`;
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
