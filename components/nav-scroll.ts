/** Where a row that scrolls sideways must stand to show one item of it. */
export interface RowGeometry {
  /** The item's left edge and width, in the row's scrolled content (offsetLeft, offsetWidth). */
  itemLeft: number;
  itemWidth: number;
  /** The row's visible width and its whole content's width. */
  clientWidth: number;
  scrollWidth: number;
}

/**
 * The row's scrollLeft that brings the item to the middle, as far as the row's ends allow: on a
 * phone the sections are one sideways row, and the section you are in must show (Audit, the last,
 * was otherwise off screen on its own page). 0 when the whole row fits.
 */
export function centeredScrollLeft(g: RowGeometry): number {
  const max = Math.max(0, g.scrollWidth - g.clientWidth);
  const centered = g.itemLeft + g.itemWidth / 2 - g.clientWidth / 2;
  return Math.round(Math.min(max, Math.max(0, centered)));
}
