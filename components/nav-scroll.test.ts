import { describe, expect, it } from 'vitest';
import { centeredScrollLeft } from './nav-scroll';

describe('the section row on a phone shows the current section', () => {
  const row = { clientWidth: 350, scrollWidth: 1000 };

  it('stays at the start for a first item and when the row fits', () => {
    expect(centeredScrollLeft({ ...row, itemLeft: 0, itemWidth: 80 })).toBe(0);
    expect(centeredScrollLeft({ itemLeft: 200, itemWidth: 80, clientWidth: 350, scrollWidth: 340 })).toBe(0);
  });

  it('centres an item in the middle of the row', () => {
    // Its centre (500) minus half the visible width (175).
    expect(centeredScrollLeft({ ...row, itemLeft: 460, itemWidth: 80 })).toBe(325);
  });

  it('stops at the end for the last item instead of scrolling past it', () => {
    expect(centeredScrollLeft({ ...row, itemLeft: 930, itemWidth: 70 })).toBe(650);
  });
});
