import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../test/server';
import { sharedPostgres, type SharedPostgres } from '../test/shared-postgres';
import { consumeLoop, describeVerdict, drainQueue, figure, Fleet, Ledger, publishLoop, sleep, type FleetNode } from './harness';

const hasNginx = !spawnSync('nginx', ['-v'], { stdio: 'ignore' }).error;
if (!hasNginx) console.log('[fault 10] skipped: nginx is not installed');

function freePorts(n: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
          });
        }),
    ),
  );
}

/** (10) Clients talk only to nginx (deploy/nginx.conf) while the nodes behind it are killed and restarted. */
describe.skipIf(!process.env.TEST_DATABASE_URL || !hasNginx)('fault 10: behind nginx', () => {
  let pg: SharedPostgres;
  let fleet: Fleet;
  let nginx: ChildProcess | undefined;
  let prefix: string | undefined;
  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGTERM');
      await gone;
    }
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    await fleet?.destroy();
    await pg?.drop();
  });

  it('kill -9 of nodes behind deploy/nginx.conf: clients of the one address lose no answered publish', async () => {
    pg = await sharedPostgres();
    const [front, ...ports] = await freePorts(4);
    fleet = new Fleet({ DATABASE_URL: pg.url, HATOBA_DB_POOL: '3' });
    const ids = ['n1', 'n2', 'n3'];
    for (let i = 0; i < 3; i++) await fleet.start(ids[i]!, {}, ports[i]);

    prefix = mkdtempSync(join(tmpdir(), 'hatoba-fault-nginx-'));
    const conf = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8').replace(
      /127\.0\.0\.1:300([0-3])\b/g,
      (_, n: string) => `127.0.0.1:${n === '0' ? front : ports[Number(n) - 1]}`,
    );
    writeFileSync(join(prefix, 'nginx.conf'), conf);
    nginx = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    const entry: FleetNode = { id: 'nginx', url: `http://127.0.0.1:${front}`, proc: undefined as never };
    await expect.poll(async () => (await call(entry.url, 'GET', '/healthz').catch(() => null))?.status, { timeout: 10_000 }).toBe(200);
    expect((await call(entry.url, 'PUT', '/v1/queues/work', { visibilityTimeoutMs: 3000 })).status).toBe(201);

    const ledger = new Ledger('nginx');
    const statuses = new Map<string, number>();
    let running = true;
    const load = [
      ...Array.from({ length: 6 }, (_, c) =>
        publishLoop({ ledger, pick: () => entry, path: '/v1/queues/work/messages', running: () => running, client: c, statuses }),
      ),
      ...Array.from({ length: 2 }, () => consumeLoop({ ledger, pick: () => entry, queue: 'work', running: () => running, holdMs: 10 })),
    ];
    for (let cycle = 0; cycle < 3; cycle++) {
      await sleep(1500);
      const victim = ids[cycle]!;
      await fleet.kill(victim);
      await sleep(1000);
      await fleet.start(victim, {}, ports[cycle]);
    }
    await sleep(1000);
    running = false;
    await Promise.all(load);
    await drainQueue({ ledger, node: () => entry, queue: 'work' });
    const v = ledger.verdict();
    figure('10 behind nginx', `3 node kills behind one address: ${describeVerdict(v)}; answers: ${[...statuses].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    expect(v.lost).toEqual([]);
    expect(v.duplicated).toEqual([]);
    expect(v.unexpected).toEqual([]);
  });
});
