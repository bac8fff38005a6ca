import type { Sql } from '../../../db/driver';

/** NOTIFY channel that tells every node "these queues have new ready entries". */
export const READY_CHANNEL = 'hatoba_ready';
const MAX_PAYLOAD = 7000;

/** One NOTIFY per transaction, naming every queue it touched (coalesced); '*' when too many to list. */
export async function notifyReady(q: Sql, node: string, queues: Iterable<string>): Promise<void> {
  const list = [...new Set(queues)].join(',');
  if (!list) return;
  await q.query('SELECT pg_notify($1, $2)', [READY_CHANNEL, readyPayload(node, list)]);
}

/** The payload naming `list` (comma-separated queue names), or every queue when it is too long. */
export const readyPayload = (node: string, list: string): string => `${node}|${list.length > MAX_PAYLOAD ? '*' : list}`;

export function parseReadyPayload(payload: string): { node: string; queues: string[] | '*' } {
  const bar = payload.lastIndexOf('|');
  const list = payload.slice(bar + 1);
  return { node: payload.slice(0, bar), queues: list === '*' ? '*' : list.split(',') };
}
