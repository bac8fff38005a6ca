import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import type { Broker } from './broker/api';
import type { Telemetry } from './broker/telemetry';

/**
 * Prometheus metrics (prom-client), one registry per server instance — never the global
 * default, so two servers in one process (tests) do not share counters. Queue depth gauges are
 * read from the broker at scrape time.
 */
export function createMetrics(options: { pool?: () => { total: number; active: number; waiting: number } } = {}) {
  const registry = new Registry();
  // prom-client's own names already start with process_ or nodejs_: hatoba_process_cpu_seconds_total, …
  collectDefaultMetrics({ register: registry, prefix: 'hatoba_' });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const published = counter('hatoba_messages_published_total', 'Messages published, by exchange', ['exchange']);
  const routed = counter('hatoba_messages_routed_total', 'Queue entries created by publishes, by queue', ['queue']);
  const delivered = counter('hatoba_messages_delivered_total', 'Deliveries (leases taken), by queue', ['queue']);
  const acked = counter('hatoba_messages_acked_total', 'Messages acknowledged, by queue', ['queue']);
  const nacked = counter('hatoba_messages_nacked_total', 'Messages rejected by consumers, by queue', ['queue']);
  const dead = counter('hatoba_messages_dead_lettered_total', 'Messages dead-lettered, by queue and reason', ['queue', 'reason']);
  const replayed = counter('hatoba_messages_replayed_total', 'Dead letters replayed, by dead-letter queue', ['queue']);
  const publishSeconds = new Histogram({
    name: 'hatoba_publish_duration_seconds',
    help: 'Time from a publish request to its (committed) answer',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const endToEnd = new Histogram({
    name: 'hatoba_end_to_end_latency_seconds',
    help: 'Time from publish to first delivery',
    labelNames: ['queue'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const batch = new Histogram({
    name: 'hatoba_group_commit_batch_size',
    help: 'Publish requests written per group-commit transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
    registers: [registry],
  });
  const depth = new Gauge({ name: 'hatoba_queue_depth', help: 'Entries per queue and state', labelNames: ['queue', 'state'], registers: [registry] });
  const oldest = new Gauge({ name: 'hatoba_queue_oldest_ready_age_seconds', help: 'Age of the message at the head of each queue', labelNames: ['queue'], registers: [registry] });
  const consumers = new Gauge({ name: 'hatoba_queue_consumers', help: 'Consumers seen in the last 30 s, by queue', labelNames: ['queue'], registers: [registry] });
  const hooks = counter('hatoba_webhooks_received_total', 'Inbound webhook requests, by source and outcome (accepted, duplicate, or the refusal code)', ['source', 'outcome']);
  const pushes = counter('hatoba_push_deliveries_total', 'Push deliveries, by queue and outcome (acked, nacked, disabled)', ['queue', 'outcome']);
  const pool = new Gauge({ name: 'hatoba_db_pool_connections', help: 'Database connections by state', labelNames: ['state'], registers: [registry] });

  const telemetry: Telemetry = {
    published: (exchange, n) => published.inc({ exchange }, n),
    publishDuration: (s) => publishSeconds.observe(s),
    routed: (queue, n) => routed.inc({ queue }, n),
    delivered: (queue, ages, n) => {
      delivered.inc({ queue }, n);
      for (const ms of ages) endToEnd.observe({ queue }, ms / 1000);
    },
    acked: (queue, n) => acked.inc({ queue }, n),
    nacked: (queue, n) => nacked.inc({ queue }, n),
    deadLettered: (queue, reason, n) => dead.inc({ queue, reason }, n),
    replayed: (queue, n) => replayed.inc({ queue }, n),
    groupCommit: (size) => batch.observe(size),
  };

  /**
   * Series of queues and exchanges that no longer exist are dropped at scrape time, so short-lived
   * queues do not grow the exposition without bound (a queue declared again starts from zero, as
   * a counter reset, which Prometheus' rate() handles).
   */
  const byQueue = [routed, delivered, acked, nacked, dead, replayed, endToEnd, pushes];
  async function forgetGone(metrics: (Counter<string> | Histogram<string>)[], label: string, live: Set<string>): Promise<void> {
    for (const metric of metrics) {
      const seen = new Map<string, LabelValues<string>>();
      for (const v of (await metric.get()).values) {
        const name = v.labels[label];
        if (name === undefined || live.has(String(name))) continue;
        const labels = Object.fromEntries(Object.entries(v.labels).filter(([k]) => k !== 'le'));
        seen.set(JSON.stringify(labels), labels);
      }
      for (const labels of seen.values()) metric.remove(labels);
    }
  }

  /** The Prometheus text exposition, with depth gauges read now. */
  async function scrape(broker: Broker): Promise<{ contentType: string; body: string }> {
    depth.reset();
    oldest.reset();
    consumers.reset();
    const [queues, exchanges] = await Promise.all([broker.listQueues(), broker.listExchanges()]);
    await forgetGone(byQueue, 'queue', new Set(queues.map((q) => q.name)));
    await forgetGone([published], 'exchange', new Set(exchanges.map((e) => e.name)));
    const total = new Map(queues.map((q) => [q.name, q.ready + q.inFlight + q.delayed]));
    for (const q of queues) {
      const dlq = total.get(`${q.name}.dlq`);
      if (dlq !== undefined) depth.set({ queue: q.name, state: 'dead' }, dlq);
      depth.set({ queue: q.name, state: 'ready' }, q.ready);
      depth.set({ queue: q.name, state: 'in_flight' }, q.inFlight);
      depth.set({ queue: q.name, state: 'delayed' }, q.delayed);
      if (q.oldestReadyAgeMs != null) oldest.set({ queue: q.name }, q.oldestReadyAgeMs / 1000);
      consumers.set({ queue: q.name }, q.consumers);
    }
    const p = options.pool?.();
    if (p) {
      pool.set({ state: 'total' }, p.total);
      pool.set({ state: 'active' }, p.active);
      pool.set({ state: 'waiting' }, p.waiting);
    }
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  const webhooks = {
    source: (source: string, outcome: string) => hooks.inc({ source, outcome }),
    push: (queue: string, outcome: string) => pushes.inc({ queue, outcome }),
  };

  return { registry, telemetry, scrape, webhooks };
}
