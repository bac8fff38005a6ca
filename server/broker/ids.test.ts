import { describe, expect, it } from 'vitest';
import { uuidv4, uuidv7 } from './ids';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the version 7 shape and carries the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 28, 12, 0, 0);
    const id = uuidv7(at + 10_000); // later than any id made before in this process
    expect(id).toMatch(SHAPE);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at + 10_000);
  });

  it('makes ids that sort in the order they were made, also within one millisecond and past its counter', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7(Date.now()));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const burst = Array.from({ length: 5000 }, () => uuidv7(4_000_000_000_000)); // one millisecond, > 4096 ids
    expect([...burst].sort()).toEqual(burst);
    expect(burst.every((id) => SHAPE.test(id))).toBe(true);
  });

  it('never goes backwards when the clock does', () => {
    const a = uuidv7(5_000_000_000_000);
    const b = uuidv7(5_000_000_000_000 - 60_000);
    expect(b > a).toBe(true);
  });

  it('keeps its version digit when random UUIDs are made in between', () => {
    const ids = Array.from({ length: 300 }, (_, i) => (i % 2 ? uuidv4() : uuidv7()));
    expect(ids.filter((_, i) => i % 2 === 0).every((id) => SHAPE.test(id))).toBe(true);
  });
});

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv4', () => {
  it('has the version 4 shape, never repeats, and spreads its random digits evenly', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv4());
    expect(ids.every((id) => V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Each of the 30 fully random hex positions takes each of the 16 digits about 1,250 times.
    const counts = new Map<string, number>();
    for (const id of ids) {
      const hex = id.replace(/-/g, '');
      for (let i = 0; i < 32; i++) if (i !== 12 && i !== 16) counts.set(`${i}:${hex[i]}`, (counts.get(`${i}:${hex[i]}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(30 * 16);
    expect(Math.min(...counts.values())).toBeGreaterThan(1000);
    expect(Math.max(...counts.values())).toBeLessThan(1500);
  });
});
