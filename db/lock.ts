import { closeSync, linkSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by another Hatoba process (pid ${pid}). ` +
        'PGlite is single-process: stop that process, choose another HATOBA_DATA_DIR, ' +
        'or set DATABASE_URL to share one PostgreSQL between several nodes.',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * Who holds a lock. The file holds `pid start boot`: the pid, the process's start time (Linux:
 * field 22 of /proc/<pid>/stat, clock ticks since boot) and the boot id. A pid alone says little
 * (pids repeat: in a container the server is pid 1 or 7 after every restart, and an unrelated
 * process may have the dead holder's pid); pid and start time on one boot name one process.
 * A lock written by an earlier version (the pid alone) or where there is no /proc is still read.
 */
interface Owner {
  pid: number;
  start?: string;
  boot?: string;
}

function parseOwner(text: string): Owner {
  const [pid, start, boot] = text.trim().split(/\s+/);
  return { pid: Number(pid), start, boot };
}

/** The process's state and start time from /proc/<pid>/stat; undefined when there is no such process or no /proc. */
function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: the fields after it start with field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[22 - 3]! };
  } catch {
    return undefined;
  }
}

const hasProc = () => procStat(process.pid) !== undefined;

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process not yet reaped (a zombie: some container inits are slow to reap, or never
  // do) still answers kill(pid, 0), but holds nothing.
  const stat = procStat(pid);
  return stat === undefined || stat.state !== 'Z'; // no /proc (macOS): trust kill(pid, 0)
}

/** Whether a live pid runs node (as Hatoba does); true when it cannot be told. */
function runsNode(pid: number): boolean {
  const isNode = (name: string) => /^node/i.test(name) || name === basename(process.execPath);
  try {
    const exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    return isNode(basename(exe)) || exe === realpathSync(process.execPath);
  } catch {
    // another user's process: its exe is not readable, its command name is
  }
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return isNode(comm) || comm === readFileSync('/proc/self/comm', 'utf8').trim();
  } catch {
    return true;
  }
}

/** Whether the lock's owner still runs (and so holds the data directory). */
function holds(owner: Owner): boolean {
  const { pid } = owner;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (owner.start !== undefined && hasProc()) {
    const boot = bootId();
    if (owner.boot !== undefined && boot !== undefined && owner.boot !== boot) return false; // written before a reboot
    const now = procStat(pid);
    return now !== undefined && now.state !== 'Z' && now.start === owner.start;
  }
  // The pid alone (an earlier version's lock, or no /proc here or where it was written). Our
  // own pid is a lock left by an earlier run with the same pid (pid 1 in a container).
  return pid !== process.pid && alive(pid) && runsNode(pid);
}

/** This process as a lock names it: `pid start boot`, or the pid alone without /proc. */
function ownerText(): string {
  const stat = procStat(process.pid);
  const boot = bootId();
  return stat && boot ? `${process.pid} ${stat.start} ${boot}\n` : `${process.pid}\n`;
}

/**
 * Creates the lock file with its content in one step (a hard link of a written temporary file),
 * so that no other process can read it empty and take it for stale. Where the file system has no
 * hard links, creates it exclusively and writes it. Throws EEXIST when the lock exists.
 */
function create(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { flag: 'w' });
    linkSync(temp, file);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes an exclusive lock on a data directory. A lock left by a dead process (kill -9), or one
 * naming a pid that now belongs to another process, is taken over; one held by a live Hatoba
 * process (this one included) fails fast. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'hatoba.lock');
  const text = ownerText();
  for (let tries = 0; tries < 3; tries++) {
    try {
      create(file, text);
      return () => {
        // Only our own lock: never one another process took over after us.
        let current: string | undefined;
        try {
          current = readFileSync(file, 'utf8');
        } catch {
          return;
        }
        if (current === text) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let found: string;
      try {
        found = readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw e;
      }
      const owner = parseOwner(found);
      if (holds(owner)) throw new DataDirLockedError(dir, owner.pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dir}`);
}
