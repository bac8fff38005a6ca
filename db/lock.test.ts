import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './lock';

const linux = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const lockModule = fileURLToPath(new URL('./lock.ts', import.meta.url));

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hatoba-lock-unit-'));
  dirs.push(d);
  return d;
}

/** A live process that is not Hatoba (nor node): `sleep`. */
async function sleeper(): Promise<number> {
  const c = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  children.push(c);
  await new Promise((resolve, reject) => c.once('spawn', resolve).once('error', reject));
  return c.pid!;
}

/** Waits for a process group to be gone. */
async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pid ${pid} still alive`);
}

/** A child node process that takes the lock with lockDataDir and keeps it; resolves with its pid once it holds it. */
async function holder(dir: string): Promise<{ child: ChildProcess; pid: number }> {
  const script = join(tempDir(), 'hold.ts');
  writeFileSync(
    script,
    `import { lockDataDir } from ${JSON.stringify(lockModule)};\nlockDataDir(${JSON.stringify(dir)});\nconsole.log('locked ' + process.pid);\nsetInterval(() => {}, 1000);\n`,
  );
  const child = spawn(process.execPath, [tsx, script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`holder did not lock:\n${out}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /locked (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`holder exited (${code}):\n${out}`)));
  });
  return { child, pid };
}

describe.skipIf(!linux)('the data-dir lock on Linux', () => {
  it('takes over a stale lock (pid alone, as earlier versions wrote it) naming a live process that is not Hatoba', async () => {
    const dir = tempDir();
    const pid = await sleeper();
    writeFileSync(join(dir, 'hatoba.lock'), String(pid));
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'hatoba.lock'), 'utf8').split(/\s+/)[0]).toBe(String(process.pid));
    release();
  });

  it('takes over a lock whose pid now belongs to another process (its start time differs)', async () => {
    const dir = tempDir();
    const pid = await sleeper();
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(join(dir, 'hatoba.lock'), `${pid} 1 ${boot}\n`);
    lockDataDir(dir)();
    // This process's own pid, but an earlier start: a restarted container's server, whose pid repeats.
    writeFileSync(join(dir, 'hatoba.lock'), `${process.pid} 1 ${boot}\n`);
    lockDataDir(dir)();
  });

  it('takes over a lock written before a reboot, whatever its pid', () => {
    const dir = tempDir();
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]; // field 22, this process's real start time
    writeFileSync(join(dir, 'hatoba.lock'), `${process.pid} ${start} 00000000-0000-0000-0000-000000000000\n`);
    lockDataDir(dir)();
  });

  it('refuses a lock this process holds, and a second lockDataDir leaves it in place', () => {
    const dir = tempDir();
    const release = lockDataDir(dir);
    const text = readFileSync(join(dir, 'hatoba.lock'), 'utf8');
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(readFileSync(join(dir, 'hatoba.lock'), 'utf8')).toBe(text);
    release();
    lockDataDir(dir)(); // released: free again
  });

  it('refuses a lock a live node process holds, and takes it over once that process is killed', async () => {
    const dir = tempDir();
    const { pid } = await holder(dir);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by another Hatoba process \\(pid ${pid}\\)`));
    process.kill(pid, 'SIGKILL');
    await gone(pid);
    lockDataDir(dir)();
  });

  it('still refuses a lock in the earlier format (pid alone) naming a live node process', async () => {
    const dir = tempDir();
    const { pid } = await holder(dir);
    writeFileSync(join(dir, 'hatoba.lock'), String(pid));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    process.kill(pid, 'SIGKILL');
    await gone(pid);
    lockDataDir(dir)();
  });

  it('takes over an empty or unreadable lock, and a lock naming a dead pid', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hatoba.lock'), '');
    lockDataDir(dir)();
    const pid = await sleeper();
    process.kill(pid, 'SIGKILL');
    await gone(pid);
    writeFileSync(join(dir, 'hatoba.lock'), String(pid));
    lockDataDir(dir)();
  });
});
