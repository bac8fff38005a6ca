import { describe, expect, it } from 'vitest';
import { scrollHint } from './table-scroll-hint';

describe('scrollHint', () => {
  it('says nothing when the table fits its box', () => {
    expect(scrollHint({ scrollLeft: 0, clientWidth: 900, scrollWidth: 900 })).toBeNull();
    // A border or a rounded width is not a scroll.
    expect(scrollHint({ scrollLeft: 0, clientWidth: 340, scrollWidth: 341 })).toBeNull();
  });

  it('points right while there are columns off to the right (the dead letters at 390 px)', () => {
    expect(scrollHint({ scrollLeft: 0, clientWidth: 340, scrollWidth: 985 })).toBe('more columns: scroll sideways →');
    expect(scrollHint({ scrollLeft: 300, clientWidth: 340, scrollWidth: 985 })).toBe('more columns: scroll sideways →');
  });

  it('points back once scrolled to the right end', () => {
    expect(scrollHint({ scrollLeft: 645, clientWidth: 340, scrollWidth: 985 })).toBe('← scroll back for the first columns');
    expect(scrollHint({ scrollLeft: 644.5, clientWidth: 340, scrollWidth: 985 })).toBe('← scroll back for the first columns');
  });
});
