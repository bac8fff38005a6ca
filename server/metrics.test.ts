import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/broker-helpers';
import { drivers } from '../test/databases';
import { call, startTestServer, type TestServer } from '../test/server';

/**
 * One Prometheus text-format sample line: name, optional labels, value, optional timestamp. The
 * value is what Go's ParseFloat accepts, so NaN and Inf in any letter case (prom-client writes `Nan`).
 */
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`;
const SAMPLE = new RegExp(String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:${LABEL}(?:,${LABEL})*,?)?\})? ([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[nN][aA][nN]|[iI][nN][fF]))( -?\d+)?$`);
const COMMENT = /^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$/;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line, `comment line: ${line}`).toMatch(COMMENT);
      continue;
    }
    const m = SAMPLE.exec(line);
    expect(m, `not Prometheus text format: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').slice(1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: /nan/i.test(m![3]!) ? NaN : Number(m![3]!.replace(/^([-+]?)inf$/i, '$1Infinity')) });
  }
  return samples;
}

describe.each(drivers)('GET /metrics on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(s.url, method, path, body, headers);
  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return parse(await res.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
    const hits = samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    return hits.length === 0 ? undefined : hits.reduce((n, x) => n + x.value, 0);
  };
  const receive = async (queue: string, max: number) => (await api('POST', `/v1/queues/${queue}/receive`, { max })).body.messages as { receipt: string }[];

  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(async () => s.close());

  it('counts a known workload: published, delivered, acked, nacked, dead-lettered by reason, and depth by state', async () => {
    await api('PUT', '/v1/exchanges/orders', { type: 'direct' });
    await api('PUT', '/v1/queues/work', { maxDeliveries: 2, retry: { initialDelayMs: 0, jitter: 0 } });
    await api('PUT', '/v1/queues/fast', { durability: 'memory', deadLetter: false });
    await api('POST', '/v1/bindings', { exchange: 'orders', queue: 'work', key: 'job' });
    for (let i = 0; i < 6; i++) expect((await api('POST', '/v1/exchanges/orders/messages?key=job', `job ${i}`)).status).toBe(201);
    await api('POST', '/v1/exchanges/orders/messages?key=unbound', 'dropped');

    const first = await receive('work', 10);
    expect(first).toHaveLength(6);
    expect((await api('POST', '/v1/queues/work/ack', { receipts: first.slice(0, 3).map((m) => m.receipt) })).body.acked).toBe(3);
    await api('POST', '/v1/queues/work/nack', { receipts: [first[3]!.receipt], requeue: false, error: 'poison' });
    await api('POST', '/v1/queues/work/nack', { receipts: first.slice(4).map((m) => m.receipt), error: 'try again' });
    const second = await waitFor(async () => {
      const got = await receive('work', 10);
      return got.length > 0 ? got : null;
    });
    expect(second).toHaveLength(2);
    await api('POST', '/v1/queues/work/nack', { receipts: second.map((m) => m.receipt), error: 'still failing' });
    // work.dlq now holds 3: one leased, two ready; two delayed publishes wait in work.
    expect(await receive('work.dlq', 1)).toHaveLength(1);
    for (let i = 0; i < 2; i++) await api('POST', '/v1/queues/work/messages', `later ${i}`, { 'hatoba-delay-ms': '60000' });
    // Memory tier: a rejected message with no dead-letter target is dropped and counted.
    await api('POST', '/v1/queues/fast/messages', 'quick');
    await api('POST', '/v1/queues/fast/nack', { receipts: (await receive('fast', 1)).map((m) => m.receipt), requeue: false });

    const m = await scrape();
    expect(value(m, 'hatoba_messages_published_total', { exchange: 'orders' })).toBe(7);
    expect(value(m, 'hatoba_messages_published_total', { exchange: 'amq.default' })).toBe(3);
    expect(value(m, 'hatoba_messages_delivered_total', { queue: 'work' })).toBe(8);
    expect(value(m, 'hatoba_messages_delivered_total', { queue: 'work.dlq' })).toBe(1);
    expect(value(m, 'hatoba_messages_acked_total', { queue: 'work' })).toBe(3);
    expect(value(m, 'hatoba_messages_acked_total')).toBe(3);
    expect(value(m, 'hatoba_messages_nacked_total', { queue: 'work' })).toBe(5);
    expect(value(m, 'hatoba_messages_nacked_total', { queue: 'fast' })).toBe(1);
    expect(value(m, 'hatoba_messages_dead_lettered_total', { queue: 'work', reason: 'rejected' })).toBe(1);
    expect(value(m, 'hatoba_messages_dead_lettered_total', { queue: 'work', reason: 'max_deliveries' })).toBe(2);
    expect(value(m, 'hatoba_messages_dead_lettered_total', { queue: 'fast', reason: 'rejected' })).toBe(1);
    expect(value(m, 'hatoba_messages_dead_lettered_total')).toBe(4);
    expect(value(m, 'hatoba_messages_routed_total', { queue: 'work' })).toBe(8);
    const depth = (queue: string, state: string) => value(m, 'hatoba_queue_depth', { queue, state });
    expect([depth('work', 'ready'), depth('work', 'in_flight'), depth('work', 'delayed')]).toEqual([0, 0, 2]);
    expect([depth('work.dlq', 'ready'), depth('work.dlq', 'in_flight'), depth('work.dlq', 'delayed')]).toEqual([2, 1, 0]);
    expect([depth('fast', 'ready'), depth('fast', 'in_flight'), depth('fast', 'delayed')]).toEqual([0, 0, 0]);
    // One publish duration per publish request, and every request went through group commit.
    expect(value(m, 'hatoba_publish_duration_seconds_count')).toBe(10);
    expect(value(m, 'hatoba_publish_duration_seconds_bucket', { le: '+Inf' })).toBe(10);
    expect(value(m, 'hatoba_group_commit_batch_size_sum')).toBe(9); // the memory-only publish skips the database
    // Node.js process metrics, named once: hatoba_process_…, hatoba_nodejs_… (never hatoba_process_process_…).
    expect(value(m, 'hatoba_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(m.some((x) => x.name.startsWith('hatoba_nodejs_'))).toBe(true);
    expect(m.filter((x) => /^hatoba_process_(process|nodejs)_/.test(x.name))).toEqual([]);
  });

  it('counts what the sweeper dead-letters (TTL expiry, a last lease running out), and the gauges follow', async () => {
    await api('PUT', '/v1/queues/ttl', { messageTtlMs: 100 });
    await api('PUT', '/v1/queues/once', { maxDeliveries: 1 });
    await api('POST', '/v1/queues/ttl/messages', 'short-lived');
    await api('POST', '/v1/queues/once/messages', 'one chance');
    expect((await api('POST', '/v1/queues/once/receive', { visibilityMs: 100 })).body.messages).toHaveLength(1);
    const m = await waitFor(async () => {
      const scraped = await scrape();
      const expired = value(scraped, 'hatoba_messages_dead_lettered_total', { queue: 'ttl', reason: 'expired' });
      const spent = value(scraped, 'hatoba_messages_dead_lettered_total', { queue: 'once', reason: 'max_deliveries' });
      return expired === 1 && spent === 1 ? scraped : null;
    }, 4000, 100);
    expect(value(m, 'hatoba_queue_depth', { queue: 'ttl', state: 'ready' })).toBe(0);
    expect(value(m, 'hatoba_queue_depth', { queue: 'ttl.dlq', state: 'ready' })).toBe(1);
    expect([value(m, 'hatoba_queue_depth', { queue: 'once', state: 'ready' }), value(m, 'hatoba_queue_depth', { queue: 'once', state: 'in_flight' })]).toEqual([0, 0]);
    expect(value(m, 'hatoba_queue_depth', { queue: 'once.dlq', state: 'ready' })).toBe(1);
  });

  it('counts what a queue\'s max length drops into its DLQ on publish', async () => {
    await api('PUT', '/v1/queues/short', { maxLength: 2 });
    for (let i = 0; i < 5; i++) expect((await api('POST', '/v1/queues/short/messages', `m${i}`)).status).toBe(201);
    const m = await scrape();
    expect(value(m, 'hatoba_messages_dead_lettered_total', { queue: 'short', reason: 'max_length' })).toBe(3);
    expect(value(m, 'hatoba_queue_depth', { queue: 'short', state: 'ready' })).toBe(2);
    expect(value(m, 'hatoba_queue_depth', { queue: 'short.dlq', state: 'ready' })).toBe(3);
  });

  it('drops the series of a deleted queue and exchange, so short-lived ones do not pile up', async () => {
    await api('PUT', '/v1/exchanges/brief', { type: 'fanout' });
    await api('PUT', '/v1/queues/brief.q', {});
    await api('POST', '/v1/bindings', { exchange: 'brief', queue: 'brief.q' });
    await api('POST', '/v1/exchanges/brief/messages', 'x');
    const [d] = await receive('brief.q', 1);
    await api('POST', '/v1/queues/brief.q/nack', { receipts: [d!.receipt], requeue: false });
    const before = await scrape();
    const about = (m: Sample[]) => m.filter((x) => x.labels.queue === 'brief.q' || x.labels.exchange === 'brief').map((x) => x.name);
    expect(new Set(about(before))).toEqual(
      new Set([
        'hatoba_messages_published_total',
        'hatoba_messages_routed_total',
        'hatoba_messages_delivered_total',
        'hatoba_messages_nacked_total',
        'hatoba_messages_dead_lettered_total',
        'hatoba_end_to_end_latency_seconds_bucket',
        'hatoba_end_to_end_latency_seconds_sum',
        'hatoba_end_to_end_latency_seconds_count',
        'hatoba_queue_depth',
        'hatoba_queue_consumers',
      ]),
    );
    expect((await api('DELETE', '/v1/queues/brief.q')).status).toBe(204);
    expect((await api('DELETE', '/v1/queues/brief.q.dlq')).status).toBe(204);
    expect((await api('DELETE', '/v1/exchanges/brief')).status).toBe(204);
    const after = await scrape();
    expect(about(after)).toEqual([]);
    expect(after.filter((x) => x.labels.queue === 'brief.q.dlq')).toEqual([]);
    expect(value(after, 'hatoba_messages_routed_total', { queue: 'work' })).toBe(8); // live queues keep theirs
  });

  it('escapes label values so that any queue name still yields valid lines', async () => {
    await api('PUT', '/v1/exchanges/we:ird-name_1.x', { type: 'fanout' });
    await api('POST', '/v1/exchanges/we:ird-name_1.x/messages', 'x');
    const m = await scrape();
    expect(value(m, 'hatoba_messages_published_total', { exchange: 'we:ird-name_1.x' })).toBe(1);
    // Every counter, gauge and histogram the API names is there.
    for (const name of [
      'hatoba_messages_published_total',
      'hatoba_messages_delivered_total',
      'hatoba_messages_acked_total',
      'hatoba_messages_nacked_total',
      'hatoba_messages_dead_lettered_total',
      'hatoba_queue_depth',
      'hatoba_publish_duration_seconds_bucket',
    ]) {
      expect(m.some((x) => x.name === name), name).toBe(true);
    }
  });
});
