import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';
import { uuidv7 } from '../broker/ids';

/** Over HTTP, a dead-letter replay refuses a target that does not exist, and names the ids it could not move, on either tier. */
describe.each(drivers)('POST /v1/queues/{dlq}/replay on %s', (driver) => {
  let s: TestServer;
  const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, body);
  beforeEach(async () => {
    s = await startTestServer(driver);
  });
  afterEach(async () => s.close());

  /** Declares `queue` and rejects `n` messages published to it into its DLQ; their ids. */
  async function deadLetters(queue: string, durability: string, n: number): Promise<string[]> {
    expect((await api('PUT', `/v1/queues/${queue}`, { durability })).status).toBeLessThan(300);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await api('POST', `/v1/queues/${queue}/messages`, { n: i })).body.id);
    const got = await api('POST', `/v1/queues/${queue}/receive`, { max: n });
    expect(got.body.messages).toHaveLength(n);
    const receipts = got.body.messages.map((m: { receipt: string }) => m.receipt);
    expect((await api('POST', `/v1/queues/${queue}/nack`, { receipts, requeue: false })).status).toBe(200);
    return ids;
  }

  for (const durability of ['durable', 'memory']) {
    it(`a missing target queue or exchange of a ${durability} DLQ is 404 replay_target_not_found`, async () => {
      await deadLetters('rf', durability, 1);
      const queue = await api('POST', '/v1/queues/rf.dlq/replay', { all: true, target: { queue: 'nosuch' } });
      expect({ status: queue.status, code: queue.body.error?.code, message: queue.body.error?.message }).toEqual({
        status: 404,
        code: 'replay_target_not_found',
        message: "Replay target queue 'nosuch' does not exist",
      });
      const exchange = await api('POST', '/v1/queues/rf.dlq/replay', { all: true, target: { exchange: 'nosuchx', routingKey: 'a' } });
      expect({ status: exchange.status, code: exchange.body.error?.code, message: exchange.body.error?.message }).toEqual({
        status: 404,
        code: 'replay_target_not_found',
        message: "Replay target exchange 'nosuchx' does not exist",
      });
      expect((await api('GET', '/v1/queues/rf.dlq')).body).toMatchObject({ ready: 1 });
    });

    it(`a replay by ids from a ${durability} DLQ names the ids not found and those a consumer holds`, async () => {
      const [a, b] = await deadLetters('ids', durability, 2);
      const held = (await api('POST', '/v1/queues/ids.dlq/receive', { max: 1, visibilityMs: 60_000 })).body.messages[0].id as string;
      const ghost = uuidv7();
      const r = await api('POST', '/v1/queues/ids.dlq/replay', { ids: [held === a ? b : a, held, ghost] });
      expect({ status: r.status, body: r.body }).toEqual({
        status: 200,
        body: { replayed: 1, skipped: { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [ghost], leased: [held], busy: [] }, more: false },
      });
    });
  }
});
