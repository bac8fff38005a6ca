import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster of the test's own: initdb in a temp dir, on a free loopback port, so it
 * can be stopped hard and restarted. The machine's shared server (5432) is never touched.
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  /** pg_ctl stop -m immediate: no checkpoint, no goodbye to clients; recovery replays the WAL on start. */
  stopImmediate(): void;
  start(): void;
  destroy(): void;
  /** kill -9 of the postmaster and every process it started: no process of the server gets another word out. */
  killHard(): void;
  /** pg_ctl promote -w: a standby becomes a primary that accepts writes. */
  promote(): void;
  /** The running postmaster's pid (first line of postmaster.pid). */
  pid(): number;
}

export interface PrivatePostgresOptions {
  /** Server settings passed as -c name=value on the command line (a standby's base backup does not copy them). */
  settings?: Record<string, string>;
  /** Makes this cluster a streaming standby of `standbyOf` (pg_basebackup -R) instead of running initdb. */
  standbyOf?: PrivatePostgres;
}

function findBinDir(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const v of readdirSync(root).sort((x, y) => Number(y) - Number(x))) candidates.push(join(root, v, 'bin'));
  }
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Why a streaming standby cannot be made here (on top of privatePostgresUnavailable), or undefined. */
export function privateStandbyUnavailable(): string | undefined {
  const bin = findBinDir();
  return bin && existsSync(join(bin, 'pg_basebackup')) ? undefined : 'pg_basebackup not found beside initdb';
}

/** Why the private cluster cannot be made here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!findBinDir()) return 'initdb/pg_ctl not found (looked at pg_config --bindir and /usr/lib/postgresql/*/bin)';
  if (userInfo().uid === 0) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no postgres OS user to run initdb as';
    }
  }
  return undefined;
}

export async function privatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = findBinDir()!;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hatoba-faults-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  // PostgreSQL refuses to run as root: run its tools as the postgres user then.
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  if (options.standbyOf) {
    // initdb's pg_hba.conf lets loopback replication connections in (trust), so no setup is needed on the primary.
    run('pg_basebackup', ['-D', data, '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1', '-p', String(options.standbyOf.port), '-U', 'postgres']);
  } else {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-instructions', '-E', 'UTF8']);
  }
  const settings = Object.entries(options.settings ?? {})
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=on -c max_connections=100${settings}`;
  const start = () => void run('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stopImmediate: () => void run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    promote: () => void run('pg_ctl', ['-D', data, '-w', '-t', '60', 'promote']),
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    killHard() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // Children first, read before the postmaster dies (they would be re-parented), then all at once.
      const children = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === postmaster;
          } catch {
            return false;
          }
        })
        .map(Number);
      for (const pid of [postmaster, ...children]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
