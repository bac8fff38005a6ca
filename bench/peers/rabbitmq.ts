/**
 * RabbitMQ through amqplib: durable queue, persistent messages, publisher confirms; end to end
 * with manual acks and prefetch 100. Also RabbitMQ's own HTTP publish (management plugin).
 */
import amqp from 'amqplib';
import type { ConsumerErrors, E2EDriver } from '../e2e';
import { callJson, httpPool, messageJson, sentAt } from '../http';
import { nowMs } from '../stats';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface RabbitPeer {
  version: string;
  /** Sends one persistent message and resolves on its publisher confirm. */
  publish(queue: string, seq: number): Promise<number>;
  freshQueue(name: string): Promise<string>;
  deleteQueue(name: string): Promise<void>;
  e2eDriver(): E2EDriver;
  close(): Promise<void>;
}

export async function connectRabbit(): Promise<RabbitPeer> {
  const conn = await amqp.connect(AMQP_URL);
  const pubCh = await conn.createConfirmChannel();
  const admin = await conn.createChannel();
  const props = (conn as unknown as { connection: { serverProperties: Record<string, unknown> } }).connection.serverProperties;

  const freshQueue = async (name: string) => {
    await admin.deleteQueue(name);
    await admin.assertQueue(name, { durable: true });
    return name;
  };
  const publish = (queue: string, seq: number) =>
    new Promise<number>((resolve, reject) => {
      pubCh.sendToQueue(queue, Buffer.from(messageJson(seq)), { persistent: true, contentType: 'application/json' }, (err) =>
        err ? reject(err) : resolve(1),
      );
    });
  const deleteQueue = async (name: string) => {
    await admin.deleteQueue(name);
  };

  return {
    version: String(props.version ?? 'unknown'),
    publish,
    freshQueue,
    deleteQueue,
    e2eDriver: () => ({
      prepare: (rep, mode) => freshQueue(`bench.e2e.${mode}.${rep}`),
      publish: (queue, seq) => publish(queue, seq),
      consume: async (queue, consumers, onDelivered) => {
        const errs: ConsumerErrors = { errors: 0 };
        const channels = await Promise.all(
          Array.from({ length: consumers }, async () => {
            const ch = await conn.createChannel();
            await ch.prefetch(100);
            const { consumerTag } = await ch.consume(
              queue,
              (msg) => {
                if (!msg) return;
                ch.ack(msg);
                onDelivered([sentAt(msg.content) ?? nowMs()]);
              },
              { noAck: false },
            );
            return { ch, consumerTag };
          }),
        );
        return async () => {
          for (const { ch, consumerTag } of channels) {
            await ch.cancel(consumerTag).catch((e: Error) => {
              errs.errors++;
              errs.firstError ??= e.message;
            });
            await ch.close().catch(() => {});
          }
          return errs;
        };
      },
      cleanup: deleteQueue,
    }),
    close: async () => {
      await conn.close().catch(() => {});
    },
  };
}

/** RabbitMQ's HTTP API publish (POST /api/exchanges/%2F/amq.default/publish), persistent. */
export function rabbitHttp(concurrency: number) {
  const pool = httpPool('http://127.0.0.1:15672', concurrency);
  const headers = {
    authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`,
    'content-type': 'application/json',
  };
  return {
    publish: async (queue: string, seq: number) => {
      const r = await callJson<{ routed?: boolean }>(pool, {
        method: 'POST',
        path: '/api/exchanges/%2F/amq.default/publish',
        headers,
        json: { properties: { delivery_mode: 2 }, routing_key: queue, payload: messageJson(seq), payload_encoding: 'string' },
      });
      if (!r.routed) throw new Error('RabbitMQ HTTP publish: not routed');
      return 1;
    },
    overview: () => callJson<{ rabbitmq_version?: string }>(pool, { path: '/api/overview', headers }),
    close: () => pool.close(),
  };
}
