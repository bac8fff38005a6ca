import { LABEL_CHAR_PX, NOTE_CHAR_PX, textWidth } from './timeline-labels';

/**
 * A step's label sits just above its dot (row 0), so an arrow that comes down onto the dot ends
 * on the label ("repl▼sent"). Such a label moves out of the arrow's way: below the dot when the
 * step has no note there and its lane neighbours' notes leave room, else up to row 1 when that
 * row is free; the link then passes under the label's halo and the head is clear of it.
 */

export interface LiftInput {
  key: string;
  lane: string;
  x: number;
  labelText: string;
  labelRow: 0 | 1;
  noteText: string | null;
  noteRow: 0 | 1;
}

/** Where a label is drawn: row 0 or 1 above the dot, or under it (where a note would go). */
export type LabelPlace = 0 | 1 | 'below';

const GAP = 8;

/** The place of each label, after moving those that `arrivals` come down onto. */
export function liftLabels(items: readonly LiftInput[], arrivals: ReadonlySet<string>): Map<string, LabelPlace> {
  const places = new Map<string, LabelPlace>(items.map((i) => [i.key, i.labelRow]));
  const half = (text: string, px: number) => textWidth(text, px) / 2;
  const apart = (a: LiftInput, aHalf: number, b: LiftInput, bHalf: number) => Math.abs(a.x - b.x) >= aHalf + bHalf + GAP;
  for (const item of items) {
    if (!arrivals.has(item.key) || item.labelRow !== 0) continue;
    const own = half(item.labelText, LABEL_CHAR_PX);
    const neighbours = items.filter((o) => o !== item && o.lane === item.lane);
    const belowFree =
      item.noteText === null &&
      neighbours.every((o) => (o.noteText === null || o.noteRow !== 0 || apart(o, half(o.noteText, NOTE_CHAR_PX), item, own)) && (places.get(o.key) !== 'below' || apart(o, half(o.labelText, LABEL_CHAR_PX), item, own)));
    if (belowFree) {
      places.set(item.key, 'below');
      continue;
    }
    if (neighbours.every((o) => places.get(o.key) !== 1 || apart(o, half(o.labelText, LABEL_CHAR_PX), item, own))) places.set(item.key, 1);
  }
  return places;
}

/** The label's baseline, relative to its dot's centre. */
export const labelY = (place: LabelPlace | undefined) => (place === 'below' ? 24 : place === 1 ? -26 : -14);
