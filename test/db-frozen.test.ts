import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import { startHatoba } from '../server/main';
import { killHard, spawnServer } from './process';
import { call } from './server';
import { until } from './until';
import { sharedPostgres, type SharedPostgres } from './shared-postgres';
import { tcpProxy } from './tcp-proxy';

describe.skipIf(!process.env.TEST_DATABASE_URL)('a node whose database stops answering (connections open, no reply)', () => {
  let pg: SharedPostgres | undefined;
  let proxy: Awaited<ReturnType<typeof tcpProxy>> | undefined;
  afterEach(async () => {
    await proxy?.close();
    await pg?.drop();
    pg = proxy = undefined;
  });

  it('answers /readyz 503 database_timeout in bounded time, and its stop ends in bounded time', async () => {
    pg = await sharedPostgres();
    proxy = await tcpProxy(new URL(pg.url));
    const config = loadConfig(
      { PORT: '0', HOST: '127.0.0.1', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', HATOBA_NODE_ID: 'frozen', DATABASE_URL: proxy.url },
      [],
    );
    const hatoba = await startHatoba(config); // its own pool, which its stop closes
    const url = `http://127.0.0.1:${hatoba.port}`;
    let stopped = false;
    try {
      expect((await call(url, 'PUT', '/v1/queues/q', {})).status).toBe(201);
      expect((await call(url, 'GET', '/readyz')).status).toBe(200);

      proxy.freeze();
      // A publish now waits on the frozen database (no statement timeout): it is in flight during the stop.
      const publish = call(url, 'POST', '/v1/queues/q/messages', 'stuck').catch(() => null);

      let started = Date.now();
      const ready = await call(url, 'GET', '/readyz');
      const readyMs = Date.now() - started;
      expect(readyMs).toBeLessThan(15_000);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not_ready', code: 'database_timeout', checks: { database: false } });
      expect(ready.body.reason).toMatch(/^database did not answer within \d+(\.\d+)? s$/);

      started = Date.now();
      await hatoba.stop();
      stopped = true;
      const stopMs = Date.now() - started;
      console.log(`frozen database: /readyz answered 503 in ${readyMs} ms, stop() ended in ${stopMs} ms`);
      expect(stopMs).toBeLessThan(25_000);
      const answer = await publish;
      expect(answer?.status).not.toBe(201);
    } finally {
      if (!stopped) {
        await proxy.close(); // lets a stop that hangs on the database end
        await hatoba.stop();
      }
    }
  });

  it('answers a publish or an ack the database does not confirm with 503 database_timeout, saying whether it was written', async () => {
    pg = await sharedPostgres();
    proxy = await tcpProxy(new URL(pg.url));
    const config = loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        HATOBA_DASHBOARD: '0',
        HATOBA_LOG_LEVEL: 'silent',
        HATOBA_NODE_ID: 'slow-commit',
        HATOBA_COMMIT_TIMEOUT: '1s',
        DATABASE_URL: proxy.url,
      },
      [],
    );
    const hatoba = await startHatoba(config);
    const url = `http://127.0.0.1:${hatoba.port}`;
    try {
      expect((await call(url, 'PUT', '/v1/queues/q', {})).status).toBe(201);
      expect((await call(url, 'POST', '/v1/queues/q/messages', 'before')).status).toBe(201);
      const [delivery] = (await call(url, 'POST', '/v1/queues/q/receive', { max: 1 })).body.messages;
      expect(delivery.receipt).toEqual(expect.any(String));

      proxy.freeze();
      // Publishes 100 ms apart: the first ones fill the flush slots (two in flight on PostgreSQL)
      // and wait on the database; the later ones queue behind them (or behind a topology reload
      // that the frozen database holds: commit-timeout.test.ts).
      const started = Date.now();
      const sent: Promise<Awaited<ReturnType<typeof call>>>[] = [];
      const bodies = ['one', 'two', 'three', 'four', 'five'];
      for (const body of bodies) {
        sent.push(call(url, 'POST', '/v1/queues/q/messages', body));
        await new Promise((r) => setTimeout(r, 100));
      }
      const ack = call(url, 'POST', '/v1/queues/q/ack', { receipts: [delivery.receipt] });
      const answers = await Promise.all(sent);
      expect((await ack).body.error?.code).toBe('database_timeout');
      expect(Date.now() - started).toBeLessThan(10_000);
      for (const a of answers) {
        expect(a.status).toBe(503);
        expect(a.body.error).toMatchObject({ code: 'database_timeout', details: { timeoutMs: 1000 } });
      }
      const written = answers.map((a) => a.body.error.details.written);
      expect(written[0]).toBe('unknown'); // sent to the database, which never answered
      expect(answers[0]!.body.error.message).toMatch(/may still take effect.*Idempotency-Key/);
      expect(written.at(-1)).toBe(false); // still queued behind the hung flushes: dropped
      expect(answers.at(-1)!.body.error.message).toMatch(/nothing of it was written/);
      for (const w of written) expect(['unknown', false]).toContain(w);

      // The database answers again: the sent publishes commit after all, the queued ones never do.
      proxy.thaw();
      const maybe = bodies.filter((_, i) => written[i] === 'unknown');
      await until('the sent publishes to commit', async () => (await call(url, 'GET', '/v1/queues/q')).body.ready === maybe.length);
      await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
      const stored: string[] = [];
      for (const m of (await call(url, 'POST', '/v1/queues/q/receive', { max: 10, visibilityMs: 60_000 })).body.messages) stored.push(m.body);
      expect(stored.sort()).toEqual([...maybe].sort());
    } finally {
      proxy.thaw();
      await hatoba.stop();
    }
  });

  it('a server process given SIGTERM exits by itself in bounded time', async () => {
    pg = await sharedPostgres();
    proxy = await tcpProxy(new URL(pg.url));
    const server = await spawnServer({ DATABASE_URL: proxy.url, HATOBA_NODE_ID: 'frozen-process', HATOBA_LOG_LEVEL: 'info' });
    try {
      expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);
      proxy.freeze();
      const started = Date.now();
      server.child.kill('SIGTERM');
      const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
      const tookMs = Date.now() - started;
      console.log(`frozen database: the process exited ${tookMs} ms after SIGTERM (${code})`);
      expect(code, server.output()).toBe(0);
      expect(server.output()).toMatch(/did not finish in/);
      expect(server.output()).toMatch(/"msg":"stopped"/);
    } finally {
      await killHard(server);
    }
  });
});
