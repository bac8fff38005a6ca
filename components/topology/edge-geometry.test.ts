import { describe, expect, it } from 'vitest';
import { edgePath, labelSize } from './edge-geometry';

describe('labelSize', () => {
  it('has no box for an edge without keys', () => {
    expect(labelSize([])).toBeNull();
  });

  it('grows with the longest key and the number of lines', () => {
    const one = labelSize(['order.*'])!;
    const longer = labelSize(['order.completed'])!;
    const two = labelSize(['order.*', 'stock.#'])!;
    expect(longer.width).toBeGreaterThan(one.width);
    expect(two.height).toBeGreaterThan(one.height);
    expect(two.width).toBe(one.width);
  });

  it('caps width and height however many and however long the keys', () => {
    const many = labelSize(Array.from({ length: 20 }, (_, i) => `key.${'x'.repeat(80)}.${i}`))!;
    expect(many.lines).toHaveLength(3);
    expect(many.lines[2]).toBe('+18 more');
    expect(many.width).toBeLessThan(240);
  });
});

describe('edgePath', () => {
  it('starts at the first point, ends at the last and passes through the ones between', () => {
    const d = edgePath([{ x: 0, y: 0 }, { x: 100, y: 40 }, { x: 200, y: 40 }]);
    expect(d.startsWith('M 0 0 ')).toBe(true);
    expect(d).toContain(', 100 40 C');
    expect(d.endsWith(', 200 40')).toBe(true);
  });

  it('leaves and enters each point horizontally', () => {
    expect(edgePath([{ x: 0, y: 0 }, { x: 100, y: 50 }])).toBe('M 0 0 C 50 0, 50 50, 100 50');
  });
});
