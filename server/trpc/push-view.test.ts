import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { consoleCaller } from '../../test/console-caller';
import { drivers } from '../../test/databases';
import { parseAllowList } from '../webhooks/address-guard';
import { createWebhooks } from '../webhooks';
import { silent } from '../../test/silent-logger';

describe.each(drivers)('a queue\'s push endpoint in the dashboard API on %s', (driver) => {
  let t: TestBroker;
  let webhooks: ReturnType<typeof createWebhooks> | undefined;
  afterEach(async () => {
    await webhooks?.stop();
    await t.close();
  });

  it('shows where a queue is pushed, its status and whether this node delivers it, never the secret', async () => {
    t = await startTestBroker(driver);
    webhooks = createWebhooks({
      db: t.db,
      broker: t.broker,
      node: 'test-node',
      logger: silent,
      allow: parseAllowList('hooks.test'),
      sourceRateLimit: { perSecond: 100, burst: 200 },
      userAgent: 'test',
      // never connected to: no message is published to the queue
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    await webhooks.start();
    const api = consoleCaller(t.broker, driver, { runtime: { version: '0.0.0', node: 'test-node', database: driver, push: webhooks.push } });
    await t.broker.declareQueue('pushed', {});
    await t.broker.declareQueue('pulled', {});
    await webhooks.push.declare('pushed', { url: 'http://hooks.test/in', concurrency: 2, timeoutMs: 5000 });

    expect(await api.queues.push({ name: 'pulled' })).toBeNull();
    const shown = await api.queues.push({ name: 'pushed' });
    expect(shown).toMatchObject({ url: 'http://hooks.test/in', concurrency: 2, timeoutMs: 5000, status: 'active', disabledReason: null, running: true });
    expect(JSON.stringify(shown)).not.toContain('whsec_');
  });
});
