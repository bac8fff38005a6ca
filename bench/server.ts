import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { sleep } from './stats';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

export interface Proc {
  url: string;
  pid: number;
  /** Peak resident set (VmHWM) in MiB, while the process lives. */
  peakRssMiB: () => number | undefined;
  rssMiB: () => number | undefined;
  stop: () => Promise<void>;
  output: () => string;
}

/** A free TCP port on loopback (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections at 127.0.0.1:port within `timeoutMs`. */
export function tcpOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.connect(port, '127.0.0.1', () => done(true));
  });
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a TypeScript entry point as its own Node process (node --import tsx, so the pid is the
 * server itself), waits until it prints `listening` and `readyPath` answers 200.
 */
export async function startProcess(o: {
  entry: string;
  env: Record<string, string | undefined>;
  port: number;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<Proc> {
  const entry = `${repoRoot}${o.entry}`;
  if (!existsSync(entry)) throw new Error(`${o.entry} does not exist`);
  // Variables set to undefined are removed from the inherited environment.
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.env, PORT: String(o.port), HOST: '127.0.0.1' };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  // BENCH_NODE_ARGS adds Node flags to the measured processes, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let listening = false;
  const onData = (d: Buffer) => {
    if (out.length < 200_000) out += d.toString();
    if (!listening && /listening/i.test(out)) listening = true;
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let ready = false;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (listening) ready = await httpOk(`${url}${o.readyPath ?? '/'}`);
    if (ready) break;
    await sleep(200);
  }
  const proc: Proc = {
    url,
    pid: child.pid!,
    peakRssMiB: () => procStatus(child.pid!, 'VmHWM'),
    rssMiB: () => procStatus(child.pid!, 'VmRSS'),
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      children.delete(child);
    },
  };
  if (!ready) {
    await proc.stop();
    throw new Error(`${o.entry} did not become ready (exit ${child.exitCode ?? child.signalCode}):\n${out.slice(-3000)}`);
  }
  return proc;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts Hatoba itself: PostgreSQL when `databaseUrl` is given, else embedded PGlite in `dataDir`. */
export function startHatoba(o: { databaseUrl?: string; dataDir?: string; port: number; env?: Record<string, string> }) {
  // Nothing from the caller's shell may change what is measured: no stray database or auth.
  const env: Record<string, string | undefined> = {
    HATOBA_DASHBOARD: '0',
    DATABASE_URL: o.databaseUrl,
    HATOBA_DATA_DIR: o.dataDir,
    HATOBA_ADMIN_TOKEN: undefined,
    ...o.env,
  };
  return startProcess({ entry: 'server/main.ts', env, port: o.port, readyPath: '/readyz' });
}

/** Drops and creates database `name` on the server of `pgBase`; returns its URL. */
export async function freshDatabase(pgBase: string, name: string): Promise<string> {
  const admin = postgres(`${pgBase}/test`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return `${pgBase}/${name}`;
}

export async function dropDatabase(pgBase: string, name: string): Promise<void> {
  const admin = postgres(`${pgBase}/test`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
