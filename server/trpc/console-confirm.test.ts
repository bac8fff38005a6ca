import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drivers } from '../../test/databases';
import { startTestBroker, type TestBroker } from '../../test/broker';
import { consoleCaller, startSecurity } from '../../test/console-caller';
import type { Security } from '../auth';
import type { TrpcContext } from './init';

/** Reads the console makes before a risky action, so its confirmation can say what will happen. */
describe.each(drivers)('console reads for confirmations on %s', (driver) => {
  let t: TestBroker;
  const callerWith = (over: Partial<TrpcContext> = {}) => consoleCaller(t.broker, driver, over);

  beforeEach(async () => {
    t = await startTestBroker(driver);
  });
  afterEach(() => t.close());

  describe('keys.enforced tells the Keys page whether keys are checked', () => {
    let security: Security | undefined;
    const securityWith = async (enabled: boolean) => {
      security = await startSecurity(t.db, enabled);
      return security;
    };
    afterEach(async () => {
      await security?.stop();
      security = undefined;
    });

    it('is false with auth off (and without security at all), true with it on', async () => {
      expect(await callerWith().keys.enforced()).toEqual({ enforced: false });
      expect(await callerWith({ security: await securityWith(false) }).keys.enforced()).toEqual({ enforced: false });
      await security!.stop();
      expect(await callerWith({ security: await securityWith(true), actor: 'session:operator' }).keys.enforced()).toEqual({ enforced: true });
    });

    it('needs admin, like the rest of keys', async () => {
      await expect(callerWith({ security: await securityWith(true), actor: 'key:ops', scopes: ['manage'] }).keys.enforced()).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    });
  });

  describe('history.replayCount counts what a range replay would re-publish', () => {
    const publish = (routingKey: string) =>
      t.broker.publish({ exchange: 'billing', routingKey, body: new TextEncoder().encode('{}'), contentType: 'application/json', headers: {} });

    it('matches the replay for the whole range and for one routing key, and is 0 for a range with nothing', async () => {
      const api = callerWith();
      await t.broker.declareExchange('billing', 'direct');
      await t.broker.declareQueue('ledger', {});
      await t.broker.declareQueue('rebuild', {});
      for (const key of ['invoice.paid', 'invoice.refunded']) await t.broker.bind({ exchange: 'billing', queue: 'ledger', key });
      // The publishes may cross a minute's edge: the range runs from before the first one's minute to after the last one's.
      const first = Math.floor(Date.now() / 60_000) * 60_000;
      for (const key of ['invoice.paid', 'invoice.paid', 'invoice.refunded', 'invoice.paid']) await publish(key);
      const last = Math.floor(Date.now() / 60_000) * 60_000;
      const range = { exchange: 'billing', from: new Date(first - 60 * 60_000).toISOString(), to: new Date(last + 60_000).toISOString() };

      expect(await api.history.replayCount(range)).toMatchObject({ count: 4 });
      expect(await api.history.replayCount({ ...range, routingKey: 'invoice.refunded' })).toMatchObject({ count: 1 });
      expect(await api.history.replayCount({ ...range, routingKey: 'invoice.none' })).toMatchObject({ count: 0 });
      // A range that ends where the first publish's minute begins holds none of them.
      expect(await api.history.replayCount({ ...range, to: new Date(first).toISOString() })).toMatchObject({ count: 0 });

      // What the confirmation announced is what the replay does.
      expect(await api.history.replay({ ...range, routingKey: 'invoice.paid', target: { queue: 'rebuild' } })).toEqual({ replayed: 3 });
      expect(await api.history.replayCount({ ...range, routingKey: 'invoice.paid' })).toMatchObject({ count: 3 });
      expect((await api.queues.get({ name: 'rebuild' })).ready).toBe(3);
    });

    it('refuses a range that ends before it starts', async () => {
      await t.broker.declareExchange('billing', 'direct');
      const now = Date.now();
      await expect(
        callerWith().history.replayCount({ exchange: 'billing', from: new Date(now).toISOString(), to: new Date(now - 120_000).toISOString() }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
});
