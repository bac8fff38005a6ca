import type { Db, Sql } from '../../db/driver';
import { jsonValue } from '../../db/driver';
import { BrokerError, DEFAULT_COMMIT_TIMEOUT_MS, notFound, reloadTimeout } from './errors';
import { checkDeclarableName, checkName, DEFAULT_EXCHANGE } from './names';
import { withinMs } from '../time-limit';
import { replicationStatusRead } from './pg/replication-status';
import { deleteBinding, rowSettings, writeBinding, writeExchange, writeQueue } from './pg/topology-write';
import { resolveQueueSettings, type QueueDeclaration } from './queue-settings';
import { readablePath } from './validation-issues';
import { replicationUnavailable, replicationVerdict } from './replication';
import type { TopologySnapshot } from './route';
import { checkBinding, checkExchange, checkQueue, checkUserQueue, deadLetterQueueByName, inUse, isInternalQueue, lowercaseBindingHeaders } from './topology-checks';
import type { Binding, Definitions, Exchange, ExchangeType, HeaderMatch, Queue, QueueSettings } from './types';

export const TOPOLOGY_CHANNEL = 'hatoba_topology';
/**
 * The topology (exchanges, queues, bindings): stored in the database, cached in memory as an
 * immutable snapshot that routing reads without a query. Every change is one transaction that
 * also NOTIFYs the other nodes, which reload (see madeHere); the node that made it has reloaded
 * before its change answers.
 */
export class TopologyStore {
  private current: TopologySnapshot = { exchanges: new Map(), queues: new Map(), bindingsByExchange: new Map() };
  private readonly waitLimitMs: number;
  private readonly node: string | undefined;

  /**
   * `waitLimitMs`: how long settled() waits for a reload before it rejects with database_timeout
   * (the commit timeout): a frozen database never finishes the reload's read. `node`: this
   * node's id, sent with its changes' NOTIFY so that it does not reload a second time for them.
   */
  constructor(
    private readonly db: Db,
    o: { waitLimitMs?: number; node?: string } = {},
  ) {
    this.waitLimitMs = o.waitLimitMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    this.node = o.node;
  }

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
   * (a reply to a queue another node had just declared was unroutable here). It waits at most
   * `waitLimitMs`, then rejects with database_timeout: every caller (publish, receive, ack, …)
   * answers then rather than hold its client for as long as the database is gone.
   */
  settled(): Promise<void> | undefined {
    return this.inFlight > 0 ? this.withinWaitLimit(this.loading) : undefined;
  }

  private async withinWaitLimit(p: Promise<void>): Promise<void> {
    const since = performance.now();
    await withinMs(p, this.waitLimitMs, () => {
      throw reloadTimeout({ waitedMs: Math.round(performance.now() - since), timeoutMs: this.waitLimitMs });
    });
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
  }

  /** The exchange; 404 when there is none, 400 invalid_name when no exchange could have that name. */
  exchange(name: string): Exchange {
    const e = this.current.exchanges.get(name);
    if (e) return e;
    checkName('exchange', name);
    throw notFound('exchange', name);
  }

  /** The queue; 404 when there is none, 400 invalid_name when no queue could have that name (as receive says). */
  queue(name: string): Queue {
    const q = this.current.queues.get(name);
    if (q) return q;
    checkName('queue', name);
    throw notFound('queue', name);
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

  /**
   * Whether a NOTIFY on TOPOLOGY_CHANNEL is of a change this node made: its change() reloaded
   * before it answered, so the node need not reload again. An extra reload would hold every
   * request that waits for settled() for as long as the database takes to answer it.
   */
  madeHere(payload: string): boolean {
    return this.node !== undefined && payload === this.node;
  }

  private async change<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    const result = await this.db.tx(async (q) => {
      const r = await fn(q);
      await q.query('SELECT pg_notify($1, $2)', [TOPOLOGY_CHANNEL, this.node ?? 'changed']);
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
      // Webhook sources publish here too: deleting it would answer their senders 404, and senders
      // stop retrying. The row is locked first, and a source's declaration takes a share lock on
      // it (server/webhooks/sources.ts), so no source can point here once this commits. The
      // sources table is asked like a foreign key would be: the broker imports no webhooks code.
      await q.query('SELECT name FROM exchanges WHERE name = $1 FOR UPDATE', [name]);
      const sources = (await q.query<{ name: string }>('SELECT name FROM sources WHERE exchange = $1 ORDER BY name', [name])).map((r) => r.name);
      if (sources.length > 0) {
        const list = sources.map((s) => `'${s}'`).join(', ');
        const many = sources.length > 1;
        throw new BrokerError(
          'exchange_in_use',
          `Exchange '${name}' is where webhook source${many ? 's' : ''} ${list} publish${many ? '' : 'es'}: delete ${many ? 'those sources' : 'that source'} first, or declare ${many ? 'them' : 'it'} with another exchange`,
          { exchange: name, sources },
        );
      }
      await q.query('DELETE FROM bindings WHERE exchange = $1', [name]);
      await q.query('DELETE FROM exchanges WHERE name = $1', [name]);
    });
  }

  /**
   * Declares or updates a queue (PUT semantics: the settings given replace the old ones; the
   * durability of an existing queue cannot change). Creates `{name}.dlq` unless deadLetter is false.
   * `internal`: the broker's own `amq.` queue, which takes no bindings (any made before the API
   * refused them are dropped).
   */
  async declareQueue(
    name: string,
    declaration: QueueDeclaration = {},
    { internal = false }: { internal?: boolean } = {},
  ): Promise<{ created: boolean; queue: Queue }> {
    const { settings, dlq } = checkQueue(name, declaration, this.current, { internal });
    if (settings.durability === 'replicated') await this.checkReplicated(name, dlq);
    const created = await this.change(async (q) => {
      const made = await writeQueue(q, name, settings, dlq);
      if (internal && isInternalQueue(name)) await q.query('DELETE FROM bindings WHERE queue = $1', [name]);
      return made;
    });
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
   * may go, as a bound queue may in RabbitMQ. The broker's own `amq.` queues go only when it
   * removes them itself (`internal`).
   */
  async deleteQueue(name: string, { internal = false }: { internal?: boolean } = {}): Promise<void> {
    if (!internal) checkUserQueue(name, 'deleted');
    this.queue(name);
    const users = [...this.current.queues.values()].filter((q) => q.name !== name && deadLetterQueueByName(q) === name).map((q) => q.name);
    if (users.length > 0) throw inUse('queue', name, users);
    await this.change(async (q) => {
      await q.query('DELETE FROM bindings WHERE queue = $1', [name]);
      await q.query('DELETE FROM queue_entries WHERE queue = $1', [name]);
      await q.query('DELETE FROM queues WHERE name = $1', [name]);
    });
  }

  /** Header-match names are stored lowercased (lowercaseBindingHeaders): a case variant of a binding is that binding. */
  async bind(given: Binding): Promise<{ created: boolean; binding: Binding }> {
    const b = lowercaseBindingHeaders(given);
    checkBinding(b, this.current);
    return this.change(async (q) => ({ created: await writeBinding(q, b), binding: b }));
  }

  async unbind(given: Binding): Promise<{ deleted: boolean }> {
    const b = lowercaseBindingHeaders(given);
    checkBinding(b, this.current, 'unbound');
    return this.change(async (q) => ({ deleted: await deleteBinding(q, b) }));
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
    refuseRepeats('exchange', defs.exchanges);
    refuseRepeats('queue', defs.queues);
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
    const bindings = defs.bindings.filter((b) => !isInternalQueue(b.queue)).map(lowercaseBindingHeaders);
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

/**
 * A document that names an exchange or queue twice is refused before anything is checked
 * against the topology: which of its two definitions was meant is not for the import to guess,
 * and the mismatch would otherwise be reported as one with what is stored.
 */
function refuseRepeats(kind: 'exchange' | 'queue', items: readonly { name: string }[]): void {
  const first = new Map<string, number>();
  items.forEach(({ name }, i) => {
    const at = first.get(name);
    if (at === undefined) return void first.set(name, i);
    const field = `${kind}s.${i}.name`;
    const message = `the document declares ${kind} '${name}' twice (${kind}s[${at}] and ${kind}s[${i}]); keep one`;
    throw new BrokerError('validation_failed', `${readablePath(field)}: ${message}`, { field, issues: [{ path: field, message }], [kind]: name });
  });
}
