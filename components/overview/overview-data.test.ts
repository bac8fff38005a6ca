import { describe, expect, it } from 'vitest';
import type { Broker } from '../../server/broker/api';
import type { HatobaRuntime } from '../../server/runtime';
import { gettingStartedScript, loadOverview, overviewStats, publishedRate, requestOrigin } from './overview-data';

function runtimeWith(queues: number, exchanges: number): HatobaRuntime {
  const broker = {
    listQueues: async () => Array.from({ length: queues }, (_, i) => ({ name: i % 2 ? `q${i}.dlq` : `q${i}` })),
    listExchanges: async () => Array.from({ length: exchanges }, (_, i) => ({ name: `x${i}` })),
  } as unknown as Broker;
  return { version: '0.1.0', node: 'node-a', database: 'pglite', broker };
}

describe('loadOverview', () => {
  it('counts queues and exchanges and keeps the identity of the process', async () => {
    const overview = await loadOverview(runtimeWith(3, 2));
    expect(overview).toEqual({ version: '0.1.0', node: 'node-a', database: 'pglite', queues: 3, deadLetterQueues: 1, exchanges: 2 });
  });
});

describe('overviewStats', () => {
  it('names the database kind for people', () => {
    const stats = overviewStats({ version: '1', node: 'n', database: 'postgres', queues: 1200, deadLetterQueues: 0, exchanges: 0 });
    expect(stats.find((s) => s.label === 'Database')?.value).toBe('PostgreSQL');
  });

  it('shows the process only: queue and exchange counts read at page load would contradict the live totals once a queue is declared', () => {
    const stats = overviewStats({ version: '1', node: 'n', database: 'pglite', queues: 29, deadLetterQueues: 13, exchanges: 9 });
    expect(stats.map((s) => s.label)).toEqual(['Version', 'Node', 'Database']);
  });
});

describe('publishedRate', () => {
  it('sums the exchanges, the default one included, not the queues a message fanned out to', () => {
    expect(publishedRate([{ name: 'amq.default', publishRate: 1.5 }, { name: 'orders', publishRate: 3.44 }, { name: 'idle', publishRate: 0 }])).toBe(4.94);
    expect(publishedRate([])).toBe(0);
  });
});

describe('requestOrigin', () => {
  it('uses the host the reader reached', () => {
    expect(requestOrigin('127.0.0.1:3000', null)).toBe('http://127.0.0.1:3000');
    expect(requestOrigin('[::1]:8080', null)).toBe('http://[::1]:8080');
    expect(requestOrigin('hatoba.example.com', 'https, http')).toBe('https://hatoba.example.com');
  });

  it('falls back when the host is missing or not a plain host', () => {
    expect(requestOrigin(null, null)).toBe('http://localhost:3000');
    expect(requestOrigin('evil.com/"; rm -rf ~', null)).toBe('http://localhost:3000');
    expect(requestOrigin('example.com', 'javascript')).toBe('http://example.com');
  });
});

describe('gettingStartedScript', () => {
  it('declares, publishes and receives against the given origin', () => {
    const script = gettingStartedScript('http://localhost:3000');
    expect(script.split('\n')[0]).toBe('HATOBA=http://localhost:3000');
    expect(script).toContain('PUT "$HATOBA/v1/queues/orders"');
    expect(script).toContain('POST "$HATOBA/v1/queues/orders/messages"');
    expect(script).toContain('POST "$HATOBA/v1/queues/orders/receive"');
  });
});
