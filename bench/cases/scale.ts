/**
 * Case 5: a queue with `scaleSize` (1,000,000) ready entries among 100 queues: the queue list,
 * the deep queue's depth, receive+ack throughput from it compared with a queue half as deep
 * (the shallow one, topped up the same way), and the server's peak RSS.
 */
import { HatobaClient } from '../hatoba';
import { callJson } from '../http';
import { dropDatabase, freePort, freshDatabase, startHatoba } from '../server';
import type { BenchContext, CaseGroup, GroupSetup, Measurement } from '../types';
import { drainSample, fill, FILL_BATCH, FILL_CLIENTS } from './backlog';
import { loadSample, Teardown } from './common';

const DB = 'hatoba_bench_scale';
const DEEP = 'bench.scale.deep';
const SHALLOW = 'bench.scale.shallow';
/**
 * The shallow queue's share of the deep one's depth: it must outlast a run, warm-up included.
 * A quarter (250,000) ran out on a fast day (23k msg/s × 13 s); half lasts up to 38k msg/s.
 */
const SHALLOW_SHARE = 2;
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
    await fill(hatoba, SHALLOW, Math.round(ctx.scaleSize / SHALLOW_SHARE), ctx.log);
    figures[`fill through batch publish (${FILL_BATCH} per request, ${FILL_CLIENTS} clients), msg/s`] = f.rate;
    figures['fill time, s'] = f.seconds;
    const info = await callJson<{ ready?: number }>(hatoba.admin, { path: `/v1/queues/${DEEP}` });
    figures['ready entries after fill (GET /v1/queues/{name})'] = info.ready ?? 'n/a';
  } catch (e) {
    await td.run();
    throw e;
  }

  const one = hatoba.pool(1);
  const drainCase = (id: string, queue: string, label: string): Measurement => ({
    id,
    subject: 'hatoba',
    label,
    tags: ['scale'],
    run: () => drainSample(ctx, hatoba, queue),
  });
  const ms: Measurement[] = [
    {
      id: 'scale.list',
      subject: 'hatoba',
      label: 'GET /v1/queues with 100 queues, one 1M deep; 1 client',
      tags: ['scale'],
      run: () =>
        loadSample(ctx, 1, async () => {
          const r = await callJson<{ queues: unknown[] }>(one, { path: '/v1/queues' });
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
    drainCase('scale.drain.shallow', SHALLOW, `receive 100 + ack from a queue half as deep (${Math.round(ctx.scaleSize / SHALLOW_SHARE).toLocaleString('en-US')}); 4 consumers`),
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
