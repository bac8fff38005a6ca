import type { Db, Row } from '../db/driver';
import { createBroker, type Broker, type BrokerOptions } from '../server/broker';
import type { PublishInput } from '../server/broker/types';
import { openTestDb, type Driver } from './databases';

export interface TestBroker {
  broker: Broker;
  db: Db;
  close(): Promise<void>;
}

/** A started broker on its own fresh database. */
export async function startTestBroker(driver: Driver, options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const db = await openTestDb(driver);
  const broker = createBroker({ db, node: 'test-node', sweepIntervalMs: 100, ...options });
  await broker.start();
  return {
    broker,
    db,
    async close() {
      await broker.stop();
      await db.close();
    },
  };
}

/**
 * The same database, with `onQuery` called before each statement sent through `db.query` (not
 * inside transactions); it may return a function to run once that statement has answered.
 * For tests that count statements or act at a precise point of the broker's work.
 */
export function watchQueries(db: Db, onQuery: (sql: string) => (() => void) | void): Db {
  return {
    ...db,
    async query<T extends Row>(sql: string, params?: unknown[]) {
      const after = onQuery(sql);
      const rows = await db.query<T>(sql, params);
      after?.();
      return rows;
    },
  };
}

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);

export function message(exchange: string, routingKey: string, body: string, extra: Partial<PublishInput> = {}): PublishInput {
  return { exchange, routingKey, body: text(body), contentType: 'text/plain', headers: {}, ...extra };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
