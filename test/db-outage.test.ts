import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import { startHatoba } from '../server/main';
import { call } from './server';
import { sharedPostgres, type SharedPostgres } from './shared-postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL ends every Hatoba connection (what a restart or failover does) while clients
 * publish and long-poll: no publish is answered 201 unless committed, failures are 503, and
 * the node serves again by itself, LISTEN included.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('a node when PostgreSQL ends its connections', () => {
  let pg: SharedPostgres;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    await pg.drop();
  });

  it('every 201 is stored and delivered, every failure is a 503, and it serves again without a restart', async () => {
    pg = await sharedPostgres();
    const config = loadConfig({ PORT: '0', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', HATOBA_NODE_ID: 'n1' }, []);
    const hatoba = await startHatoba(config, { db: pg.open(6) });
    stop = hatoba.stop;
    const url = `http://127.0.0.1:${hatoba.port}`;
    expect((await call(url, 'PUT', '/v1/queues/outage', {})).status).toBe(201);

    const answered = new Set<string>();
    const failures = new Map<string, number>();
    let publishing = true;
    const publisher = async (c: number) => {
      for (let i = 0; publishing; i++) {
        const r = await call(url, 'POST', '/v1/queues/outage/messages', `c${c}-${i}`).catch(() => null);
        if (r?.status === 201) answered.add(r.body.id);
        else {
          const key = r ? `${r.status} ${r.body?.error?.code}` : 'no answer';
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    };
    const publishers = Array.from({ length: 6 }, (_, c) => publisher(c));
    let killed = 0;
    for (let round = 0; round < 3; round++) {
      await sleep(400);
      killed += await pg.terminateHatobaBackends();
    }
    await sleep(400);
    // Enough publishes to check, however slow the machine: a loaded CI run answered 37 in the
    // fixed window. The publishers keep going until then (they serve again by themselves).
    await expect.poll(() => answered.size, { timeout: 20_000 }).toBeGreaterThan(50);
    publishing = false;
    await Promise.all(publishers);
    expect(killed).toBeGreaterThanOrEqual(3);
    for (const key of failures.keys()) expect(key).toBe('503 database_unavailable');

    // Serving again: a publish and /readyz succeed within a few seconds, with no restart.
    await expect.poll(async () => (await call(url, 'GET', '/readyz')).status, { timeout: 10_000 }).toBe(200);
    await expect.poll(async () => (await call(url, 'POST', '/v1/queues/outage/messages', 'after')).status, { timeout: 10_000 }).toBe(201);

    // A long poll that waits across one more kill still gets a message published after it.
    const waiting = call(url, 'POST', '/v1/queues/outage.dlq/receive', { max: 1, waitMs: 8000 });
    await sleep(200);
    await pg.terminateHatobaBackends();
    await sleep(300);
    await expect.poll(async () => (await call(url, 'POST', '/v1/queues/outage.dlq/messages', 'late')).status, { timeout: 10_000 }).toBe(201);
    const late = await waiting;
    expect([200, 503]).toContain(late.status);
    if (late.status === 200) expect(late.body.messages).toHaveLength(1);

    // Nothing answered 201 is missing.
    const delivered = new Set<string>();
    for (;;) {
      const got = await call(url, 'POST', '/v1/queues/outage/receive', { max: 1000 });
      if (got.body.messages.length === 0) break;
      for (const m of got.body.messages) delivered.add(m.id);
      await call(url, 'POST', '/v1/queues/outage/ack', { receipts: got.body.messages.map((m: { receipt: string }) => m.receipt) });
    }
    const lost = [...answered].filter((id) => !delivered.has(id));
    expect(lost).toEqual([]);
    console.log(`db outage: ${answered.size} publishes answered 201 across ${killed} killed connections, ${[...failures].map(([k, n]) => `${n} × ${k}`).join(', ') || 'no failures'}; 0 lost`);
  }, 150_000); // bounded: 3 kill rounds and a drain, but slow on a loaded 2-core machine
});
