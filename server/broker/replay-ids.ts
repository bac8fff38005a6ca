import type { ReplayResult } from './replay-checks';

/**
 * The ids a replay by `ids` was asked to move and could not take, named so that the answer
 * accounts for each (a replay cannot be undone): those not in the DLQ at all (`notFound`:
 * never there, or replayed, discarded or acked meanwhile), those a consumer holds now
 * (`leased`), and those another replay or discard was moving at that moment (`busy`: its
 * answer has them). Each in the order asked, once.
 */
export interface IdSkips {
  notFound: string[];
  leased: string[];
  busy: string[];
}

/** How an asked id's DLQ entry was found: held by a consumer, or locked by another replay or discard. */
export interface PresentEntry {
  id: string;
  leased: boolean;
  busy?: boolean;
}

/** Judges the `asked` ids by the DLQ entries that hold them (`present`, by the id as asked). */
export function idSkipsOf(asked: string[] | undefined, present: Iterable<PresentEntry>): IdSkips {
  const skips: IdSkips = { notFound: [], leased: [], busy: [] };
  if (!asked) return skips;
  const byId = new Map([...present].map((e) => [e.id, e]));
  for (const id of new Set(asked)) {
    const entry = byId.get(id);
    if (entry === undefined) skips.notFound.push(id);
    else if (entry.leased) skips.leased.push(id);
    else if (entry.busy) skips.busy.push(id);
  }
  return skips;
}

/** A replay's answer with the ids it could not take. */
export const withIdSkips = (result: ReplayResult, ids: IdSkips): ReplayResult => ({ ...result, skipped: { ...result.skipped, ...ids } });
