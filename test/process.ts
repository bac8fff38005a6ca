import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

/** Runs `server/main.ts` as a separate process (dashboard off) and waits for it to listen. */
export async function spawnServer(env: Record<string, string>, { port = 0, timeoutMs = 30_000 } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [tsx, 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, HATOBA_DASHBOARD: '0', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a kill -9 takes tsx's child too
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the failed test (it would hold its port and PGlite lock).
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/**
 * kill -9 of the whole process group. Resolves once the group is gone (the server is tsx's
 * child and may outlive it by a moment, still holding its port and PGlite lock), or after 3 s.
 */
export async function killHard(p: ServerProcess): Promise<number | string> {
  const group = -p.child.pid!;
  try {
    process.kill(group, 'SIGKILL');
  } catch {
    // already gone
  }
  const code = await p.exited;
  for (let i = 0; i < 120; i++) {
    try {
      process.kill(group, 0);
    } catch {
      break; // no process left in the group
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return code;
}
