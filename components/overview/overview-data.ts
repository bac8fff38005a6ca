import type { HatobaRuntime } from '../../server/runtime';
import type { Stat } from '../stat-list';
import { isDeadLetterQueue } from '../../server/broker/name-rules';

export interface Overview {
  version: string;
  node: string;
  database: HatobaRuntime['database'];
  /** Every queue, the dead-letter queues (`*.dlq`) included. */
  queues: number;
  deadLetterQueues: number;
  /** Every exchange, the default exchange (`amq.default`) included. */
  exchanges: number;
}

export async function loadOverview(runtime: HatobaRuntime): Promise<Overview> {
  const [queues, exchanges] = await Promise.all([
    runtime.broker.listQueues(),
    runtime.broker.listExchanges(),
  ]);
  return {
    version: runtime.version,
    node: runtime.node,
    database: runtime.database,
    queues: queues.length,
    deadLetterQueues: queues.filter((q) => isDeadLetterQueue(q.name)).length,
    exchanges: exchanges.length,
  };
}

const DATABASES: Record<HatobaRuntime['database'], { value: string; hint: string }> = {
  pglite: { value: 'PGlite', hint: 'embedded' },
  postgres: { value: 'PostgreSQL', hint: 'via DATABASE_URL' },
};

export function overviewStats(overview: Overview): Stat[] {
  return [
    { label: 'Version', value: overview.version, mono: true },
    { label: 'Node', value: overview.node, mono: true },
    { label: 'Database', ...DATABASES[overview.database] },
    // No queue or exchange counts here: this section is read once, when the page loads, and the
    // live totals above count them too, so a queue declared since would make the two disagree.
  ];
}

/**
 * Messages published per second: the exchanges' rates, the default exchange (publishes straight
 * to a queue) included. Not the queues' arrival rates, which count a fanned-out message once per
 * queue it reached.
 */
export function publishedRate(exchanges: { name: string; publishRate: number }[]): number {
  return Math.round(exchanges.reduce((n, x) => n + x.publishRate, 0) * 100) / 100;
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The origin a reader would type into curl, from the request that showed them the page. The
 * Host header is the client's to set, so anything that is not a plain host[:port] falls back.
 */
export function requestOrigin(host: string | null, forwardedProto: string | null): string {
  const proto = forwardedProto?.split(',')[0]?.trim() === 'https' ? 'https' : 'http';
  return `${proto}://${host && HOST.test(host) ? host : 'localhost:3000'}`;
}

export function gettingStartedScript(origin: string): string {
  const json = `-H 'Content-Type: application/json'`;
  return [
    `HATOBA=${origin}`,
    '',
    '# Declare a durable queue (its dead-letter queue orders.dlq comes with it)',
    `curl -X PUT "$HATOBA/v1/queues/orders" ${json} -d '{}'`,
    '',
    '# Publish a message straight to it; the body is stored as bytes',
    `curl -X POST "$HATOBA/v1/queues/orders/messages" ${json} -d '{"orderId": 42}'`,
    '',
    '# Receive it, waiting up to 5 s; ack later with the receipt it returns',
    `curl -X POST "$HATOBA/v1/queues/orders/receive" ${json} -d '{"max": 1, "waitMs": 5000}'`,
    `curl -X POST "$HATOBA/v1/queues/orders/ack" ${json} -d '{"receipts": ["<receipt>"]}'`,
  ].join('\n');
}
