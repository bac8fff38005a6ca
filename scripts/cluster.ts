/**
 * `npm run cluster`: three Hatoba nodes on one PostgreSQL (DATABASE_URL), on 127.0.0.1:3001-3003
 * with node ids node-1..node-3, and nginx in front on 127.0.0.1:3000 when nginx is installed
 * (deploy/nginx.conf). Ctrl-C stops everything: the nodes gracefully (each marks itself
 * stopped), then nginx.
 *
 * HATOBA_CLUSTER_BASE_PORT moves the four ports together (default 3000: nginx on it, the nodes
 * on the next three). Every other HATOBA_* variable is passed on to the nodes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readFlag } from '../server/config';
import { ensureBuild } from '../server/ensure-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODES = 3;

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
  console.error(
    'npm run cluster needs PostgreSQL: the nodes share one database, which the embedded PGlite cannot be.\n' +
      'Set DATABASE_URL, for example:\n\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hatoba npm run cluster\n',
  );
  process.exit(2);
}
const base = Number(process.env.HATOBA_CLUSTER_BASE_PORT ?? 3000);
if (!Number.isInteger(base) || base < 1 || base > 65535 - NODES) {
  console.error(`HATOBA_CLUSTER_BASE_PORT must be a port number, not '${process.env.HATOBA_CLUSTER_BASE_PORT}'`);
  process.exit(2);
}

const children = new Map<string, ChildProcess>();
let stopping = false;

/** Prefixes each line a child writes with its name. */
function pipe(name: string, child: ChildProcess, onLine?: (line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        process.stdout.write(`[${name}] ${line}\n`);
        onLine?.(line);
      }
    });
  }
}

function startNode(i: number): Promise<void> {
  const name = `node-${i}`;
  const port = base + i;
  // node --import tsx, not the tsx CLI: one process per node, so signals reach the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
    cwd: root,
    // nginx (deploy/nginx.conf) connects from 127.0.0.1: the nodes believe its X-Forwarded-For.
    env: { HATOBA_TRUST_PROXY: '127.0.0.1/32', ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', HATOBA_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(name, child);
  pipe(name, child);
  let up = false;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      children.delete(name);
      if (!stopping && up) console.log(`[cluster] ${name} exited (${code ?? signal}); the others go on`);
      reject(new Error(`${name} exited (${code ?? signal}) before it served`));
    }),
  );
  exited.catch(() => {});
  // Up when it answers /healthz (whatever its log level).
  const serving = (async () => {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return Promise.race([serving, exited]).then(() => {
    up = true;
  });
}

function startNginx(): boolean {
  if (spawnSync('nginx', ['-v'], { stdio: 'ignore' }).error) {
    console.log(`[cluster] nginx is not installed: use the nodes directly (ports ${base + 1}-${base + NODES}).`);
    return false;
  }
  const prefix = mkdtempSync(join(tmpdir(), 'hatoba-nginx-'));
  let conf = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8');
  if (base !== 3000) {
    conf = conf.replace(/127\.0\.0\.1:300([0-3])\b/g, (_, n: string) => `127.0.0.1:${base + Number(n)}`);
  }
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, conf);
  const child = spawn('nginx', ['-p', prefix, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set('nginx', child);
  pipe('nginx', child);
  child.once('exit', (code, signal) => {
    children.delete('nginx');
    rmSync(prefix, { recursive: true, force: true });
    if (!stopping) console.log(`[cluster] nginx exited (${code ?? signal})`);
  });
  return true;
}

async function stopAll(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n[cluster] ${signal}: stopping the nodes, then nginx`);
  const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  const nodes = [...children].filter(([name]) => name !== 'nginx').map(([, c]) => c);
  for (const c of nodes) c.kill('SIGTERM');
  const timer = setTimeout(() => nodes.forEach((c) => c.kill('SIGKILL')), 15_000);
  await Promise.all(nodes.map(exited));
  clearTimeout(timer);
  const nginx = children.get('nginx');
  if (nginx) {
    nginx.kill('SIGQUIT'); // graceful: finishes open requests
    await exited(nginx);
  }
  process.exit(0);
}

process.on('SIGINT', () => void stopAll('SIGINT'));
process.on('SIGTERM', () => void stopAll('SIGTERM'));

let dashboard: boolean;
try {
  dashboard = readFlag('HATOBA_DASHBOARD', process.env.HATOBA_DASHBOARD, true); // read as the nodes read it
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`[cluster] ${e.message}`);
  process.exit(2);
}
if (dashboard) await ensureBuild(root); // once, before three nodes would each try
if (process.env.HATOBA_NODE_ID) console.log('[cluster] HATOBA_NODE_ID is ignored: the nodes are node-1..node-3');
try {
  // One after another: the first migrates the database, the others find it done.
  for (let i = 1; i <= NODES; i++) await startNode(i);
} catch (e) {
  console.error(`[cluster] ${(e as Error).message}`);
  await stopAll('start failed');
}
const front = startNginx();
console.log(
  `\n[cluster] ${NODES} nodes on http://127.0.0.1:${base + 1}-${base + NODES}` +
    (front ? `, nginx in front on http://127.0.0.1:${base}` : '') +
    `\n[cluster] curl http://127.0.0.1:${front ? base : base + 1}/v1/nodes   ·   Ctrl-C stops all\n`,
);
