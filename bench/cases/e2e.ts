/**
 * Case 3 (and case 4's consume side): publish → receive → ack, throughput and
 * publish-to-delivery latency at a fixed offered rate and at saturation.
 */
import { walMeter, withDiskWrites, type WriteMeter } from '../disk-writes';
import { runE2E, type E2EDriver } from '../e2e';
import { packageVersion } from '../facts';
import { HatobaClient } from '../hatoba';
import { startPgBoss } from '../peers/pgboss';
import { peerDown } from '../peers/probe';
import { connectRabbit } from '../peers/rabbitmq';
import { dropDatabase, freePort, freshDatabase, startHatoba } from '../server';
import type { BenchContext, CaseGroup, GroupSetup, Measurement, Subject } from '../types';
import { measurement, Teardown } from './common';
import { rabbitWrites } from './peers';

export const OFFERED_RATE = 5000;
/** A rate every subject here serves without queueing: its latency is the delivery path's own. */
export const MODERATE_RATE = 1000;
export const PUBLISHERS = 64;
export const CONSUMERS = 4;

/** The e2e measurements of one subject: two fixed rates (moderate, and the target's) and saturation. */
export function e2eCases(
  ctx: BenchContext,
  o: { idPrefix: string; subject: Subject; label: string; tags: string[]; down?: string; driver: () => E2EDriver; writes?: WriteMeter },
): Measurement[] {
  const base = { warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, drainMs: ctx.quick ? 5000 : 15000, consumers: CONSUMERS, concurrency: PUBLISHERS };
  // What the subject wrote per message published, over the run (bench/disk-writes.ts).
  const run = (rep: number, rate?: number) =>
    withDiskWrites(o.writes, (counted) => {
      const d = o.driver();
      const driver: E2EDriver = { ...d, publish: (queue, seq, worker) => counted(d.publish(queue, seq, worker)) };
      return runE2E(driver, rep, rate === undefined ? base : { ...base, rate });
    });
  return [
    measurement({ id: `${o.idPrefix}.rate${MODERATE_RATE}`, subject: o.subject, label: `${o.label}, offered ${MODERATE_RATE}/s`, tags: o.tags }, o.down, (rep) =>
      run(rep, MODERATE_RATE),
    ),
    measurement({ id: `${o.idPrefix}.rate${OFFERED_RATE}`, subject: o.subject, label: `${o.label}, offered ${OFFERED_RATE}/s`, tags: o.tags }, o.down, (rep) =>
      run(rep, OFFERED_RATE),
    ),
    measurement(
      { id: `${o.idPrefix}.saturation`, subject: o.subject, label: `${o.label}, saturation (${PUBLISHERS} publishers)`, tags: o.tags },
      o.down,
      (rep) => run(rep),
    ),
  ];
}

const failing = (e: unknown): E2EDriver => {
  const f = async (): Promise<never> => {
    throw e;
  };
  return { prepare: f, publish: f, consume: f, cleanup: f };
};

async function setup(ctx: BenchContext): Promise<GroupSetup> {
  const td = new Teardown();
  const ms: Measurement[] = [];
  const facts: Record<string, string> = {};
  let server: Awaited<ReturnType<typeof startHatoba>> | undefined;

  if (ctx.wants('e2e')) {
    const db = 'hatoba_bench_e2e';
    const url = await freshDatabase(ctx.pgBase, db);
    td.add(() => dropDatabase(ctx.pgBase, db));
    const started = await startHatoba({ databaseUrl: url, port: await freePort() }).catch((e) => e as Error);
    if (!(started instanceof Error)) {
      server = started;
      td.add(started.stop);
    }
    const hatoba = started instanceof Error ? undefined : new HatobaClient(started.url);
    if (hatoba) td.add(() => hatoba.close());
    const wal = walMeter(ctx.pgBase);
    td.add(wal.close);
    ms.push(
      ...e2eCases(ctx, {
        idPrefix: 'e2e.hatoba',
        subject: 'hatoba',
        label: 'Hatoba HTTP publish → receive 100 (long poll) → ack',
        tags: ['e2e'],
        driver: () => (hatoba ? hatoba.e2eDriver(PUBLISHERS) : failing(started)),
        writes: wal.read,
      }),
    );
  }

  if (!ctx.quick && ctx.wants('peers', 'e2e')) {
    const rabbitDown = await peerDown('RabbitMQ', 5672);
    const rabbit = rabbitDown ? undefined : await connectRabbit().catch((e) => e as Error);
    if (rabbit && !(rabbit instanceof Error)) {
      td.add(rabbit.close);
      facts.rabbitmq = rabbit.version;
    }
    ms.push(
      ...e2eCases(ctx, {
        idPrefix: 'peers.rabbitmq.e2e',
        subject: 'rabbitmq',
        label: 'RabbitMQ confirms (64 in flight) → consume, prefetch 100, manual ack',
        tags: ['peers', 'e2e'],
        down: rabbitDown,
        driver: () => (rabbit && !(rabbit instanceof Error) ? rabbit.e2eDriver() : failing(rabbit)),
        writes: rabbitWrites,
      }),
    );

    const db = 'hatoba_bench_pgboss_e2e';
    const url = await freshDatabase(ctx.pgBase, db);
    td.add(() => dropDatabase(ctx.pgBase, db));
    const boss = await startPgBoss(url, packageVersion('pg-boss')).catch((e) => e as Error);
    if (!(boss instanceof Error)) td.add(boss.close);
    ms.push(
      ...e2eCases(ctx, {
        idPrefix: 'peers.pg-boss.e2e',
        subject: 'pg-boss',
        label: 'pg-boss send (64 concurrent) → fetch 100 + complete',
        tags: ['peers', 'e2e'],
        driver: () => (boss instanceof Error ? failing(boss) : boss.e2eDriver()),
      }),
    );
  }
  return {
    measurements: ms,
    teardown: td.run,
    facts,
    figures: (): Record<string, number | string> => (server ? { 'Hatoba peak RSS (VmHWM), MiB': server.peakRssMiB() ?? 'n/a' } : {}),
  };
}

export const e2eGroup: CaseGroup = {
  name: 'e2e',
  title: `End to end (case 3): ${CONSUMERS} consumers, 1 KiB messages`,
  tags: ['e2e', 'peers'],
  quick: true,
  setup,
};
