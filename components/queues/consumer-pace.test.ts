import { describe, expect, it } from 'vitest';
import { slowConsumers } from './consumer-pace';

describe('slowConsumers', () => {
  it('marks the consumers taking under a quarter of what the fastest takes', () => {
    const list = [
      { name: 'fast', deliverRate: 40 },
      { name: 'steady', deliverRate: 12 },
      { name: 'stuck', deliverRate: 0 },
      { name: 'slow', deliverRate: 9.9 },
    ];
    expect([...slowConsumers(list)].sort()).toEqual(['slow', 'stuck']);
  });

  it('marks none with one consumer, or when none took anything', () => {
    expect(slowConsumers([{ name: 'only', deliverRate: 0.1 }]).size).toBe(0);
    expect(slowConsumers([{ name: 'a', deliverRate: 0 }, { name: 'b', deliverRate: 0 }]).size).toBe(0);
    expect(slowConsumers([]).size).toBe(0);
  });
});
