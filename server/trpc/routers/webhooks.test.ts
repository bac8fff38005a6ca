import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../test/broker';
import { consoleCaller, type ConsoleCaller } from '../../../test/console-caller';
import { drivers } from '../../../test/databases';
import { silent } from '../../../test/silent-logger';
import { createWebhooks } from '../../webhooks';
import { parseAllowList } from '../../webhooks/address-guard';
import { pushEndpointDisable, pushEndpointGet } from '../../webhooks/push-store';

const SECRET = 'hmac-secret-never-shown';

describe.each(drivers)('webhooks in the dashboard API on %s', (driver) => {
  let t: TestBroker;
  let webhooks: ReturnType<typeof createWebhooks> | undefined;
  afterEach(async () => {
    await webhooks?.stop();
    webhooks = undefined;
    await t.close();
  });

  async function start(): Promise<ConsoleCaller> {
    t = await startTestBroker(driver);
    webhooks = createWebhooks({
      db: t.db,
      broker: t.broker,
      node: 'test-node',
      logger: silent,
      allow: parseAllowList('example.invalid'),
      sourceRateLimit: { perSecond: 100, burst: 200 },
      userAgent: 'test',
      // No message is published to a pushed queue, so nothing is sent; were it, only to loopback.
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    await webhooks.start();
    const runtime = { version: '0.0.0', node: 'test-node', database: driver, push: webhooks.push, sources: webhooks.sources };
    return consoleCaller(t.broker, driver, { runtime });
  }

  it('lists nothing when no source or push endpoint is declared', async () => {
    const api = await start();
    expect(await api.webhooks.sources()).toEqual([]);
    expect(await api.webhooks.pushEndpoints()).toEqual([]);
  });

  it('lists nothing in a process that registered no webhooks', async () => {
    t = await startTestBroker(driver);
    const api = consoleCaller(t.broker, driver);
    expect(await api.webhooks.sources()).toEqual([]);
    expect(await api.webhooks.pushEndpoints()).toEqual([]);
  });

  it('shows a source with its exchange, scheme, routing key and refusals on this node, never its secret', async () => {
    const api = await start();
    await t.broker.declareExchange('github', 'topic');
    await webhooks!.sources.upsert({
      name: 'gh',
      exchange: 'github',
      verify: { scheme: 'hmac-sha256', secrets: [SECRET], header: 'x-hub-signature-256' },
      routingKey: { from: 'header', name: 'x-github-event' },
      rateLimit: { perSecond: 5, burst: 10 },
    });
    webhooks!.sources.count('gh', 'signature_invalid', 2);
    webhooks!.sources.count('gh', 'accepted');

    const [shown, ...rest] = await api.webhooks.sources();
    expect(rest).toEqual([]);
    expect(shown).toMatchObject({
      name: 'gh',
      exchange: 'github',
      verify: { scheme: 'hmac-sha256', header: 'x-hub-signature-256', secrets: 1 },
      routingKey: { from: 'header', name: 'x-github-event' },
      rateLimit: { perSecond: 5, burst: 10 },
      counts: { signature_invalid: 2, accepted: 1 },
    });
    expect(JSON.stringify(shown)).not.toContain(SECRET);
  });

  it('shows every push endpoint by queue: the URL password masked, a disabled one with its reason, never the secret', async () => {
    const api = await start();
    for (const q of ['zeta', 'alpha']) await t.broker.declareQueue(q, {});
    await webhooks!.push.declare('zeta', { url: 'https://user:pw@example.invalid/hook', concurrency: 2, timeoutMs: 5000 });
    await webhooks!.push.declare('alpha', { url: 'https://example.invalid/alpha', concurrency: 1, timeoutMs: 1000 });
    const zeta = (await pushEndpointGet(t.db, { queue: 'zeta' }))!;
    await pushEndpointDisable(t.db, { queue: 'zeta', version: zeta.version, reason: 'the receiver answered 410 Gone' });

    const shown = await api.webhooks.pushEndpoints();
    expect(shown.map((e) => e.queue)).toEqual(['alpha', 'zeta']);
    expect(shown[0]).toMatchObject({ url: 'https://example.invalid/alpha', status: 'active', disabledReason: null, concurrency: 1, timeoutMs: 1000, running: true });
    expect(shown[1]).toMatchObject({ url: 'https://user:***@example.invalid/hook', status: 'disabled', disabledReason: 'the receiver answered 410 Gone', concurrency: 2, timeoutMs: 5000 });
    const text = JSON.stringify(shown);
    expect(text).not.toContain(':pw@');
    expect(text).not.toContain('whsec_');
    expect(text).not.toContain(zeta.secret);
  });
});
