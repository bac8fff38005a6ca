/**
 * Case 5: a queue with `scaleSize` (1,000,000) ready entries among 100 queues: the queue list,
 * the deep queue's depth, receive+ack throughput from it compared with a queue a tenth as deep
 * (the shallow one, topped up the same way), and the server's peak RSS.
 * The queue is filled through the batch publish API (no coupling to the table layout).
 */
import { HatobaClient } from '../hatoba';
import { callJson } from '../http';
import { round } from '../stats';
import { dropDatabase, freePort, freshDatabase, startHatoba } from '../server';
import type { BenchContext, CaseGroup, GroupSetup, Measurement } from '../types';
import { loadSample, Teardown } from './common';

const DB = 'hatoba_bench_scale';
const DEEP = 'bench.scale.deep';
const SHALLOW = 'bench.scale.shallow';
const FILL_BATCH = 500;
const FILL_CLIENTS = 4;

async function fill(hatoba: HatobaClient, queue: string, total: number, log: (m: string) => void): Promise<{ seconds: number; rate: number }> {
  const pool = hatoba.pool(FILL_CLIENTS);
  const started = Date.now();
  const deadline = started + 60 * 60_000;
  let next = 0;
  let lastLog = started;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const n = Math.min(FILL_BATCH, total - next);
      const seq = next;
      next += n;
      await hatoba.publishBatch(pool, queue, n, seq);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`scale fill ${queue}: ${next.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
      }
    }
  };
  await Promise.all(Array.from({ length: FILL_CLIENTS }, worker));
  if (total === 0) return { seconds: 0, rate: 0 };
  if (next < total) throw new Error(`fill did not finish in time (${next} of ${total})`);
  const seconds = (Date.now() - started) / 1000;
  return { seconds: round(seconds, 1), rate: round(total / seconds) };
}

async function setup(ctx: BenchContext): Promise<GroupSetup> {
  const td = new Teardown();
  const url = await freshDatabase(ctx.pgBase, DB);
  td.add(() => dropDatabase(ctx.pgBase, DB));
  const server = await startHatoba({ databaseUrl: url, port: await freePort() }).catch(async (e) => {
    await td.run();
    throw e;
  });
  td.add(server.stop);
  const hatoba = new HatobaClient(server.url);
  td.add(() => hatoba.close());
  const figures: Record<string, number | string> = {};
  try {
    for (let i = 1; i < 99; i++) await hatoba.declareQueue(`bench.scale.q${String(i).padStart(3, '0')}`);
    await hatoba.declareQueue(SHALLOW);
    await hatoba.declareQueue(DEEP);
    ctx.log(`scale: filling ${DEEP} with ${ctx.scaleSize.toLocaleString('en-US')} messages through the batch API`);
    const f = await fill(hatoba, DEEP, ctx.scaleSize, ctx.log);
    await fill(hatoba, SHALLOW, Math.round(ctx.scaleSize / 10), ctx.log);
    figures[`fill through batch publish (${FILL_BATCH} per request, ${FILL_CLIENTS} clients), msg/s`] = f.rate;
    figures['fill time, s'] = f.seconds;
    const info = await callJson<{ ready?: number }>(hatoba.admin, { path: `/v1/queues/${DEEP}` });
    figures['ready entries after fill (GET /v1/queues/{name})'] = info.ready ?? 'n/a';
  } catch (e) {
    await td.run();
    throw e;
  }

  const one = hatoba.pool(1);
  const drain = hatoba.pool(4);
  const drainCase = (id: string, queue: string, label: string): Measurement => ({
    id,
    subject: 'hatoba',
    label,
    tags: ['scale'],
    run: async () => {
      let taken = 0;
      const sample = await loadSample(ctx, 4, async () => {
        const got = await hatoba.receive(drain, queue, 100, 0);
        if (got.length) await hatoba.ack(drain, queue, got.map((m) => m.receipt));
        taken += got.length;
        return got.length;
      });
      // Top the queue up again, so that every run drains from the same depth.
      const topUp = await fill(hatoba, queue, taken, ctx.log);
      return { ...sample, extra: { ...sample.extra, consumed: taken, topUpRate: topUp.rate } };
    },
  });
  const ms: Measurement[] = [
    {
      id: 'scale.list',
      subject: 'hatoba',
      label: 'GET /v1/queues with 100 queues, one 1M deep; 1 client',
      tags: ['scale'],
      run: () =>
        loadSample(ctx, 1, async () => {
          const r = await callJson<{ queues: unknown[] }>(one, { path: '/v1/queues?limit=1000' });
          if (!Array.isArray(r.queues) || r.queues.length < 100) throw new Error(`expected 100 queues, got ${r.queues?.length}`);
          return 1;
        }).then((s) => ({ ...s, unit: 'req/s' })),
    },
    {
      id: 'scale.depth',
      subject: 'hatoba',
      label: 'GET /v1/queues/{name} of the deep queue; 1 client',
      tags: ['scale'],
      run: () => loadSample(ctx, 1, () => callJson(one, { path: `/v1/queues/${DEEP}` }).then(() => 1)).then((s) => ({ ...s, unit: 'req/s' })),
    },
    drainCase('scale.drain', DEEP, 'receive 100 + ack from the deep queue; 4 consumers'),
    drainCase('scale.drain.shallow', SHALLOW, `receive 100 + ack from a queue a tenth as deep (${Math.round(ctx.scaleSize / 10).toLocaleString('en-US')}); 4 consumers`),
  ];
  return {
    measurements: ms,
    teardown: td.run,
    figures: () => ({ ...figures, 'Hatoba peak RSS (VmHWM), MiB': server.peakRssMiB() ?? 'n/a' }),
  };
}

export const scaleGroup: CaseGroup = {
  name: 'scale',
  title: 'Scale (case 5): 1,000,000 ready entries',
  tags: ['scale'],
  quick: false,
  setup,
};
