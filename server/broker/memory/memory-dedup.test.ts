import { describe, expect, it } from 'vitest';
import { MemoryDedup } from './memory-dedup';

describe('MemoryDedup', () => {
  const first = (id: string) => ({ id, correlationId: `c-${id}` });

  it('answers a repeat within the window with the first publish, per exchange', () => {
    const d = new MemoryDedup(1000, 10, () => 0);
    expect(d.claim('x', 'k', first('a'))).toBeUndefined();
    expect(d.claim('x', 'k', first('b'))).toEqual(first('a'));
    expect(d.claim('y', 'k', first('c'))).toBeUndefined(); // another exchange, another key space
  });

  it('forgets a key once the window has passed', () => {
    let now = 0;
    const d = new MemoryDedup(1000, 10, () => now);
    d.claim('x', 'k', first('a'));
    now = 999;
    expect(d.claim('x', 'k', first('b'))).toEqual(first('a'));
    now = 1000;
    expect(d.claim('x', 'k', first('c'))).toBeUndefined();
    expect(d.size).toBe(1);
  });

  it('keeps at most maxKeys, forgetting the oldest first', () => {
    const d = new MemoryDedup(60_000, 2, () => 0);
    d.claim('x', 'k1', first('a'));
    d.claim('x', 'k2', first('b'));
    d.claim('x', 'k3', first('c'));
    expect(d.size).toBe(2);
    expect(d.claim('x', 'k1', first('d'))).toBeUndefined(); // forgotten: published again
    expect(d.claim('x', 'k3', first('e'))).toEqual(first('c'));
  });

  it('gives a key back only to the publish that claimed it', () => {
    const d = new MemoryDedup(60_000, 10, () => 0);
    d.claim('x', 'k', first('a'));
    d.release('x', 'k', 'someone-else');
    expect(d.claim('x', 'k', first('b'))).toEqual(first('a'));
    d.release('x', 'k', 'a');
    expect(d.claim('x', 'k', first('c'))).toBeUndefined();
  });
});
