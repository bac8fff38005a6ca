import { describe, expect, it } from 'vitest';
import { formatReceipt, parseReceipt } from './receipts';

describe('receipts', () => {
  const lease = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('read back what formatReceipt writes', () => {
    for (const entryId of [1, 42, Number.MAX_SAFE_INTEGER]) expect(parseReceipt(formatReceipt({ entryId, lease }))).toEqual({ entryId, lease });
  });

  it('an entry id that is not plain decimal digits within the safe range is invalid_receipt, not read as a number', () => {
    const bad = ['1e3', '1E3', '1e0', '+7', '-7', ' 7', '7 ', '0x1f', '0b1', '07', '0', '7.0', '1_000', 'Infinity', '9007199254740992', '9223372036854775807', '', '٣'];
    for (const id of bad) {
      expect(() => parseReceipt(`${id}.${lease}`), id).toThrow(expect.objectContaining({ code: 'invalid_receipt', details: { receipt: `${id}.${lease}` } }));
    }
    for (const receipt of ['forged', lease, `7.${lease.toUpperCase()}`, `7.${lease}x`]) expect(() => parseReceipt(receipt), receipt).toThrow(expect.objectContaining({ code: 'invalid_receipt' }));
  });
});
