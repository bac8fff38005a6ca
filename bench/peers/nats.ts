/**
 * NATS JetStream: a file-storage stream, publishes acknowledged by the server (PubAck).
 * JetStream's file store writes through to the OS on every message but fsyncs on its own
 * schedule (sync_interval, 2 min by default) unless the server says `sync: always`.
 */
import { connect, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { messageJson } from '../http';

const STREAM = 'HATOBA_BENCH';
const SUBJECT = 'hatoba.bench.publish';

export interface NatsPeer {
  version: string;
  publish(seq: number): Promise<number>;
  purge(): Promise<void>;
  close(): Promise<void>;
}

export async function connectNats(): Promise<NatsPeer> {
  const nc: NatsConnection = await connect({ servers: '127.0.0.1:4222', timeout: 2000 });
  const jsm: JetStreamManager = await nc.jetstreamManager();
  await jsm.streams.delete(STREAM).catch(() => false);
  await jsm.streams.add({ name: STREAM, subjects: ['hatoba.bench.>'], storage: StorageType.File });
  const js: JetStreamClient = nc.jetstream();
  const enc = new TextEncoder();
  return {
    version: nc.info?.version ?? 'unknown',
    publish: async (seq) => {
      await js.publish(SUBJECT, enc.encode(messageJson(seq)));
      return 1;
    },
    purge: async () => {
      await jsm.streams.purge(STREAM);
    },
    close: async () => {
      await jsm.streams.delete(STREAM).catch(() => false);
      await nc.drain().catch(() => {});
    },
  };
}
