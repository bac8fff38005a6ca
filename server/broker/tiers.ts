import { synchronousCommitStatement, type TxOptions } from '../../db/driver';
import type { TopologySnapshot } from './route';
import type { Durability } from './types';

/** Durable and replicated queues keep their entries in PostgreSQL; memory queues in this process. */
export const inDatabase = (d: Durability | undefined): boolean => d === 'durable' || d === 'replicated';

/** The tier of a queue in the snapshot, or undefined for a queue that does not exist (any more). */
export const tierOf = (topology: TopologySnapshot, queue: string): Durability | undefined => topology.queues.get(queue)?.settings.durability;

export const anyReplicated = (topology: TopologySnapshot, queues: Iterable<string>): boolean => {
  for (const q of queues) if (tierOf(topology, q) === 'replicated') return true;
  return false;
};

/**
 * The commit of a transaction that writes entries of these queues: it waits for a synchronous
 * standby to apply it when one of them is replicated, and keeps the server's setting otherwise.
 */
export const commitFor = (topology: TopologySnapshot, queues: Iterable<string>): TxOptions =>
  anyReplicated(topology, queues) ? { synchronousCommit: 'remote_apply' } : {};

/**
 * For a transaction that only learns inside itself which queues it touched (the sweeper,
 * replay): synchronous_commit is read at COMMIT, so the SET LOCAL a transaction would start
 * with applies when issued any time before it. (A single statement that is its own transaction
 * sets it with set_config instead, in the statement: message-insert.ts, queue-entry-claim.ts.)
 */
export const REPLICATED_COMMIT = synchronousCommitStatement({ synchronousCommit: 'remote_apply' })!;
