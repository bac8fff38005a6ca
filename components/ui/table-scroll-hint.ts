export interface ScrollPosition {
  scrollLeft: number;
  clientWidth: number;
  scrollWidth: number;
}

/** Pixels of slack: sub-pixel widths and a border must not make a fitting table "scroll". */
const SLACK = 2;

/**
 * The cue over a table that scrolls sideways inside its box, or null when the whole table shows.
 * It points the way there is more to see: right at first, back left once at the right end.
 */
export function scrollHint(p: ScrollPosition): string | null {
  if (p.scrollWidth - p.clientWidth <= SLACK) return null;
  const atEnd = p.scrollLeft + p.clientWidth >= p.scrollWidth - SLACK;
  return atEnd ? '← scroll back for the first columns' : 'more columns: scroll sideways →';
}
