/** Case 6: Hatoba on its embedded default, PGlite (one connection, WASM on the server's thread). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HatobaClient } from '../hatoba';
import { fire, httpPool } from '../http';
import { median, nowMs, Recorder } from '../stats';
import { freePort, startHatoba } from '../server';
import type { BenchContext, CaseGroup, GroupSetup, Measurement } from '../types';
import { drainSample, fill } from './backlog';
import { loadSample, Teardown } from './common';
import { e2eCases, PUBLISHERS } from './e2e';

async function setup(ctx: BenchContext): Promise<GroupSetup> {
  const td = new Teardown();
  const dataDir = mkdtempSync(join(tmpdir(), 'hatoba-bench-pglite-'));
  td.add(async () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startHatoba({ dataDir, port: await freePort() }).catch(async (e) => {
    await td.run();
    throw e;
  });
  td.add(server.stop);
  const hatoba = new HatobaClient(server.url);
  td.add(() => hatoba.close());
  // PGlite runs its WASM on the server's thread: a probe on its own socket asks /healthz every
  // 50 ms during the publish load, to show whether the HTTP loop still answers promptly.
  const probePool = httpPool(server.url, 1);
  td.add(() => probePool.close());
  const probeP99s: number[] = [];
  const probe = () => {
    const latencies = new Recorder();
    let stopped = false;
    const done = (async () => {
      while (!stopped) {
        const t0 = nowMs();
        await fire(probePool, { path: '/healthz' }).catch(() => {});
        latencies.record(nowMs() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return async () => {
      stopped = true;
      await done;
      const summary = latencies.summary();
      if (summary) probeP99s.push(summary.p99);
    };
  };
  const publish: Measurement = {
    id: 'pglite.hatoba.publish.c64',
    subject: 'hatoba',
    label: 'HTTP publish on PGlite, 64 clients',
    tags: ['pglite'],
    run: async (rep) => {
      const q = `bench.pglite.publish.${rep}`;
      await hatoba.declareQueue(q);
      let seq = 0;
      try {
        const stopProbe = probe();
        try {
          return await loadSample(ctx, PUBLISHERS, () => hatoba.publish(hatoba.pool(PUBLISHERS), q, seq++));
        } finally {
          await stopProbe();
        }
      } finally {
        await hatoba.deleteQueue(q).catch(() => {});
      }
    },
  };
  // A backlog to drain: deliveries read their bodies back from the database (no handoff).
  const backlog = 'bench.pglite.backlog';
  // Deep enough for a run at up to 15,000 msg/s (the drain reaches about 8,000 here).
  const backlogSize = Math.ceil(((ctx.warmupMs + ctx.durationMs) / 1000) * 1.5) * 10_000;
  const figures: Record<string, number> = {};
  try {
    await hatoba.declareQueue(backlog);
    figures['backlog fill through batch publish, msg/s'] = (await fill(hatoba, backlog, backlogSize, ctx.log)).rate;
  } catch (e) {
    await td.run();
    throw e;
  }
  const drain: Measurement = {
    id: 'pglite.hatoba.drain',
    subject: 'hatoba',
    label: `receive 100 + ack on PGlite from a ${backlogSize.toLocaleString('en-US')}-message backlog; 4 consumers`,
    tags: ['pglite'],
    run: () => drainSample(ctx, hatoba, backlog),
  };
  const e2e = e2eCases(ctx, {
    idPrefix: 'pglite.hatoba.e2e',
    subject: 'hatoba',
    label: 'end to end on PGlite',
    tags: ['pglite'],
    driver: () => hatoba.e2eDriver(PUBLISHERS),
  });
  return {
    measurements: [publish, drain, ...e2e],
    teardown: td.run,
    figures: () => ({
      ...figures,
      'Hatoba peak RSS (VmHWM), MiB': server.peakRssMiB() ?? 'n/a',
      ...(probeP99s.length ? { '/healthz p99 during the PGlite publish load, ms': median(probeP99s) } : {}),
    }),
  };
}

export const pgliteGroup: CaseGroup = {
  name: 'pglite',
  title: 'PGlite, the embedded default (case 6)',
  tags: ['pglite'],
  quick: true,
  setup,
};
