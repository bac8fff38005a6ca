import { DEFAULT_EXCHANGE } from './names';
import { DLQ_SUFFIX } from './queue-settings';
import { route, type TopologySnapshot } from './route';
import type { Death, DeathReason, Durability } from './types';

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
 *
 * The same holds along a dead-letter chain (RabbitMQ's dead-letter cycle detection): with
 * `earlier`, the death the entry carries (how it came into `queue`), an automatic death is not
 * dead-lettered into any queue it already died from automatically in this chain with no rejection
 * since (A expires into B, B expires back towards A). Those targets are left out too (`leftOut`,
 * the queue itself among them: `selfDropped`); `chain` is every queue of that run, newest first,
 * this one first (empty for a rejection: a consumer's decision starts the chain again).
 */
export function deadLetterPlan(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
  reason?: DeathReason,
  earlier?: Death | null,
): { targets: string[]; otherTier: string[]; selfDropped: boolean; leftOut: string[]; chain: string[] } {
  const chain = automaticChain(queue, reason, earlier);
  const settings = topology.queues.get(queue)?.settings;
  if (!settings || settings.deadLetter === false) return { targets: [], otherTier: [], selfDropped: false, leftOut: [], chain };
  const tier: Durability = settings.durability;
  const routed = routedDeadLetterQueues(topology, queue, message);
  const targets: string[] = [];
  const otherTier: string[] = [];
  const leftOut: string[] = [];
  for (const t of routed) {
    if (chain.includes(t)) {
      leftOut.push(t);
      continue;
    }
    const d = topology.queues.get(t)?.settings.durability;
    if (d === tier) targets.push(t);
    else if (d !== undefined) otherTier.push(t);
  }
  return { targets, otherTier, selfDropped: leftOut.includes(queue), leftOut, chain };
}

/**
 * The queues an entry dying from `queue` for `reason` has died from automatically in this
 * dead-letter chain, with no rejection since, newest first and `queue` first; empty when this
 * death is not automatic (or says no reason). `earlier` is the death it carries: the one that
 * brought it into `queue` (null when it was published or replayed there).
 */
export function automaticChain(queue: string, reason: DeathReason | undefined, earlier: Death | null | undefined): string[] {
  if (reason === undefined || !AUTOMATIC.has(reason)) return [];
  const before = earlier && AUTOMATIC.has(earlier.reason) ? [earlier.queue, ...(earlier.diedBefore ?? [])] : [];
  return [...new Set([queue, ...before])];
}

/** The new death's `diedBefore` for a plan's chain: the queues before this one, absent when none. */
export function diedBefore(chain: string[]): { diedBefore?: string[] } {
  return chain.length > 1 ? { diedBefore: chain.slice(1) } : {};
}

/**
 * What a `dead_lettered` event says of where it went: `to`, and `dropped` with `droppedBecause`
 * when it went nowhere; targets left out as a cycle beside others in `notTo` with `notToBecause`.
 */
export function deadLetteredDetail(
  topology: TopologySnapshot,
  queue: string,
  message: { routingKey: string; headers: Record<string, string> },
  reason: DeathReason,
  plan: { targets: string[]; leftOut: string[]; chain: string[] },
): { to: string[]; dropped: boolean; droppedBecause?: string; notTo?: string[]; notToBecause?: string } {
  const { targets, leftOut, chain } = plan;
  if (targets.length === 0) {
    return {
      to: targets,
      dropped: true,
      droppedBecause: leftOut.length > 0 ? leftOutReason(queue, leftOut, chain, reason) : dropReason(topology, queue, message.routingKey, reason, message.headers),
    };
  }
  return { to: targets, dropped: false, ...(leftOut.length > 0 ? { notTo: leftOut, notToBecause: leftOutReason(queue, leftOut, chain, reason) } : {}) };
}

/** Why targets were left out of an automatic dead-lettering: the queue itself, or queues it died from earlier in the chain. */
export function leftOutReason(queue: string, leftOut: string[], chain: string[], reason?: DeathReason): string {
  if (leftOut.length === 1 && leftOut[0] === queue) return selfDropReason(queue, reason);
  return cycleDropReason(leftOut, chain, reason);
}

/** Why an automatic dead letter is not put back into a queue it already died from in its dead-letter chain (its event's detail). */
export function cycleDropReason(leftOut: string[], chain: string[], reason?: DeathReason): string {
  const names = leftOut.map((q) => `'${q}'`).join(', ');
  const path = [...chain].reverse().map((q) => `'${q}'`).join(' → ');
  return `dead-letter target ${names} ${leftOut.length > 1 ? 'are queues' : 'is a queue'} the message already died from in this dead-letter chain (${path}${reason ? `, now ${reason}` : ''}) with no rejection since: an expired or max-length dead letter is not put back there, where it would cycle forever`;
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

/** Dead letters of one queue: how many died, and how many arrived in each queue they moved to. */
export type DeadCount = { n: number; arrivals: Map<string, number> };

/** Counts one dead letter of `queue` that moved to `targets` (one entry in each). */
export function countDead(perQueue: Map<string, DeadCount>, queue: string, targets: readonly string[]): void {
  let c = perQueue.get(queue);
  if (!c) perQueue.set(queue, (c = { n: 0, arrivals: new Map() }));
  c.n++;
  for (const t of targets) c.arrivals.set(t, (c.arrivals.get(t) ?? 0) + 1);
}
