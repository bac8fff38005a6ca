/**
 * Cases 1, 2, 4 (publish side) and the group-commit reference: how many 1 KiB publishes per
 * second each subject confirms, all in the same run so that their ratios hold.
 */
import { walMeter, withDiskWrites } from '../disk-writes';
import { HatobaClient } from '../hatoba';
import { fire, httpPool, messageJson } from '../http';
import { dropDatabase, freePort, freshDatabase, startHatoba, startProcess } from '../server';
import type { BenchContext, CaseGroup, GroupSetup, Measurement } from '../types';
import { loadSample, measurement, Teardown } from './common';
import { peerPublishCases } from './peers';

const DB = 'hatoba_bench_publish';

async function setup(ctx: BenchContext): Promise<GroupSetup> {
  const td = new Teardown();
  const ms: Measurement[] = [];
  const facts: Record<string, string> = {};
  const figures = { get: (): Record<string, number | string> => ({}) };

  if (!ctx.quick && ctx.wants('ceiling', 'publish')) {
    // 1. Ceiling: bare node:http answering 201, same load client.
    let bareErr: string | undefined;
    const bare = await startProcess({ entry: 'bench/peers/bare-http.ts', env: {}, port: await freePort() }).catch((e) => {
      bareErr = String(e.message);
      return undefined;
    });
    if (bare) td.add(bare.stop);
    for (const c of [1, 64]) {
      const pool = bare && httpPool(bare.url, c);
      if (pool) td.add(() => pool.close());
      ms.push(
        measurement({ id: `ceiling.c${c}`, subject: 'ceiling', label: `bare node:http 201, ${c} client${c > 1 ? 's' : ''}`, tags: ['ceiling', 'publish'] }, undefined, async () => {
          if (!pool) throw new Error(bareErr);
          return loadSample(ctx, c, () => fire(pool, { method: 'POST', path: '/publish', headers: { 'content-type': 'application/json' }, body: messageJson(0) }).then(() => 1));
        }),
      );
    }
  }

  if (ctx.wants('publish')) ms.push(...(await hatobaCases(ctx, td, figures)));

  if (!ctx.quick && ctx.wants('group-commit', 'publish')) {
    // The ceiling of the design: bare group-commit loop on the same PostgreSQL.
    let gcErr: string | undefined;
    const gcDb = await freshDatabase(ctx.pgBase, 'hatoba_bench_gc');
    td.add(() => dropDatabase(ctx.pgBase, 'hatoba_bench_gc'));
    const gc = await startProcess({ entry: 'bench/peers/bare-group-commit.ts', env: { DATABASE_URL: gcDb }, port: await freePort() }).catch((e) => {
      gcErr = String(e.message);
      return undefined;
    });
    if (gc) td.add(gc.stop);
    const gcPool = gc && httpPool(gc.url, 64);
    if (gcPool) td.add(() => gcPool.close());
    ms.push(
      measurement({ id: 'group-commit.c64', subject: 'group-commit', label: 'bare group-commit loop (node:http + postgres.js), 64 clients', tags: ['group-commit', 'publish'] }, undefined, async () => {
        if (!gcPool) throw new Error(gcErr);
        const headers = { 'content-type': 'application/json', 'hatoba-routing-key': 'bench' };
        return loadSample(ctx, 64, () => fire(gcPool, { method: 'POST', path: '/publish', headers, body: messageJson(0) }).then(() => 1));
      }),
    );
  }
  if (!ctx.quick && ctx.wants('peers', 'publish')) ms.push(...(await peerPublishCases(ctx, td, facts)));
  return { measurements: ms, teardown: td.run, facts, figures: () => figures.get() };
}

/** Case 2: Hatoba publish variants on PostgreSQL. */
async function hatobaCases(ctx: BenchContext, td: Teardown, figures: { get: () => Record<string, number | string> }): Promise<Measurement[]> {
  const ms: Measurement[] = [];
  let hatobaErr: string | undefined;
  const dbUrl = await freshDatabase(ctx.pgBase, DB);
  // The memory case publishes to a queue nobody consumes: at 15,000 msg/s a run (warm-up
  // included) passes the default limits of 200,000 entries and 256 MiB, and the case would
  // measure 507 answers. Raised here so that it measures publishing.
  const env = { HATOBA_MEMORY_MAX_ENTRIES: '1000000', HATOBA_MEMORY_MAX_BYTES: '2gb' };
  const server = await startHatoba({ databaseUrl: dbUrl, port: await freePort(), env }).catch((e) => {
    hatobaErr = String(e.message);
    return undefined;
  });
  td.add(() => dropDatabase(ctx.pgBase, DB));
  const wal = walMeter(ctx.pgBase);
  td.add(wal.close);
  const hatoba = server && new HatobaClient(server.url);
  if (server && hatoba) {
    td.add(server.stop);
    td.add(() => hatoba.close());
    figures.get = () => ({ 'Hatoba peak RSS (VmHWM), MiB': server.peakRssMiB() ?? 'n/a' });
  }
  const hatobaCase = (
    id: string,
    label: string,
    clients: number,
    durability: 'durable' | 'memory',
    op: (q: string, seq: number) => Promise<number>,
    settings: { maxLength?: number } = {},
  ) =>
    measurement({ id: `publish.hatoba.${id}`, subject: 'hatoba', label, tags: ['publish'] }, undefined, async (rep) => {
      if (!hatoba) throw new Error(`Hatoba did not start: ${hatobaErr}`);
      const q = `bench.publish.${id}.${rep}`;
      await hatoba.declareQueue(q, durability, settings);
      let seq = 0;
      try {
        return await withDiskWrites(wal.read, (counted) => loadSample(ctx, clients, () => counted(op(q, seq++))));
      } finally {
        await hatoba.deleteQueue(q).catch(() => {});
      }
    });
  const pool = (c: number) => hatoba!.pool(c);
  ms.push(
    hatobaCase('c1', 'HTTP publish, 1 client', 1, 'durable', (q, s) => hatoba!.publish(pool(1), q, s)),
    hatobaCase('c64', 'HTTP publish, 64 clients', 64, 'durable', (q, s) => hatoba!.publish(pool(64), q, s)),
    hatobaCase('batch100', 'batch publish, 100 per request, 16 clients', 16, 'durable', (q, s) => hatoba!.publishBatch(pool(16), q, 100, s * 100)),
    hatobaCase('memory', 'HTTP publish to a memory-tier queue, 64 clients', 64, 'memory', (q, s) => hatoba!.publish(pool(64), q, s)),
    // Full after its first 10,000 messages: every later publish drops the oldest entry.
    hatobaCase('memory.maxlen', 'HTTP publish to a memory-tier queue kept at max length 10,000, 64 clients', 64, 'memory', (q, s) => hatoba!.publish(pool(64), q, s), {
      maxLength: 10_000,
    }),
    hatobaCase('nonpersistent', 'HTTP publish, Hatoba-Persistent: false, 64 clients', 64, 'durable', (q, s) =>
      hatoba!.publish(pool(64), q, s, { 'hatoba-persistent': 'false' }),
    ),
  );

  return ms;
}

export const publishGroup: CaseGroup = {
  name: 'publish',
  title: 'Publish (cases 1, 2, 4 and the group-commit reference)',
  tags: ['ceiling', 'publish', 'group-commit', 'peers'],
  quick: true,
  reference: 'ceiling.c64',
  setup,
};
