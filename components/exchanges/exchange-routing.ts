import { DEFAULT_EXCHANGE, DEFAULT_EXCHANGE_META } from '../topology/topology-marks';
import { writeTopologyParams } from '../topology/topology-params';
import { keyProblem } from '../ui/declare-name';

export type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';

export interface BindingLike {
  queue: string;
  key: string;
  headers?: { match: 'all' | 'any'; values: Record<string, string> };
}

/** The exchange page's lede: its type and, in a few words, how it picks queues. */
export function typeLede(name: string, type: ExchangeType): string {
  if (name === DEFAULT_EXCHANGE) return `The default exchange (${type}): ${DEFAULT_EXCHANGE_META}`;
  const how: Record<ExchangeType, string> = {
    direct: 'routing key equal to a binding key',
    topic: 'routing key matched against binding patterns',
    fanout: 'every bound queue',
    headers: 'message headers matched against binding arguments',
  };
  return `${type[0]!.toUpperCase()}${type.slice(1)} exchange: ${how[type]}`;
}

/** How an exchange of this type picks queues, in one sentence (above its bindings). */
export function routingWords(name: string, type: ExchangeType): string {
  if (name === DEFAULT_EXCHANGE) return 'The default exchange routes a message to the queue named by its routing key.';
  switch (type) {
    case 'direct':
      return 'A direct exchange routes a message to each queue bound with a key equal to its routing key.';
    case 'topic':
      return 'A topic exchange routes a message to each queue whose binding pattern matches its routing key (dot-separated words; * is one word, # zero or more).';
    case 'fanout':
      return 'A fanout exchange routes every message to every bound queue; the routing key is ignored.';
    case 'headers':
      return "A headers exchange routes by the message's headers, matched against each binding's arguments; the routing key is ignored.";
  }
}

/**
 * What a binding matches, as the bindings table says it: the key (a pattern on a topic exchange),
 * the header arguments on a headers exchange ("all of tenant = acme, region = eu"), or every
 * message (fanout, or header arguments that name nothing).
 */
export function bindingMatch(type: ExchangeType, b: BindingLike): string {
  if (type === 'fanout') return 'every message';
  if (type === 'headers') {
    const values = Object.entries(b.headers?.values ?? {});
    if (values.length === 0) return 'every message (no header arguments)';
    const pairs = values.map(([k, v]) => `${k} = ${v}`).join(', ');
    return values.length === 1 ? pairs : `${b.headers?.match === 'any' ? 'any' : 'all'} of ${pairs}`;
  }
  return b.key === '' ? '(empty key)' : b.key;
}

/** Whether the routing key matters to this exchange: fanout and headers exchanges ignore it. */
export const usesRoutingKey = (type: ExchangeType) => type === 'direct' || type === 'topic';

/**
 * Routing keys to offer in the publish form: the keys a message can be sent with to reach a
 * binding (a direct key, a topic pattern without wildcards), unique and sorted. On the default
 * exchange, the queue names `queues` gives (its keys), the broker's own `amq.` queues left out.
 */
export function keySuggestions(name: string, type: ExchangeType, bindings: readonly BindingLike[], queues: readonly string[] = []): string[] {
  const keys =
    name === DEFAULT_EXCHANGE
      ? queues.filter((q) => !q.startsWith('amq.'))
      : usesRoutingKey(type)
        ? bindings.map((b) => b.key).filter((k) => k !== '' && !/[*#]/.test(k))
        : [];
  return [...new Set(keys)].sort();
}

/** The exchange's own pages elsewhere: its message history, and the topology graph searched for it (the default exchange shown). */
export function exchangeLinks(name: string): { history: string; topology: string } {
  const query = writeTopologyParams('', { filter: name, showDefault: name === DEFAULT_EXCHANGE });
  return { history: `/history?exchange=${encodeURIComponent(name)}`, topology: `/topology?${query}` };
}

/** The exchange's page. */
export const exchangeHref = (name: string) => `/exchanges/${encodeURIComponent(name)}`;

/**
 * What is wrong with a routing key typed in the publish form, or null (the broker's rule,
 * server/broker/name-rules.ts, and `*` and `#` only in bindings).
 */
export function routingKeyProblem(key: string): string | null {
  const problem = keyProblem('routing key', key);
  if (problem) return problem;
  if (/[*#]/.test(key)) return 'A routing key cannot have * or #: those are wildcards for binding patterns, not for messages';
  return null;
}
