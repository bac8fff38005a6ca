/**
 * pg-boss 10 on the same PostgreSQL (fsync on): `send` per message, and end to end with
 * `fetch` + `complete` in batches of 100. pg-boss has no long poll, so an empty fetch waits
 * 10 ms before the next.
 */
import PgBoss from 'pg-boss';
import type { ConsumerErrors, E2EDriver } from '../e2e';
import { messageObject, sentAt } from '../http';
import { nowMs, sleep } from '../stats';

export interface PgBossPeer {
  version: string;
  send(queue: string, seq: number): Promise<number>;
  freshQueue(name: string): Promise<string>;
  deleteQueue(name: string): Promise<void>;
  e2eDriver(): E2EDriver;
  close(): Promise<void>;
}

export async function startPgBoss(databaseUrl: string, version: string): Promise<PgBossPeer> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 16, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  const freshQueue = async (name: string) => {
    await boss.deleteQueue(name).catch(() => {});
    await boss.createQueue(name);
    return name;
  };
  const deleteQueue = async (name: string) => {
    await boss.deleteQueue(name);
  };
  const send = async (queue: string, seq: number) => {
    const id = await boss.send(queue, messageObject(seq));
    if (!id) throw new Error('pg-boss send returned no id');
    return 1;
  };
  return {
    version,
    send,
    freshQueue,
    deleteQueue,
    e2eDriver: () => ({
      prepare: (rep, mode) => freshQueue(`bench_e2e_${mode}_${rep}`),
      publish: (queue, seq) => send(queue, seq),
      consume: async (queue, consumers, onDelivered) => {
        let stopped = false;
        const errs: ConsumerErrors = { errors: 0 };
        const loop = async () => {
          for (let i = 0; !stopped && i < 10_000_000; i++) {
            try {
              const jobs = await boss.fetch<{ t: number }>(queue, { batchSize: 100 });
              if (!jobs || jobs.length === 0) {
                await sleep(10);
                continue;
              }
              const receivedAt = nowMs();
              await boss.complete(queue, jobs.map((j) => j.id));
              onDelivered(
                jobs.map((j) => sentAt(j.data) ?? receivedAt),
                receivedAt,
              );
            } catch (e) {
              if (stopped) break;
              errs.errors++;
              errs.firstError ??= String((e as Error).message);
              await sleep(50);
            }
          }
        };
        const loops = Array.from({ length: consumers }, loop);
        return async () => {
          stopped = true;
          await Promise.all(loops);
          return errs;
        };
      },
      cleanup: deleteQueue,
    }),
    close: async () => {
      await boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => {});
    },
  };
}
