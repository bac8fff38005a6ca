import { describe, expect, it } from 'vitest';
import { LABEL_CHAR_PX, placeTexts, shorten, textWidth } from './timeline-labels';

const room = { maxPx: 2 * 92 - 8, minPx: 92 - 8 };
const at = (key: string, column: number, text: string, lane = 'queue:payments') => ({ key, lane, x: 150 + column * 92 + 46, text });

/** Do two placed texts on the same row overlap? */
function overlaps(a: { x: number; width: number }, b: { x: number; width: number }) {
  return Math.abs(a.x - b.x) < (a.width + b.width) / 2;
}

describe('placeTexts', () => {
  it('puts neighbours that would collide ("nacked #1retry scheduled") on different rows, in full', () => {
    const items = [at('a', 0, 'delivered #1'), at('b', 1, 'nacked #1'), at('c', 2, 'retry scheduled')];
    const placed = placeTexts(items, LABEL_CHAR_PX, room);
    expect([...placed.values()].map((p) => p.text)).toEqual(['delivered #1', 'nacked #1', 'retry scheduled']);
    expect(placed.get('b')!.row).not.toBe(placed.get('c')!.row);
    for (const [i, a] of items.entries()) {
      for (const b of items.slice(i + 1)) {
        const pa = placed.get(a.key)!;
        const pb = placed.get(b.key)!;
        if (pa.row === pb.row) expect(overlaps({ x: a.x, width: pa.width }, { x: b.x, width: pb.width })).toBe(false);
      }
    }
  });

  it('keeps short, well-spaced texts on the first row', () => {
    const placed = placeTexts([at('a', 0, 'acked'), at('b', 2, 'acked')], LABEL_CHAR_PX, room);
    expect([...placed.values()].map((p) => p.row)).toEqual([0, 0]);
  });

  it('lanes do not affect each other', () => {
    const placed = placeTexts([at('a', 0, 'retry scheduled', 'queue:a'), at('b', 1, 'retry scheduled', 'queue:b')], LABEL_CHAR_PX, room);
    expect(placed.get('a')!.row).toBe(0);
    expect(placed.get('b')!.row).toBe(0);
  });

  it('shortens only when both rows are taken, and never leaves overlapping texts on a row', () => {
    const notes = [0, 1, 2, 3].map((c) => at(`n${c}`, c, 'cannot decode body: unexpected token'));
    const placed = placeTexts(notes, 6.3, room);
    const texts = [...placed.values()].map((p) => p.text);
    expect(texts.every((t) => t.endsWith('…'))).toBe(true);
    expect(texts.every((t) => t.length >= 4)).toBe(true);
    for (const row of [0, 1]) {
      const onRow = notes.filter((n) => placed.get(n.key)!.row === row);
      for (let i = 1; i < onRow.length; i++) {
        const prev = onRow[i - 1]!;
        const cur = onRow[i]!;
        expect(overlaps({ x: prev.x, width: placed.get(prev.key)!.width }, { x: cur.x, width: placed.get(cur.key)!.width })).toBe(false);
      }
    }
  });
});

describe('shorten', () => {
  it('keeps what fits and ends what does not with an ellipsis', () => {
    expect(shorten('acked #1', 100, 7.2)).toBe('acked #1');
    expect(shorten('max_deliveries: card declined', 72, 7.2)).toBe('max_deliv…');
    expect(textWidth('max_deliv…', 7.2)).toBeLessThanOrEqual(72);
  });
});
