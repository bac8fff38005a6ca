import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startResponder } from '../../test/responder';
import { killHard, spawnServer } from '../../test/process';
import { call } from '../../test/server';
import { clusterOnPostgres } from '../../test/cluster-nodes';
import type { SharedPostgres } from '../../test/shared-postgres';
import { NodeIdInUseError } from '../cluster';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe.skipIf(!process.env.TEST_DATABASE_URL)('a node id already in use by a live node on one PostgreSQL', () => {
  let pg: SharedPostgres;
  const nodes = clusterOnPostgres();
  const node = nodes.node;
  afterEach(() => nodes.close());

  it('a second server with that HATOBA_NODE_ID does not start; the first stays the one listed and keeps answering requests', async () => {
    pg = await nodes.open();
    const first = await node('node-1');
    await expect(node('node-1')).rejects.toBeInstanceOf(NodeIdInUseError);

    const { body } = await call(first.url, 'GET', '/v1/nodes');
    expect(body.nodes).toEqual([expect.objectContaining({ id: 'node-1', url: first.url, role: 'leader', status: 'alive' })]);
    expect((await call(first.url, 'PUT', '/v1/exchanges/pricing', { type: 'direct' })).status).toBe(201);
    expect((await call(first.url, 'PUT', '/v1/queues/price-quotes', {})).status).toBe(201);
    expect((await call(first.url, 'POST', '/v1/bindings', { exchange: 'pricing', queue: 'price-quotes', key: 'price.quote' })).status).toBe(201);
    const responder = startResponder(first.hatoba.broker, 'price-quotes', (b) => `quote for ${b}`);
    try {
      for (const sku of ['A-1', 'B-2', 'C-3']) {
        const r = await call(first.url, 'POST', '/v1/exchanges/pricing/request?key=price.quote&timeoutMs=5000', sku, { 'content-type': 'text/plain' });
        expect([r.status, r.body]).toEqual([200, `quote for ${sku}`]);
      }
    } finally {
      await responder.stop();
    }
  });

  it('the refused process says why on stderr and exits non-zero (4)', async () => {
    pg = await nodes.open();
    const env = { DATABASE_URL: pg.url, HATOBA_NODE_ID: 'node-1', HATOBA_LOG_LEVEL: 'info' };
    const first = await spawnServer(env);
    nodes.onClose(async () => {
      first.child.kill('SIGTERM');
      if ((await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))])) === 'timeout') await killHard(first);
    });
    const second = spawn(process.execPath, [tsx, 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, HATOBA_DASHBOARD: '0', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    second.stdout!.on('data', (d) => (stdout += d));
    second.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => second.once('exit', (c) => resolve(c)));
    expect(code, stdout + stderr).toBe(4);
    expect(stderr).toMatch(
      new RegExp(`^This node cannot start: node id 'node-1' is in use by a live node \\(${first.url.replace(/\./g, '\\.')}, last heartbeat \\d+\\.\\d s ago\\)\\. Two processes must not share HATOBA_NODE_ID`),
    );
    expect(stdout).not.toMatch(/listening on/);
    expect((await call(first.url, 'GET', '/v1/nodes')).body.nodes).toEqual([expect.objectContaining({ id: 'node-1', url: first.url, status: 'alive' })]);
  });
});
