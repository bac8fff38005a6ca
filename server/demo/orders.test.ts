import { describe, expect, it } from 'vitest';
import { nextOrderId, readOrder } from './orders';

const enc = (s: string) => new TextEncoder().encode(s);

describe('demo order ids', () => {
  it('never repeat after a restart, even a quick one, at the producer rate', () => {
    // One run: a publish every 400 ms (plus a little work) for an hour.
    const start = Date.UTC(2026, 10, 30, 1, 0, 0);
    let id = 0;
    let now = start;
    const seen = new Set<number>();
    for (let i = 0; i < 9000; i++) {
      id = nextOrderId(id, now);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      now += 400 + (i % 3);
    }
    // The restart begins where the last run stopped, its counter back at 0: the first id is new.
    const last = id;
    const after = nextOrderId(0, now + 1);
    expect(after).toBeGreaterThan(last);
  });

  it('count up by one a publish, so every seventh order is still every seventh', () => {
    const start = Date.UTC(2026, 10, 30, 1, 0, 0);
    const a = nextOrderId(0, start);
    const b = nextOrderId(a, start + 401);
    const c = nextOrderId(b, start + 802);
    expect([b - a, c - b]).toEqual([1, 1]);
    // Readable: ten digits, not a timestamp in milliseconds.
    expect(String(a)).toMatch(/^\d{1,10}$/);
  });
});

describe('readOrder', () => {
  it('reads an order from JSON', () => {
    expect(readOrder(enc('{"orderId": 7, "total": 1.5}'))).toEqual({ order: { orderId: 7, total: 1.5 } });
  });

  it('says why a body is not an order instead of throwing', () => {
    expect(readOrder(enc('{"orderId": 7'))).toEqual({ error: expect.stringMatching(/^body is not JSON: /) });
    expect(readOrder(enc('null'))).toEqual({ error: 'body is not a JSON object: null' });
    expect(readOrder(enc('[1]'))).toEqual({ error: 'body is not a JSON object: an array' });
    expect(readOrder(enc(''))).toEqual({ error: expect.stringMatching(/^body is not JSON/) });
  });
});
