import type { ReplayResult } from './replay-checks';

/**
 * The ids a replay by `ids` was asked to move and could not take, named so that the answer
 * accounts for each (a replay cannot be undone): those not in the DLQ at all (`notFound`:
 * never there, or replayed, discarded or acked meanwhile) and those a consumer holds now
 * (`leased`). Each in the order asked, once.
 */
export interface IdSkips {
  notFound: string[];
  leased: string[];
}

/** Judges the `asked` ids by the DLQ entries that hold them (`present`, by the id as asked, and whether a consumer holds each now). */
export function idSkipsOf(asked: string[] | undefined, present: Iterable<{ id: string; leased: boolean }>): IdSkips {
  const skips: IdSkips = { notFound: [], leased: [] };
  if (!asked) return skips;
  const leasedById = new Map([...present].map((e) => [e.id, e.leased]));
  for (const id of new Set(asked)) {
    const leased = leasedById.get(id);
    if (leased === undefined) skips.notFound.push(id);
    else if (leased) skips.leased.push(id);
  }
  return skips;
}

/** A replay's answer with the ids it could not take. */
export const withIdSkips = (result: ReplayResult, ids: IdSkips): ReplayResult => ({ ...result, skipped: { ...result.skipped, ...ids } });
