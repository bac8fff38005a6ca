import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from './server';
import { killHard, spawnServer, type ServerProcess } from './process';
import { withDatabase } from './global-setup';

const targets: { name: string; env: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'pglite',
    env: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hatoba-crash-'));
      return { env: { HATOBA_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (process.env.TEST_DATABASE_URL) {
  const base = process.env.TEST_DATABASE_URL;
  targets.push({
    name: 'postgres',
    env: async () => {
      const name = `hatoba_crash_${process.pid}_${Date.now()}`;
      const admin = postgres(base, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      await admin.end();
      return {
        env: { DATABASE_URL: withDatabase(base, name) },
        cleanup: async () => {
          const a = postgres(base, { max: 1, onnotice: () => {} });
          await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await a.end();
        },
      };
    },
  });
}

describe.each(targets)('crash safety on $name', ({ env: makeEnv }) => {
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of running) await killHard(p);
  });

  it('kill -9 while 8 clients publish: every 201 survives the restart and is deliverable', async () => {
    const { env, cleanup } = await makeEnv();
    try {
      const first = await spawnServer(env);
      running.push(first);
      expect((await call(first.url, 'PUT', '/v1/queues/crash', {})).status).toBe(201);
      const answered = new Set<string>();
      let stop = false;
      const client = async (c: number) => {
        for (let i = 0; !stop && i < 100_000; i++) {
          try {
            const r = await call(first.url, 'POST', '/v1/queues/crash/messages', `client ${c} message ${i}`);
            if (r.status === 201) answered.add(r.body.id);
          } catch {
            return; // the server died under us: this request was never answered
          }
        }
      };
      const clients = Array.from({ length: 8 }, (_, c) => client(c));
      while (answered.size < 200) await new Promise((r) => setTimeout(r, 20));
      await killHard(first);
      stop = true;
      await Promise.all(clients);
      expect(answered.size).toBeGreaterThanOrEqual(200);

      const second = await spawnServer(env);
      running.push(second);
      const delivered = new Set<string>();
      for (let round = 0; round < 1000; round++) {
        const got = await call(second.url, 'POST', '/v1/queues/crash/receive', { max: 1000 });
        if (got.body.messages.length === 0) break;
        for (const m of got.body.messages) delivered.add(m.id);
        await call(second.url, 'POST', '/v1/queues/crash/ack', { receipts: got.body.messages.map((m: { receipt: string }) => m.receipt) });
      }
      const lost = [...answered].filter((id) => !delivered.has(id));
      expect(lost).toEqual([]);
      await killHard(second);
    } finally {
      await cleanup();
    }
  });
});

describe('the embedded database is single-process', () => {
  it('a second process on the same PGlite directory fails fast with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hatoba-lock-'));
    const first = await spawnServer({ HATOBA_DATA_DIR: dir });
    try {
      const second = spawnServer({ HATOBA_DATA_DIR: dir });
      await expect(second).rejects.toThrow(/in use by another Hatoba process \(pid \d+\)/);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0); // and a graceful stop exits 0
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
