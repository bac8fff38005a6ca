import { BrokerError, notFound } from './errors';
import { checkDeclarableName, checkName, checkRoutingKey, DEFAULT_EXCHANGE, MAX_NAME_LENGTH, unstorableText } from './names';
import { defaultDeadLetterQueue, DLQ_SUFFIX, resolveQueueSettings, type QueueDeclaration } from './queue-settings';
import type { TopologySnapshot } from './route';
import type { Binding, Exchange, ExchangeType, Queue, QueueSettings } from './types';
import { isReservedName } from './name-rules';

/**
 * The rules a topology change must pass, as pure functions of the topology it would change:
 * declares and deletes check against the current snapshot, an import against the snapshot as
 * the document's earlier items leave it (topology.ts).
 */

const EXCHANGE_TYPES: readonly ExchangeType[] = ['direct', 'fanout', 'topic', 'headers'];

/** Queues only the broker declares (`amq.reply.<node>`): no user may declare one, so none is exported. */
export const isInternalQueue = isReservedName;

/**
 * The broker's own queues are not the API's to change: a node's reply queue deleted, purged or
 * bound under it loses or mixes up the replies its requests wait for. Publishing to one (a reply)
 * stays open, as does reading its messages and traces.
 */
export function checkUserQueue(name: string, action: 'deleted' | 'purged' | 'bound' | 'unbound' | 'consumed' | 'replayed from' | 'replayed into'): void {
  if (isInternalQueue(name)) {
    throw new BrokerError('reserved_name', `Queue '${name}' is the broker's own (names starting with 'amq.' are reserved): it cannot be ${action} through the API`, {
      queue: name,
    });
  }
}

export function checkExchange(name: string, type: ExchangeType, exchanges: ReadonlyMap<string, Exchange>): void {
  checkDeclarableName('exchange', name);
  if (!EXCHANGE_TYPES.includes(type)) {
    throw new BrokerError('validation_failed', `Exchange type must be one of ${EXCHANGE_TYPES.join(', ')}`, { type });
  }
  const existing = exchanges.get(name);
  if (existing && existing.type !== type) throw exchangeTypeMismatch(name, existing.type, type);
}

export const exchangeTypeMismatch = (name: string, existingType: string, requestedType: string) =>
  new BrokerError('exchange_type_mismatch', `Exchange '${name}' exists with type '${existingType}', not '${requestedType}'`, {
    exchange: name,
    existingType,
    requestedType,
  });

/** A queue declaration checked against `topology`: its resolved settings and the `.dlq` it implies. */
export function checkQueue(
  name: string,
  declaration: QueueDeclaration,
  topology: TopologySnapshot,
  { internal = false }: { internal?: boolean } = {},
): { settings: QueueSettings; dlq: string | null } {
  if (internal) checkName('queue', name);
  else checkDeclarableName('queue', name);
  const settings = resolveQueueSettings(name, declaration);
  if (settings.deadLetter && settings.deadLetter.exchange) {
    if (!topology.exchanges.has(settings.deadLetter.exchange)) throw notFound('exchange', settings.deadLetter.exchange);
    if (settings.deadLetter.routingKey !== undefined) checkRoutingKey(settings.deadLetter.routingKey);
  }
  refuseSelfDeadLetter(name, settings);
  const dlq = defaultDeadLetterQueue(name, settings);
  if (dlq && dlq.length > MAX_NAME_LENGTH) {
    throw new BrokerError(
      'invalid_name',
      `Queue name '${name}' is too long for its dead-letter queue '${name}${DLQ_SUFFIX}' (${dlq.length} characters, at most ${MAX_NAME_LENGTH}): use at most ${MAX_NAME_LENGTH - DLQ_SUFFIX.length} characters, or declare another deadLetter (or false)`,
      { queue: name },
    );
  }
  // Dead letters stay in their tier: a `.dlq` of another tier would never receive them.
  const existingDlq = dlq ? topology.queues.get(dlq) : undefined;
  const dlqMismatch = existingDlq !== undefined && existingDlq.settings.durability !== settings.durability;
  // The queue asked about first: when it exists in another tier, its `.dlq` (made with it) often
  // does too, and cannot be deleted while the queue dead-letters to it: the queue is the blocker.
  const existing = topology.queues.get(name);
  if (existing && existing.settings.durability !== settings.durability) {
    const then = dlqMismatch ? `, then its dead-letter queue '${dlq}' (${existingDlq.settings.durability} too), or declare it with another deadLetter` : '';
    throw new BrokerError(
      'queue_settings_mismatch',
      `Queue '${name}' exists with durability '${existing.settings.durability}'; delete it to change durability${then}`,
      { queue: name, existing: existing.settings.durability, requested: settings.durability },
    );
  }
  if (dlqMismatch) {
    throw new BrokerError(
      'queue_settings_mismatch',
      `Queue '${dlq}' exists with durability '${existingDlq.settings.durability}': the dead-letter queue of a ${settings.durability} queue must be ${settings.durability} too (delete '${dlq}', or declare '${name}' with another deadLetter)`,
      { queue: dlq, existing: existingDlq.settings.durability, requested: settings.durability },
    );
  }
  return { settings, dlq };
}

export function checkBinding(b: Binding, topology: TopologySnapshot, action: 'bound' | 'unbound' = 'bound'): void {
  if (b.exchange === DEFAULT_EXCHANGE) {
    throw new BrokerError('reserved_name', 'The default exchange routes by queue name and takes no bindings', {
      exchange: b.exchange,
    });
  }
  checkUserQueue(b.queue, action);
  // A name no exchange or queue can have is 400 invalid_name, as on every route that names one;
  // a valid one that is not declared, 404. (A stored binding's names are found, whatever they are.)
  if (!topology.exchanges.has(b.exchange)) {
    checkName('exchange', b.exchange);
    throw notFound('exchange', b.exchange);
  }
  if (!topology.queues.has(b.queue)) {
    checkName('queue', b.queue);
    throw notFound('queue', b.queue);
  }
  checkRoutingKey(b.key, { pattern: true });
  // Unbinding takes what is stored, whatever it is; only a new binding must be able to match.
  if (action === 'bound') refuseIneffectiveBinding(b, topology.exchanges.get(b.exchange)!);
  // Header-match names and values are stored as jsonb: NUL or a lone surrogate would fail the write.
  for (const [name, value] of Object.entries(b.headers?.values ?? {})) {
    const badName = unstorableText(name);
    const bad = badName ?? unstorableText(value);
    if (bad) {
      const what = badName ? `the name ${JSON.stringify(name)} in headers.values` : `headers.values.${name}`;
      throw new BrokerError('validation_failed', `${what} must not contain ${bad}`, { field: 'headers.values' });
    }
  }
}

/**
 * The binding with its header-match names lowercased, as every message's header names are stored
 * (API.md: header names are case-insensitive) and as headersMatch looks them up: `{"X-Type": "a"}`
 * and `{"x-type": "a"}` match the same messages, so they are one binding, which a re-declare or an
 * unbind finds in either case. Two names in one binding that differ only in case would be one header
 * given twice (with `all` and two values, a binding that never matches): refused, naming both.
 */
export function lowercaseBindingHeaders(b: Binding): Binding {
  if (!b.headers) return b;
  const given = new Map<string, string>();
  const values: [string, string][] = [];
  for (const [name, value] of Object.entries(b.headers.values)) {
    const lower = name.toLowerCase();
    const earlier = given.get(lower);
    if (earlier !== undefined) {
      const message = `header names '${earlier}' and '${name}' differ only in case, and header names are case-insensitive (matched lowercased as '${lower}'): give it once`;
      throw new BrokerError('validation_failed', `headers.values: ${message}`, {
        field: 'headers.values',
        header: lower,
        issues: [{ path: 'headers.values', message }],
      });
    }
    given.set(lower, name);
    values.push([lower, value]);
  }
  // fromEntries, not assignment: a name is an own property whatever it is (checkBinding checks names).
  return { ...b, headers: { match: b.headers.match, values: Object.fromEntries(values) } };
}

/**
 * A binding that could never have an effect is refused rather than stored, where it would look
 * like routing that is not there: a headers clause on an exchange that does not route by headers
 * (it would be ignored), and on a direct exchange, which matches the routing key exactly, a key
 * with `*` or `#`, which no publish's routing key may contain (checkRoutingKey), and on a topic
 * exchange a key with `*` or `#` inside a word (`a.b*`), where they are not wildcards. Checked when
 * binding (and importing) only: bindings stored before the check still load, route as they did
 * and can be unbound.
 */
function refuseIneffectiveBinding(b: Binding, exchange: Exchange): void {
  if (b.headers !== undefined && exchange.type !== 'headers') {
    throw new BrokerError(
      'validation_failed',
      `headers: a headers clause only routes on a headers exchange; '${b.exchange}' is a ${exchange.type} exchange, which would ignore it. Leave headers out, or bind to a headers exchange`,
      { field: 'headers', exchange: b.exchange, exchangeType: exchange.type, issues: [{ path: 'headers', message: `ignored by a ${exchange.type} exchange` }] },
    );
  }
  if (exchange.type === 'direct' && /[*#]/.test(b.key)) {
    throw new BrokerError(
      'validation_failed',
      `key: a direct exchange matches the routing key exactly, and a publish's routing key cannot contain * or #, so the key '${b.key.slice(0, 300)}' on '${b.exchange}' could never match. ` +
        'Use a topic exchange for patterns (* one word, # zero or more)',
      { field: 'key', key: b.key.slice(0, 300), exchange: b.exchange, exchangeType: 'direct', issues: [{ path: 'key', message: 'contains * or #, which no routing key can' }] },
    );
  }
  // On a topic exchange * and # are wildcards only as whole words; inside a word ('b*', 'a#b')
  // they are plain characters, which no routing key may contain: such a key never matches.
  const word = exchange.type === 'topic' ? b.key.split('.').find((w) => w !== '*' && w !== '#' && /[*#]/.test(w)) : undefined;
  if (word !== undefined) {
    throw new BrokerError(
      'validation_failed',
      `key: on a topic exchange * and # are wildcards only as whole words between dots (orders.*.eu, orders.#); in the word '${word.slice(0, 100)}' of '${b.key.slice(0, 300)}' they are plain characters, which a publish's routing key cannot contain, so it could never match. ` +
        `Write ${word.includes('*') ? "'*' as a word of its own" : "'#' as a word of its own"}`,
      { field: 'key', key: b.key.slice(0, 300), exchange: b.exchange, exchangeType: 'topic', issues: [{ path: 'key', message: `the word '${word.slice(0, 100)}' mixes * or # with other characters` }] },
    );
  }
}

/**
 * A queue whose dead letters go by name to the queue itself would take each of its expired or
 * dropped entries back forever (with a TTL, a dead_lettered event per TTL, never ending), and a
 * rejected one would come straight back: refused at declaration. (A dead-letter exchange whose
 * binding routes back to the queue is a matter of bindings, which change: dead-letter-targets.ts
 * leaves the queue itself out when an entry expires or is dropped by max length.)
 */
function refuseSelfDeadLetter(name: string, settings: QueueSettings): void {
  if (deadLetterQueueByName({ name, settings }) !== name) return;
  throw new BrokerError(
    'validation_failed',
    `Invalid queue settings: deadLetter names the queue '${name}' itself (exchange '${DEFAULT_EXCHANGE}', routingKey '${name}'), so its dead letters would come back into it and, with a messageTtlMs, expire and come back forever. Name another queue, leave deadLetter out (dead letters then go to '${name}${DLQ_SUFFIX}'), or give false to drop them`,
    { queue: name, issues: [{ path: 'deadLetter.routingKey', message: 'names the queue itself' }] },
  );
}

/** The queue `q`'s dead letters go to by name, if they do: its `.dlq`, or the default exchange's key. */
export function deadLetterQueueByName(q: Queue): string | null {
  const dl = q.settings.deadLetter;
  if (!dl) return null;
  if (!dl.exchange) return q.name + DLQ_SUFFIX;
  return dl.exchange === DEFAULT_EXCHANGE && dl.routingKey !== undefined ? dl.routingKey : null;
}

export function inUse(kind: 'queue' | 'exchange', name: string, users: string[]): BrokerError {
  const what = kind === 'queue' ? 'dead-letter queue' : 'dead-letter exchange';
  const list = users.map((u) => `'${u}'`).join(', ');
  return new BrokerError(
    `${kind}_in_use`,
    `${kind[0]!.toUpperCase()}${kind.slice(1)} '${name}' is the ${what} of ${list}: delete ${users.length > 1 ? 'those queues' : 'that queue'} first, or declare ${users.length > 1 ? 'them' : 'it'} with another deadLetter`,
    { [kind]: name, deadLetterOf: users },
  );
}
