import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { killHard, spawnServer, type ServerProcess } from '../test/process';
import { call } from '../test/server';
import { sharedPostgres, type SharedPostgres } from '../test/shared-postgres';

/**
 * The fault suite's harness: real server processes, clients that log every answered publish
 * to a file before counting it, and a verdict computed from that log against what consumers
 * received and acknowledged.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FleetNode {
  id: string;
  url: string;
  proc: ServerProcess;
}

/** Hatoba nodes as separate processes on one database. */
export class Fleet {
  readonly nodes = new Map<string, FleetNode>();
  private readonly all: ServerProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  async start(id: string, extra: Record<string, string> = {}, port = 0): Promise<FleetNode> {
    const proc = await spawnServer({ ...this.env, HATOBA_NODE_ID: id, ...extra }, { port, timeoutMs: 60_000 });
    this.all.push(proc);
    const node = { id, url: proc.url, proc };
    this.nodes.set(id, node);
    return node;
  }

  /** kill -9 of the node's process group. */
  async kill(id: string): Promise<void> {
    const node = this.nodes.get(id);
    this.nodes.delete(id);
    if (node) await killHard(node.proc);
  }

  alive(): FleetNode[] {
    return [...this.nodes.values()];
  }

  pick(): FleetNode | undefined {
    const list = this.alive();
    return list[Math.floor(Math.random() * list.length)];
  }

  /** Kills every process this fleet started, whatever state it is in. */
  async destroy(): Promise<void> {
    this.nodes.clear();
    await Promise.all(this.all.map((p) => killHard(p)));
  }
}

export interface Verdict {
  attempted: number;
  answered: number;
  /** Answered 201 but never delivered to a consumer. */
  lost: string[];
  /** Acknowledged successfully more than once: beyond at-least-once. */
  duplicated: string[];
  /** Delivered but never published by this run (or under another id than the one answered). */
  unexpected: string[];
  /** Publishes that got no answer (node killed mid-request) and turned out committed. */
  inDoubtCommitted: number;
  inDoubt: number;
  deliveries: number;
  /** Deliveries past the first, per message (allowed: at-least-once). */
  redeliveries: number;
  staleAcks: number;
  /** Acks sent whose answer never came (the node died): they may or may not have taken effect. */
  acksInDoubt: number;
}

/**
 * The record of one run. `answered` is written to the file before anything counts it; the
 * verdict is computed from the file, so a crash of the harness itself still leaves the truth.
 */
export class Ledger {
  readonly file: string;
  private readonly attempted = new Set<string>();
  private answeredCount = 0;
  private readonly delivered = new Map<string, { body: string; times: number }>();
  private readonly acked = new Map<string, number>();
  private stale = 0;
  private ackInDoubt = 0;
  private deliveries = 0;

  constructor(readonly name: string) {
    this.file = join(mkdtempSync(join(tmpdir(), `hatoba-fault-${name}-`)), 'answered.jsonl');
  }

  attempt(body: string): void {
    this.attempted.add(body);
  }

  answered(body: string, id: string, node: string): void {
    appendFileSync(this.file, JSON.stringify({ at: new Date().toISOString(), body, id, node }) + '\n');
    this.answeredCount++;
  }

  get answeredSoFar(): number {
    return this.answeredCount;
  }

  delivery(id: string, body: string): void {
    this.deliveries++;
    const d = this.delivered.get(id);
    if (d) d.times++;
    else this.delivered.set(id, { body, times: 1 });
  }

  ack(id: string, outcome: boolean | 'unknown'): void {
    if (outcome === 'unknown') this.ackInDoubt++;
    else if (outcome) this.acked.set(id, (this.acked.get(id) ?? 0) + 1);
    else this.stale++;
  }

  verdict(): Verdict {
    const answered = new Map<string, string>(); // body → id
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      const { body, id } = JSON.parse(line) as { body: string; id: string };
      answered.set(body, id);
    }
    const answeredIds = new Set(answered.values());
    const lost = [...answered.values()].filter((id) => !this.delivered.has(id));
    const duplicated = [...this.acked].filter(([, n]) => n > 1).map(([id]) => id);
    const unexpected: string[] = [];
    let inDoubtCommitted = 0;
    for (const [id, { body }] of this.delivered) {
      if (!this.attempted.has(body)) unexpected.push(id);
      else if (answered.has(body) && answered.get(body) !== id) unexpected.push(id);
      else if (!answeredIds.has(id)) inDoubtCommitted++;
    }
    return {
      attempted: this.attempted.size,
      answered: answered.size,
      lost,
      duplicated,
      unexpected,
      inDoubtCommitted,
      inDoubt: this.attempted.size - answered.size,
      deliveries: this.deliveries,
      redeliveries: this.deliveries - this.delivered.size,
      staleAcks: this.stale,
      acksInDoubt: this.ackInDoubt,
    };
  }
}

/** Publishes unique bodies to `path` on nodes chosen by `pick` until `running()` is false. */
export async function publishLoop(o: {
  ledger: Ledger;
  pick: () => FleetNode | undefined;
  path: string;
  running: () => boolean;
  client: number;
  headers?: Record<string, string>;
  statuses?: Map<string, number>;
}): Promise<void> {
  for (let i = 0; o.running(); i++) {
    const node = o.pick();
    if (!node) {
      await sleep(50);
      continue;
    }
    const body = `${o.ledger.name}:${o.client}:${i}`;
    o.ledger.attempt(body);
    const r = await call(node.url, 'POST', o.path, body, { 'content-type': 'text/plain', ...o.headers }).catch(() => null);
    const key = r ? `${r.status}${r.status === 201 ? '' : ` ${r.body?.error?.code ?? '(not from a node)'}`}` : 'no answer';
    o.statuses?.set(key, (o.statuses.get(key) ?? 0) + 1);
    if (r?.status === 201) o.ledger.answered(body, r.body.id, node.id);
    else if (!r) await sleep(20); // the node is gone: try another
  }
}

interface Delivered {
  id: string;
  body: string;
  receipt: string;
  attempt: number;
}

/** Receives, records and acknowledges until `running()` is false. */
export async function consumeLoop(o: {
  ledger: Ledger;
  pick: () => FleetNode | undefined;
  queue: string;
  running: () => boolean;
  visibilityMs?: number;
  max?: number;
  /** "Processing" time between receiving and acknowledging. */
  holdMs?: number;
}): Promise<void> {
  while (o.running()) {
    const node = o.pick();
    if (!node) {
      await sleep(50);
      continue;
    }
    const got = await call(node.url, 'POST', `/v1/queues/${o.queue}/receive`, { max: o.max ?? 20, waitMs: 500, visibilityMs: o.visibilityMs ?? 3000 }).catch(
      () => null,
    );
    if (got?.status !== 200) {
      await sleep(50);
      continue;
    }
    const messages = got.body.messages as Delivered[];
    if (messages.length === 0) continue;
    for (const m of messages) o.ledger.delivery(m.id, String(m.body));
    if (o.holdMs) await sleep(o.holdMs);
    const acked = await call(node.url, 'POST', `/v1/queues/${o.queue}/ack`, { receipts: messages.map((m) => m.receipt) }).catch(() => null);
    // An ack that got no answer may or may not have happened: the message will be redelivered, or not.
    if (acked?.status !== 200) {
      for (const m of messages) o.ledger.ack(m.id, 'unknown');
      continue;
    }
    const stale = new Set<string>(acked.body.stale);
    for (const m of messages) o.ledger.ack(m.id, !stale.has(m.receipt));
  }
}

/** Consumes until the queue is empty everywhere (nothing ready, leased or delayed). */
export async function drainQueue(o: { ledger: Ledger; node: () => FleetNode; queue: string; timeoutMs?: number }): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  let running = true;
  const consumer = consumeLoop({ ledger: o.ledger, pick: o.node, queue: o.queue, running: () => running, visibilityMs: 3000, max: 200 });
  try {
    for (;;) {
      const info = await call(o.node().url, 'GET', `/v1/queues/${o.queue}`).catch(() => null);
      const b = info?.body;
      if (b && b.ready + b.inFlight + b.delayed === 0) break;
      if (Date.now() > deadline) throw new Error(`queue ${o.queue} did not drain: ${JSON.stringify(b)}`);
      await sleep(200);
    }
  } finally {
    running = false;
    await consumer;
  }
}

/** Figures go to stdout and to the run's summary, printed once every scenario has run. */
export function figure(scenario: string, text: string): void {
  console.log(`[fault ${scenario}] ${text}`);
  appendFileSync(inject('faultFigures'), `${scenario}\t${text}\n`);
}

export function describeVerdict(v: Verdict): string {
  return (
    `${v.answered} publishes answered 201 (of ${v.attempted}; ${v.inDoubt} unanswered, ${v.inDoubtCommitted} of those committed), ` +
    `${v.deliveries} deliveries (${v.redeliveries} redeliveries), ${v.staleAcks} stale acks refused, ${v.acksInDoubt} acks unanswered; ` +
    `lost ${v.lost.length}, duplicated beyond at-least-once ${v.duplicated.length}, unexpected ${v.unexpected.length}`
  );
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultFigures: string;
  }
}

/**
 * Two nodes `a` and `b` on one fresh PostgreSQL database, started before and destroyed after
 * the enclosing describe's tests. Read the nodes through the returned object inside tests.
 */
export function twoNodesOnOneDatabase(): { a: FleetNode; b: FleetNode; pg: SharedPostgres } {
  const nodes = {} as { a: FleetNode; b: FleetNode; pg: SharedPostgres };
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    nodes.pg = await sharedPostgres();
    fleet = new Fleet({ DATABASE_URL: nodes.pg.url, HATOBA_DB_POOL: '4' });
    nodes.a = await fleet.start('a');
    nodes.b = await fleet.start('b');
  });
  afterAll(async () => {
    await fleet?.destroy();
    await nodes.pg?.drop();
  });
  return nodes;
}
