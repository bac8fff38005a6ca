/** Case 4, publish side: the peers, measured in the same run as Hatoba's publish cases. */
import { processWriteMeter, withDiskWrites } from '../disk-writes';
import { packageVersion } from '../facts';
import { connectNats } from '../peers/nats';
import { startPgBoss } from '../peers/pgboss';
import { peerDown } from '../peers/probe';
import { connectRabbit, rabbitHttp } from '../peers/rabbitmq';
import { dropDatabase, freshDatabase } from '../server';
import type { BenchContext, Measurement } from '../types';
import { loadSample, measurement, type Teardown } from './common';

/** What RabbitMQ's Erlang VM writes to storage (bench/disk-writes.ts). */
export const rabbitWrites = processWriteMeter('beam.smp');

/** Case 4, publish side: RabbitMQ (AMQP and HTTP), NATS JetStream, pg-boss. */
export async function peerPublishCases(ctx: BenchContext, td: Teardown, facts: Record<string, string>): Promise<Measurement[]> {
  const ms: Measurement[] = [];
  const fail = (e: unknown) => async (): Promise<never> => {
    throw e;
  };

  const rabbitDown = await peerDown('RabbitMQ', 5672);
  const rabbit = rabbitDown ? undefined : await connectRabbit().catch((e) => e as Error);
  if (rabbit && !(rabbit instanceof Error)) {
    td.add(rabbit.close);
    facts.rabbitmq = rabbit.version;
  }
  ms.push(
    measurement({ id: 'peers.rabbitmq.publish.c64', subject: 'rabbitmq', label: 'RabbitMQ amqplib, durable + persistent + confirms, 64 in flight', tags: ['peers', 'publish'] }, rabbitDown, async (rep) => {
      if (!rabbit || rabbit instanceof Error) return fail(rabbit)();
      const q = await rabbit.freshQueue(`bench.publish.${rep}`);
      let seq = 0;
      try {
        return await withDiskWrites(rabbitWrites, (counted) => loadSample(ctx, 64, () => counted(rabbit.publish(q, seq++))));
      } finally {
        await rabbit.deleteQueue(q).catch(() => {});
      }
    }),
  );

  const mgmtDown = rabbitDown ?? (await peerDown('RabbitMQ management plugin', 15672));
  const rhttp = mgmtDown ? undefined : rabbitHttp(64);
  if (rhttp) td.add(rhttp.close);
  ms.push(
    measurement({ id: 'peers.rabbitmq-http.publish.c64', subject: 'rabbitmq-http', label: 'RabbitMQ HTTP API publish (management), persistent, 64 clients', tags: ['peers', 'publish'] }, mgmtDown, async (rep) => {
      if (!rabbit || rabbit instanceof Error) return fail(rabbit)();
      const q = await rabbit.freshQueue(`bench.http.${rep}`);
      let seq = 0;
      try {
        return await loadSample(ctx, 64, () => rhttp!.publish(q, seq++));
      } finally {
        await rabbit.deleteQueue(q).catch(() => {});
      }
    }),
  );

  const natsDown = await peerDown('NATS', 4222);
  const nats = natsDown ? undefined : await connectNats().catch((e) => e as Error);
  if (nats && !(nats instanceof Error)) {
    td.add(nats.close);
    facts.nats = nats.version;
  }
  ms.push(
    measurement({ id: 'peers.nats.publish.c64', subject: 'nats', label: 'NATS JetStream file storage, acked publish, 64 in flight', tags: ['peers', 'publish'] }, natsDown, async () => {
      if (!nats || nats instanceof Error) return fail(nats)();
      let seq = 0;
      try {
        return await loadSample(ctx, 64, () => nats.publish(seq++));
      } finally {
        await nats.purge().catch(() => {});
      }
    }),
  );

  const pgbUrl = await freshDatabase(ctx.pgBase, 'hatoba_bench_pgboss');
  td.add(() => dropDatabase(ctx.pgBase, 'hatoba_bench_pgboss'));
  const boss = await startPgBoss(pgbUrl, packageVersion('pg-boss')).catch((e) => e as Error);
  if (!(boss instanceof Error)) td.add(boss.close);
  ms.push(
    measurement({ id: 'peers.pg-boss.send.c64', subject: 'pg-boss', label: 'pg-boss send, 64 concurrent', tags: ['peers', 'publish'] }, undefined, async (rep) => {
      if (boss instanceof Error) return fail(boss)();
      const q = await boss.freshQueue(`bench_publish_${rep}`);
      let seq = 0;
      try {
        return await loadSample(ctx, 64, () => boss.send(q, seq++));
      } finally {
        await boss.deleteQueue(q).catch(() => {});
      }
    }),
  );
  return ms;
}
