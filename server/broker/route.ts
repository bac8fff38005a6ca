import type { Binding, Exchange, HeaderMatch, Queue } from './types';
import { DEFAULT_EXCHANGE } from './names';

/** A read-only picture of the topology, rebuilt whenever it changes; routing reads only this. */
export interface TopologySnapshot {
  exchanges: ReadonlyMap<string, Exchange>;
  queues: ReadonlyMap<string, Queue>;
  bindingsByExchange: ReadonlyMap<string, readonly Binding[]>;
}

/** AMQP topic matching: `*` is exactly one word, `#` zero or more. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key === '' ? [] : key.split('.');
  const pp = pattern === '' ? [] : p;
  // Memoised recursion over (pattern index, key index); patterns are short.
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const id = i * 1024 + j;
    const seen = memo.get(id);
    if (seen !== undefined) return seen;
    let result: boolean;
    if (i === pp.length) result = j === k.length;
    else if (pp[i] === '#') result = match(i + 1, j) || (j < k.length && match(i, j + 1));
    else result = j < k.length && (pp[i] === '*' || pp[i] === k[j]) && match(i + 1, j + 1);
    memo.set(id, result);
    return result;
  };
  return match(0, 0);
}

export function headersMatch(rule: HeaderMatch, headers: Record<string, string>): boolean {
  const entries = Object.entries(rule.values);
  if (entries.length === 0) return true;
  const hit = ([name, value]: [string, string]) => headers[name.toLowerCase()] === value;
  return rule.match === 'any' ? entries.some(hit) : entries.every(hit);
}

/** exchange + routing key + headers → the names of the queues that get a copy (sorted, unique). */
export function route(
  topology: TopologySnapshot,
  exchange: string,
  routingKey: string,
  headers: Record<string, string>,
): string[] {
  if (exchange === DEFAULT_EXCHANGE) return topology.queues.has(routingKey) ? [routingKey] : [];
  const type = topology.exchanges.get(exchange)?.type;
  const bindings = topology.bindingsByExchange.get(exchange) ?? [];
  const targets = new Set<string>();
  for (const b of bindings) {
    const hit =
      type === 'fanout' ||
      (type === 'direct' && b.key === routingKey) ||
      (type === 'topic' && topicMatches(b.key, routingKey)) ||
      (type === 'headers' && headersMatch(b.headers ?? { match: 'all', values: {} }, headers));
    if (hit) targets.add(b.queue);
  }
  return [...targets].sort();
}
