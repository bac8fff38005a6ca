import type { Db, Sql } from '../../db/driver';
import { jsonValue } from '../../db/driver';
import { BrokerError, notFound } from './errors';
import { checkDeclarableName, checkName, checkRoutingKey, DEFAULT_EXCHANGE, MAX_NAME_LENGTH } from './names';
import { replicationStatusRead } from './pg/replication-status';
import { defaultDeadLetterQueue, DLQ_SUFFIX, resolveQueueSettings, type QueueDeclaration } from './queue-settings';
import { replicationUnavailable, replicationVerdict } from './replication';
import type { TopologySnapshot } from './route';
import type { Binding, Definitions, Exchange, ExchangeType, HeaderMatch, Queue, QueueSettings } from './types';

export const TOPOLOGY_CHANNEL = 'hatoba_topology';
const EXCHANGE_TYPES: readonly ExchangeType[] = ['direct', 'fanout', 'topic', 'headers'];

const bindingSignature = (b: Binding) =>
  b.headers
    ? `${b.key}|${b.headers.match}|${JSON.stringify(Object.entries(b.headers.values).sort())}`
    : `${b.key}|`;

/**
 * The topology (exchanges, queues, bindings): stored in the database, cached in memory as an
 * immutable snapshot that routing reads without a query. Every change is one transaction that
 * also NOTIFYs the other nodes, which reload.
 */
export class TopologyStore {
  private current: TopologySnapshot = { exchanges: new Map(), queues: new Map(), bindingsByExchange: new Map() };

  constructor(
    private readonly db: Db,
    private readonly onChange: (snapshot: TopologySnapshot) => void = () => {},
  ) {}

  get snapshot(): TopologySnapshot {
    return this.current;
  }

  private loading: Promise<void> = Promise.resolve();
  /** Reloads asked for and not yet finished. */
  private inFlight = 0;

  /**
   * Reloads the snapshot. Loads run one after another, so a slow older load can never
   * overwrite a newer snapshot (a change reloads after its commit; a NOTIFY may ask again).
   */
  load(): Promise<void> {
    const next = this.loading.then(
      () => this.read(),
      () => this.read(),
    );
    this.inFlight++;
    this.loading = next.catch(() => {}).finally(() => this.inFlight--);
    return next;
  }

  /**
   * Resolves once the reloads asked for so far have finished (at once when none is running).
   * A publish waits for it: a NOTIFY of a change arrives before the publishes that followed the
   * change, so routing after it never uses a snapshot older than what this node was told about
   * (a reply to a queue another node had just declared was unroutable here).
   */
  settled(): Promise<void> | undefined {
    return this.inFlight > 0 ? this.loading : undefined;
  }

  private async read(): Promise<void> {
    const [ex, qs, bs] = await Promise.all([
      this.db.query<{ name: string; type: ExchangeType }>('SELECT name, type FROM exchanges'),
      this.db.query<Record<string, unknown>>('SELECT * FROM queues'),
      this.db.query<Record<string, unknown>>('SELECT exchange, queue, key, headers_match, headers FROM bindings ORDER BY id'),
    ]);
    const exchanges = new Map<string, Exchange>([[DEFAULT_EXCHANGE, { name: DEFAULT_EXCHANGE, type: 'direct' }]]);
    for (const e of ex) exchanges.set(e.name, { name: e.name, type: e.type });
    const queues = new Map<string, Queue>(qs.map((r) => [String(r.name), { name: String(r.name), settings: rowSettings(r) }]));
    const bindingsByExchange = new Map<string, Binding[]>();
    for (const r of bs) {
      const b: Binding = { exchange: String(r.exchange), queue: String(r.queue), key: String(r.key) };
      if (r.headers_match) b.headers = { match: r.headers_match as HeaderMatch['match'], values: jsonValue(r.headers) };
      bindingsByExchange.set(b.exchange, [...(bindingsByExchange.get(b.exchange) ?? []), b]);
    }
    this.current = { exchanges, queues, bindingsByExchange };
    this.onChange(this.current);
  }

  exchange(name: string): Exchange {
    const e = this.current.exchanges.get(name);
    if (!e) throw notFound('exchange', name);
    return e;
  }

  queue(name: string): Queue {
    const q = this.current.queues.get(name);
    if (!q) throw notFound('queue', name);
    return q;
  }

  /**
   * Like exchange() and queue(), but a name missing from the snapshot is looked up again once
   * the reloads this node was told about land: one declared on another node moments ago is
   * found, not a 404. A name that is there answers without waiting.
   */
  async exchangeAfterReload(name: string): Promise<Exchange> {
    if (!this.current.exchanges.has(name)) await this.settled();
    return this.exchange(name);
  }

  async queueAfterReload(name: string): Promise<Queue> {
    if (!this.current.queues.has(name)) await this.settled();
    return this.queue(name);
  }

  private async change<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    const result = await this.db.tx(async (q) => {
      const r = await fn(q);
      await q.query('SELECT pg_notify($1, $2)', [TOPOLOGY_CHANNEL, 'changed']);
      return r;
    });
    await this.load();
    return result;
  }

  async declareExchange(name: string, type: ExchangeType): Promise<{ created: boolean }> {
    checkExchange(name, type, this.current.exchanges);
    return this.change(async (q) => ({ created: await writeExchange(q, name, type) }));
  }

  async deleteExchange(name: string): Promise<void> {
    checkDeclarableName('exchange', name);
    this.exchange(name);
    const users = [...this.current.queues.values()].filter((q) => q.settings.deadLetter && q.settings.deadLetter.exchange === name).map((q) => q.name);
    if (users.length > 0) throw inUse('exchange', name, users);
    await this.change(async (q) => {
      await q.query('DELETE FROM bindings WHERE exchange = $1', [name]);
      await q.query('DELETE FROM exchanges WHERE name = $1', [name]);
    });
  }

  /**
   * Declares or updates a queue (PUT semantics: the settings given replace the old ones; the
   * durability of an existing queue cannot change). Creates `{name}.dlq` unless deadLetter is false.
   */
  async declareQueue(
    name: string,
    declaration: QueueDeclaration = {},
    { internal = false }: { internal?: boolean } = {},
  ): Promise<{ created: boolean; queue: Queue }> {
    const { settings, dlq } = checkQueue(name, declaration, this.current, { internal });
    if (settings.durability === 'replicated') await this.checkReplicated(name, dlq);
    const created = await this.change((q) => writeQueue(q, name, settings, dlq));
    return { created, queue: this.queue(name) };
  }

  /**
   * A replicated queue is a promise that every answered write is on a synchronous standby:
   * refused unless the server has one now. Its dead letters must keep that promise too, so an
   * existing `{name}.dlq` of another tier is refused rather than silently dropping them.
   */
  private async checkReplicated(name: string, dlq: string | null): Promise<void> {
    const verdict = replicationVerdict(await replicationStatusRead(this.db));
    if (!verdict.ok) throw replicationUnavailable(name, verdict.reason);
    const existingDlq = dlq ? this.current.queues.get(dlq) : undefined;
    if (existingDlq && existingDlq.settings.durability !== 'replicated') {
      throw new BrokerError(
        'queue_settings_mismatch',
        `Queue '${dlq}' exists with durability '${existingDlq.settings.durability}': a replicated queue's dead-letter queue must be replicated too`,
        { queue: dlq, existing: existingDlq.settings.durability, requested: 'replicated' },
      );
    }
  }

  /**
   * Deletes a queue with its entries and bindings. A queue that another one dead-letters to by
   * name (its `.dlq`, or the default exchange with this name as key) is refused: its dead letters
   * would be dropped from then on, silently. One reached through a dead-letter exchange's bindings
   * may go, as a bound queue may in RabbitMQ.
   */
  async deleteQueue(name: string): Promise<void> {
    this.queue(name);
    const users = [...this.current.queues.values()].filter((q) => q.name !== name && deadLetterQueueByName(q) === name).map((q) => q.name);
    if (users.length > 0) throw inUse('queue', name, users);
    await this.change(async (q) => {
      await q.query('DELETE FROM bindings WHERE queue = $1', [name]);
      await q.query('DELETE FROM queue_entries WHERE queue = $1', [name]);
      await q.query('DELETE FROM queues WHERE name = $1', [name]);
    });
  }

  async bind(b: Binding): Promise<{ created: boolean }> {
    checkBinding(b, this.current);
    return this.change(async (q) => ({ created: await writeBinding(q, b) }));
  }

  async unbind(b: Binding): Promise<{ deleted: boolean }> {
    checkBinding(b, this.current);
    return this.change(async (q) => {
      const rows = await q.query('DELETE FROM bindings WHERE exchange = $1 AND queue = $2 AND signature = $3 RETURNING id', [
        b.exchange,
        b.queue,
        bindingSignature(b),
      ]);
      return { deleted: rows.length > 0 };
    });
  }

  /** What users declared: the default exchange and the nodes' own `amq.` queues (reply queues) are left out. */
  exportDefinitions(): Definitions {
    const s = this.current;
    return {
      exchanges: [...s.exchanges.values()].filter((e) => e.name !== DEFAULT_EXCHANGE),
      queues: [...s.queues.values()].filter((q) => !isInternalQueue(q.name)),
      bindings: [...s.bindingsByExchange.values()].flat().filter((b) => !isInternalQueue(b.queue)),
    };
  }

  /**
   * Declares everything in the document, all or nothing: each item is checked against the
   * topology as the items before it leave it, then all are written in one transaction. A queue
   * that exists takes the document's settings (PUT), as a declare does; so a second import
   * changes nothing. Nodes' own `amq.` queues (in exports made before they were left out) are
   * skipped and named in `skipped`.
   */
  async importDefinitions(defs: Definitions): Promise<{ exchanges: number; queues: number; bindings: number; skipped: string[] }> {
    const exchanges = new Map(this.current.exchanges);
    const stagedQueues = new Map(this.current.queues);
    const staged: TopologySnapshot = { exchanges, queues: stagedQueues, bindingsByExchange: new Map() };
    const skipped = defs.queues.filter((q) => isInternalQueue(q.name)).map((q) => q.name);
    const queues: { name: string; settings: QueueSettings; dlq: string | null }[] = [];
    for (const e of defs.exchanges) {
      checkExchange(e.name, e.type, staged.exchanges);
      exchanges.set(e.name, { name: e.name, type: e.type });
    }
    for (const q of defs.queues) {
      if (isInternalQueue(q.name)) continue;
      const { settings, dlq } = checkQueue(q.name, q.settings, staged);
      queues.push({ name: q.name, settings, dlq });
      stagedQueues.set(q.name, { name: q.name, settings });
      if (dlq && !stagedQueues.has(dlq)) stagedQueues.set(dlq, { name: dlq, settings: resolveQueueSettings(dlq, { durability: settings.durability }) });
    }
    const bindings = defs.bindings.filter((b) => !isInternalQueue(b.queue));
    for (const b of bindings) checkBinding(b, staged);
    for (const q of queues) if (q.settings.durability === 'replicated') await this.checkReplicated(q.name, q.dlq);
    await this.change(async (tx) => {
      for (const e of defs.exchanges) await writeExchange(tx, e.name, e.type);
      for (const q of queues) await writeQueue(tx, q.name, q.settings, q.dlq);
      for (const b of bindings) await writeBinding(tx, b);
    });
    return { exchanges: defs.exchanges.length, queues: queues.length, bindings: bindings.length, skipped };
  }
}

/** Queues only the broker declares (`amq.reply.<node>`): no user may declare one, so none is exported. */
const isInternalQueue = (name: string) => name.startsWith('amq.');

function checkExchange(name: string, type: ExchangeType, exchanges: ReadonlyMap<string, Exchange>): void {
  checkDeclarableName('exchange', name);
  if (!EXCHANGE_TYPES.includes(type)) {
    throw new BrokerError('validation_failed', `Exchange type must be one of ${EXCHANGE_TYPES.join(', ')}`, { type });
  }
  const existing = exchanges.get(name);
  if (existing && existing.type !== type) throw exchangeTypeMismatch(name, existing.type, type);
}

const exchangeTypeMismatch = (name: string, existingType: string, requestedType: string) =>
  new BrokerError('exchange_type_mismatch', `Exchange '${name}' exists with type '${existingType}', not '${requestedType}'`, {
    exchange: name,
    existingType,
    requestedType,
  });

/** A queue declaration checked against `topology`: its resolved settings and the `.dlq` it implies. */
function checkQueue(
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
  const dlq = defaultDeadLetterQueue(name, settings);
  if (dlq && dlq.length > MAX_NAME_LENGTH) {
    throw new BrokerError(
      'invalid_name',
      `Queue name '${name}' is too long for its dead-letter queue '${name}${DLQ_SUFFIX}' (${dlq.length} characters, at most ${MAX_NAME_LENGTH}): use at most ${MAX_NAME_LENGTH - DLQ_SUFFIX.length} characters, or declare another deadLetter (or false)`,
      { queue: name },
    );
  }
  const existing = topology.queues.get(name);
  if (existing && existing.settings.durability !== settings.durability) {
    throw new BrokerError(
      'queue_settings_mismatch',
      `Queue '${name}' exists with durability '${existing.settings.durability}'; delete it to change durability`,
      { queue: name, existing: existing.settings.durability, requested: settings.durability },
    );
  }
  return { settings, dlq };
}

function checkBinding(b: Binding, topology: TopologySnapshot): void {
  if (b.exchange === DEFAULT_EXCHANGE) {
    throw new BrokerError('reserved_name', 'The default exchange routes by queue name and takes no bindings', {
      exchange: b.exchange,
    });
  }
  if (!topology.exchanges.has(b.exchange)) throw notFound('exchange', b.exchange);
  if (!topology.queues.has(b.queue)) throw notFound('queue', b.queue);
  checkRoutingKey(b.key, { pattern: true });
}

/** Inserts an exchange, or finds it; true when it was made. One of another type is refused. */
async function writeExchange(q: Sql, name: string, type: ExchangeType): Promise<boolean> {
  const rows = await q.query<{ type: string; created: boolean }>(
    `INSERT INTO exchanges (name, type) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
     RETURNING type, (xmax = 0) AS created`,
    [name, type],
  );
  const row = rows[0]!;
  if (row.type !== type) throw exchangeTypeMismatch(name, row.type, type);
  return row.created;
}

/** Upserts a queue with its settings, and makes its `.dlq` if it has none yet; true when the queue was made. */
async function writeQueue(q: Sql, name: string, settings: QueueSettings, dlq: string | null): Promise<boolean> {
  const made = await upsertQueue(q, name, settings);
  if (dlq) await upsertQueue(q, dlq, resolveQueueSettings(dlq, { durability: settings.durability }), false);
  return made;
}

async function writeBinding(q: Sql, b: Binding): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO bindings (exchange, queue, key, headers_match, headers, signature) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)
     ON CONFLICT (exchange, queue, signature) DO NOTHING RETURNING id`,
    [b.exchange, b.queue, b.key, b.headers?.match ?? null, b.headers ? JSON.stringify(b.headers.values) : null, bindingSignature(b)],
  );
  return rows.length > 0;
}

async function upsertQueue(q: Sql, name: string, s: QueueSettings, replace = true): Promise<boolean> {
  const rows = await q.query<{ created: boolean }>(
    `INSERT INTO queues (name, durability, max_deliveries, visibility_timeout_ms, retry, dead_letter, message_ttl_ms, max_length)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8)
     ON CONFLICT (name) DO UPDATE SET
       max_deliveries = CASE WHEN $9 THEN EXCLUDED.max_deliveries ELSE queues.max_deliveries END,
       visibility_timeout_ms = CASE WHEN $9 THEN EXCLUDED.visibility_timeout_ms ELSE queues.visibility_timeout_ms END,
       retry = CASE WHEN $9 THEN EXCLUDED.retry ELSE queues.retry END,
       dead_letter = CASE WHEN $9 THEN EXCLUDED.dead_letter ELSE queues.dead_letter END,
       message_ttl_ms = CASE WHEN $9 THEN EXCLUDED.message_ttl_ms ELSE queues.message_ttl_ms END,
       max_length = CASE WHEN $9 THEN EXCLUDED.max_length ELSE queues.max_length END
     RETURNING (xmax = 0) AS created`,
    [name, s.durability, s.maxDeliveries, s.visibilityTimeoutMs, JSON.stringify(s.retry), JSON.stringify(s.deadLetter), s.messageTtlMs, s.maxLength, replace],
  );
  return rows[0]!.created;
}

function rowSettings(r: Record<string, unknown>): QueueSettings {
  return {
    durability: r.durability as QueueSettings['durability'],
    maxDeliveries: Number(r.max_deliveries),
    visibilityTimeoutMs: Number(r.visibility_timeout_ms),
    retry: jsonValue(r.retry),
    deadLetter: jsonValue(r.dead_letter) ?? false,
    messageTtlMs: r.message_ttl_ms == null ? null : Number(r.message_ttl_ms),
    maxLength: r.max_length == null ? null : Number(r.max_length),
  };
}

/** The queue `q`'s dead letters go to by name, if they do: its `.dlq`, or the default exchange's key. */
function deadLetterQueueByName(q: Queue): string | null {
  const dl = q.settings.deadLetter;
  if (!dl) return null;
  if (!dl.exchange) return q.name + DLQ_SUFFIX;
  return dl.exchange === DEFAULT_EXCHANGE && dl.routingKey !== undefined ? dl.routingKey : null;
}

function inUse(kind: 'queue' | 'exchange', name: string, users: string[]): BrokerError {
  const what = kind === 'queue' ? 'dead-letter queue' : 'dead-letter exchange';
  const list = users.map((u) => `'${u}'`).join(', ');
  return new BrokerError(
    `${kind}_in_use`,
    `${kind[0]!.toUpperCase()}${kind.slice(1)} '${name}' is the ${what} of ${list}: delete ${users.length > 1 ? 'those queues' : 'that queue'} first, or declare ${users.length > 1 ? 'them' : 'it'} with another deadLetter`,
    { [kind]: name, deadLetterOf: users },
  );
}
