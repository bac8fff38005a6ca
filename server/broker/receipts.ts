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

export function parseReceipt(receipt: string): Receipt {
  const dot = receipt.indexOf('.');
  const entryId = Number(receipt.slice(0, dot));
  const lease = receipt.slice(dot + 1);
  if (dot < 1 || !Number.isSafeInteger(entryId) || entryId < 1 || !UUID.test(lease)) {
    throw new BrokerError('invalid_receipt', `'${receipt.slice(0, 100)}' is not a receipt returned by receive`, {
      receipt: receipt.slice(0, 100),
    });
  }
  return { entryId, lease };
}
