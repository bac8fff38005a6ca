import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { repoRoot } from './server';

export function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(`${repoRoot}node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** What the numbers were measured on: machine, database settings, versions. */
export async function machineFacts(pgBase: string): Promise<Record<string, string>> {
  const cpus = os.cpus();
  const facts: Record<string, string> = {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    hatobaCommit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (uncommitted changes)' : ''}`,
  };
  const sql = postgres(`${pgBase}/test`, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [v] = await sql`SELECT current_setting('server_version') AS v, current_setting('fsync') AS f,
      current_setting('synchronous_commit') AS s, current_setting('wal_sync_method') AS w,
      current_setting('shared_buffers') AS b, current_setting('autovacuum') AS a`;
    facts.postgresql = `${v!.v} (fsync=${v!.f}, synchronous_commit=${v!.s}, wal_sync_method=${v!.w}, shared_buffers=${v!.b}, autovacuum=${v!.a})`;
  } catch (e) {
    facts.postgresql = `unreachable: ${(e as Error).message}`;
  } finally {
    await sql.end({ timeout: 2 });
  }
  for (const p of ['undici', 'postgres', '@electric-sql/pglite', 'amqplib', 'nats', 'pg-boss', 'tsx']) facts[`npm ${p}`] = packageVersion(p);
  return facts;
}
