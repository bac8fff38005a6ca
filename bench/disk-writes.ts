/**
 * What a subject writes per message while a case runs, to show where the durable work differs:
 * - RabbitMQ: the bytes its Erlang VM sent to storage (`write_bytes` of /proc/<beam.smp>/io:
 *   queue index, message store, everything it writes);
 * - Hatoba: the WAL PostgreSQL generated (`pg_current_wal_lsn()`), the part of every commit that
 *   is on disk before it is answered. Runs are sequential, so a run's WAL is its subject's.
 * Messages are counted as the case's publishes are answered, warm-up included, since the bytes
 * are read over the same span. A meter that cannot read (another OS, the process not visible)
 * leaves the sample as it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { round } from './stats';
import type { Sample } from './types';

/** Bytes written so far, by some account; undefined when it cannot be read. */
export type WriteMeter = () => Promise<number | undefined>;

/** Counts messages as their publishes are answered. */
export type Counted = (answered: Promise<number>) => Promise<number>;

/** The sum of `write_bytes` over the processes named `comm` (Linux /proc). */
export function processWriteMeter(comm: string): WriteMeter {
  return async () => {
    let total: number | undefined;
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    } catch {
      return undefined;
    }
    for (const pid of pids) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
        const line = readFileSync(`/proc/${pid}/io`, 'utf8').match(/^write_bytes:\s*(\d+)/m);
        if (line) total = (total ?? 0) + Number(line[1]);
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return total;
  };
}

/** The WAL position of the PostgreSQL at `pgBase`, in bytes; `close` ends its connection. */
export function walMeter(pgBase: string): { read: WriteMeter; close: () => Promise<void> } {
  const sql = postgres(`${pgBase}/test`, { max: 1, connect_timeout: 3, onnotice: () => {} });
  return {
    read: async () => {
      try {
        const [row] = await sql`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS at`;
        return Number(row!.at);
      } catch {
        return undefined;
      }
    },
    close: () => sql.end(),
  };
}

/** Runs a case, adding `diskBytesPerMessage` (and the messages it is over) to its sample when the meter reads. */
export async function withDiskWrites(meter: WriteMeter | undefined, run: (counted: Counted) => Promise<Sample>): Promise<Sample> {
  let messages = 0;
  const counted: Counted = (answered) =>
    answered.then((n) => {
      messages += n;
      return n;
    });
  const before = meter && (await meter());
  const sample = await run(counted);
  const after = meter && (await meter());
  if (before === undefined || after === undefined || messages === 0) return sample;
  return { ...sample, extra: { ...sample.extra, diskBytesPerMessage: Math.round((after - before) / messages), diskMessages: messages } };
}
