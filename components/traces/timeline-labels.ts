/**
 * Where a timeline step's label and note go so neighbours in a lane do not run into each other
 * ("nacked #1retry scheduled"): each text takes the first of two rows where it clears the text
 * before it; when neither row is clear it is shortened to the room left (the full text stays in
 * the step's tooltip and in the events table). Widths are estimates from the font sizes the
 * timeline draws with (globals.css: labels 12px bold, notes 11px).
 */

export const LABEL_CHAR_PX = 7.2;
export const NOTE_CHAR_PX = 6.3;
/** Space kept between two texts on a row. */
const GAP = 8;

export interface PlacedText {
  /** The text as drawn: the original, or shortened with an ellipsis. */
  text: string;
  /** 0: next to the dot; 1: one line further out. */
  row: 0 | 1;
  /** Estimated drawn width in px. */
  width: number;
}

export interface LabelInput {
  key: string;
  lane: string;
  x: number;
  text: string;
}

export const textWidth = (text: string, charPx: number) => Math.ceil(text.length * charPx);

/** Shortens `text` to fit `maxPx`, with an ellipsis; never below `minChars` characters. */
export function shorten(text: string, maxPx: number, charPx: number, minChars = 4): string {
  const fits = Math.max(minChars, Math.floor(maxPx / charPx));
  return text.length <= fits ? text : `${text.slice(0, Math.max(1, fits - 1))}…`;
}

/**
 * Places texts centred on their step's x, lane by lane, left to right. `maxPx` caps any one text
 * (a long error note is shortened even when it has room) and `minPx` is the least a shortened
 * text keeps.
 */
export function placeTexts(items: readonly LabelInput[], charPx: number, o: { maxPx: number; minPx: number }): Map<string, PlacedText> {
  const placed = new Map<string, PlacedText>();
  const byLane = new Map<string, LabelInput[]>();
  for (const i of items) byLane.set(i.lane, [...(byLane.get(i.lane) ?? []), i]);
  for (const laneItems of byLane.values()) {
    const rightEdge: [number, number] = [-Infinity, -Infinity];
    for (const item of [...laneItems].sort((a, b) => a.x - b.x)) {
      let text = shorten(item.text, o.maxPx, charPx);
      const clears = (row: 0 | 1) => item.x - textWidth(text, charPx) / 2 >= rightEdge[row] + GAP;
      let row: 0 | 1;
      if (clears(0)) row = 0;
      else if (clears(1)) row = 1;
      else {
        // Neither row is clear: take the roomier one and shorten to the room it has.
        row = rightEdge[0] <= rightEdge[1] ? 0 : 1;
        const room = 2 * (item.x - rightEdge[row] - GAP);
        text = shorten(text, Math.max(o.minPx, room), charPx);
      }
      const width = textWidth(text, charPx);
      rightEdge[row] = item.x + width / 2;
      placed.set(item.key, { text, row, width });
    }
  }
  return placed;
}
