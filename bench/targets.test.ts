import { describe, expect, it } from 'vitest';
import { checkTargets, targetsTable } from './targets';
import type { MeasurementResult } from './types';

const ok = (id: string, value: number, p99?: number): MeasurementResult => {
  const sample = { value, unit: 'msg/s', ...(p99 !== undefined ? { latency: { p50: p99 / 2, p99, max: p99 * 2, count: 100 } } : {}) };
  return { id, group: id.split('.')[0]!, subject: 'hatoba', label: id, status: 'ok', samples: [sample], median: sample };
};

describe('checkTargets', () => {
  it('judges each target from the medians of this run', () => {
    const rows = checkTargets(
      [
        ok('publish.hatoba.c64', 9000),
        ok('peers.rabbitmq.publish.c64', 8000),
        ok('group-commit.c64', 12_000),
        ok('publish.hatoba.batch100', 31_000),
        ok('e2e.hatoba.saturation', 5000),
        ok('peers.rabbitmq.e2e.saturation', 11_000),
        ok('e2e.hatoba.rate5000', 5000, 24),
        ok('scale.list', 100, 12),
        ok('scale.depth', 100, 80),
        ok('scale.drain', 900),
        ok('scale.drain.shallow', 1000),
        ok('pglite.hatoba.publish.c64', 1500),
      ],
      { scale: { 'Hatoba peak RSS (VmHWM), MiB': 250 }, pglite: { '/healthz p99 during the PGlite publish load, ms': 30 } },
    );
    const verdict = Object.fromEntries(rows.map((r) => [r.target, r.verdict]));
    expect(verdict['Durable publish, 64 clients: above RabbitMQ with confirms']).toBe('met');
    expect(verdict['Durable publish, 64 clients: ≥ 80% of the bare group-commit loop']).toBe('missed'); // 75%
    expect(verdict['Batch publish (100 per request): ≥ 30,000 msg/s']).toBe('met');
    expect(verdict['End to end: above RabbitMQ']).toBe('missed');
    expect(verdict['End to end at 5,000 msg/s offered: p99 publish-to-delivery < 25 ms']).toBe('met');
    expect(verdict['1M-entry queue: queue list answers < 50 ms (p99)']).toBe('met');
    expect(verdict['1M-entry queue: its depth answers < 50 ms (p99)']).toBe('missed');
    expect(verdict['Receive + ack from the 1M-entry queue within 20% of a shallow one']).toBe('met'); // 90%
    expect(verdict['Peak RSS with the 1M-entry queue on PostgreSQL < 400 MB']).toBe('met');
    expect(verdict['PGlite: durable publish, 64 clients ≥ 2,000 msg/s']).toBe('missed');
    expect(verdict['PGlite: the HTTP loop is not starved (/healthz p99 < 100 ms under that load)']).toBe('met');
    expect(rows.find((r) => r.target.includes('80%'))!.measured).toBe('9,000 vs 12,000 msg/s (75%)');
  });

  it('says "not measured" when an input is missing or failed, never met or missed', () => {
    const failed: MeasurementResult = { ...ok('peers.rabbitmq.publish.c64', 0), status: 'skipped', median: undefined };
    const rows = checkTargets([ok('publish.hatoba.c64', 9000), failed], {});
    expect(rows.every((r) => r.verdict === 'not measured')).toBe(true);
    expect(targetsTable(rows)).toHaveLength(rows.length + 2);
  });
});
