/**
 * The targets of issue #5, checked against one run's results: each row says what was asked,
 * what this run measured, and whether it was met. A target whose inputs were not measured in
 * this run (a peer down, `--only`, `--quick`) is "not measured", never met or missed.
 */
import type { MeasurementResult } from './types';

export type Verdict = 'met' | 'missed' | 'not measured';

export interface TargetRow {
  target: string;
  measured: string;
  verdict: Verdict;
}

type Figures = Record<string, Record<string, number | string>>;

const RSS = 'Hatoba peak RSS (VmHWM), MiB';
const n = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

export function checkTargets(results: MeasurementResult[], figures: Figures): TargetRow[] {
  const get = (id: string) => {
    const r = results.find((x) => x.id === id);
    return r?.status === 'ok' ? r.median : undefined;
  };
  const value = (id: string) => get(id)?.value;
  const p99 = (id: string) => get(id)?.latency?.p99;
  const row = (target: string, inputs: (number | undefined)[], measured: () => string, ok: () => boolean): TargetRow =>
    inputs.some((x) => x === undefined)
      ? { target, measured: 'not measured in this run', verdict: 'not measured' }
      : { target, measured: measured(), verdict: ok() ? 'met' : 'missed' };

  const pub = value('publish.hatoba.c64');
  const rabbit = value('peers.rabbitmq.publish.c64');
  const loop = value('group-commit.c64');
  const batch = value('publish.hatoba.batch100');
  const e2e = value('e2e.hatoba.saturation');
  const rabbitE2e = value('peers.rabbitmq.e2e.saturation');
  const e2eP99 = p99('e2e.hatoba.rate5000');
  const listP99 = p99('scale.list');
  const depthP99 = p99('scale.depth');
  const deep = value('scale.drain');
  const shallow = value('scale.drain.shallow');
  const rssFigure = figures.scale?.[RSS];
  const rss = typeof rssFigure === 'number' ? rssFigure : undefined;
  const pglite = value('pglite.hatoba.publish.c64');
  const probeFigure = figures.pglite?.['/healthz p99 during the PGlite publish load, ms'];
  const probe = typeof probeFigure === 'number' ? probeFigure : undefined;

  return [
    row('Durable publish, 64 clients: above RabbitMQ with confirms', [pub, rabbit], () => `${n(pub!)} vs ${n(rabbit!)} msg/s (${((pub! / rabbit!) * 100).toFixed(0)}%)`, () => pub! > rabbit!),
    row('Durable publish, 64 clients: ≥ 80% of the bare group-commit loop', [pub, loop], () => `${n(pub!)} vs ${n(loop!)} msg/s (${((pub! / loop!) * 100).toFixed(0)}%)`, () => pub! >= 0.8 * loop!),
    row('Batch publish (100 per request): ≥ 30,000 msg/s', [batch], () => `${n(batch!)} msg/s`, () => batch! >= 30_000),
    row('End to end: above RabbitMQ', [e2e, rabbitE2e], () => `${n(e2e!)} vs ${n(rabbitE2e!)} msg/s`, () => e2e! > rabbitE2e!),
    row('End to end at 5,000 msg/s offered: p99 publish-to-delivery < 25 ms', [e2eP99], () => `p99 ${n(e2eP99!)} ms`, () => e2eP99! < 25),
    row('1M-entry queue: queue list answers < 50 ms (p99)', [listP99], () => `p99 ${n(listP99!)} ms`, () => listP99! < 50),
    row('1M-entry queue: its depth answers < 50 ms (p99)', [depthP99], () => `p99 ${n(depthP99!)} ms`, () => depthP99! < 50),
    row('Receive + ack from the 1M-entry queue within 20% of a shallow one', [deep, shallow], () => `${n(deep!)} vs ${n(shallow!)} msg/s (${((deep! / shallow!) * 100).toFixed(0)}%)`, () => deep! >= 0.8 * shallow!),
    row('Peak RSS with the 1M-entry queue on PostgreSQL < 400 MB', [rss], () => `${n(rss!)} MiB`, () => rss! < 400),
    row('PGlite: durable publish, 64 clients ≥ 2,000 msg/s', [pglite], () => `${n(pglite!)} msg/s`, () => pglite! >= 2000),
    row('PGlite: the HTTP loop is not starved (/healthz p99 < 100 ms under that load)', [probe], () => `p99 ${n(probe!)} ms`, () => probe! < 100),
  ];
}

export function targetsTable(rows: TargetRow[]): string[] {
  return [
    '| target | this run | verdict |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.target} | ${r.measured} | ${r.verdict === 'met' ? '**met**' : r.verdict} |`),
  ];
}
