import { BrokerError } from './errors';

/** A receipt names one lease of one entry: `<entry id>.<lease uuid>`; opaque to clients. */
export interface Receipt {
  entryId: number;
  lease: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const formatReceipt = (r: Receipt): string => `${r.entryId}.${r.lease}`;

/** The receipts of entries under their current leases: what ack, nack and extend say they settled. */
export const receiptsOf = (entries: { id: number | string; lease: string | null }[]): Set<string> =>
  new Set(entries.map((e) => formatReceipt({ entryId: Number(e.id), lease: e.lease! })));

// An entry id as formatReceipt writes it: decimal digits, no sign, exponent, space or leading zero
// (Number() would also read '1e3', ' 7', '0x1f' and '+7'), at most 16 of them: checked safe below.
const ENTRY_ID = /^[1-9][0-9]{0,15}$/;

export function parseReceipt(receipt: string): Receipt {
  const dot = receipt.indexOf('.');
  const digits = dot < 1 ? '' : receipt.slice(0, dot);
  const entryId = Number(digits);
  const lease = receipt.slice(dot + 1);
  if (!ENTRY_ID.test(digits) || !Number.isSafeInteger(entryId) || !UUID.test(lease)) {
    throw new BrokerError('invalid_receipt', `'${receipt.slice(0, 100)}' is not a receipt returned by receive`, {
      receipt: receipt.slice(0, 100),
    });
  }
  return { entryId, lease };
}

/**
 * What a settlement answers: how many of the receipts given (`list`, parsed as `parsed`) settled
 * their entry, a receipt given twice counting once, and which did not because their lease had
 * ended (`stale`). Only an entry's current lease settles it, so of two receipts for one entry the
 * older is stale. `settled` is what storage answered (`receiptsOf`).
 */
export function settlement(list: string[], parsed: Receipt[], settled: Set<string>): { n: number; stale: string[] } {
  const seen = new Set<string>();
  const stale: string[] = [];
  let n = 0;
  parsed.forEach((r, i) => {
    const key = formatReceipt(r);
    if (seen.has(key)) return;
    seen.add(key);
    if (settled.has(key)) n++;
    else stale.push(list[i]!);
  });
  return { n, stale };
}
