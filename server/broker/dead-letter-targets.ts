import { DEFAULT_EXCHANGE } from './names';
import { DLQ_SUFFIX } from './queue-settings';
import { route, type TopologySnapshot } from './route';
import type { Durability } from './types';

/**
 * Where one queue's dead letters go: its `.dlq`, the queues its dead-letter exchange routes to,
 * or nowhere. Only queues of the same tier are targets: a tier's dead letters stay in that tier.
 */
export function deadLetterTargets(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
): string[] {
  const settings = topology.queues.get(queue)?.settings;
  if (!settings || settings.deadLetter === false) return [];
  const tier: Durability = settings.durability;
  const { exchange, routingKey } = settings.deadLetter;
  const targets = exchange ? route(topology, exchange, routingKey ?? message.routingKey, message.headers) : [queue + DLQ_SUFFIX];
  return targets.filter((t) => topology.queues.get(t)?.settings.durability === tier);
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
