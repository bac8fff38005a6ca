import { describe, expect, it } from 'vitest';
import { HEAD_LENGTH, arrowTo, comesFromAbove, pointAt, segmentsOf } from './timeline-arrows';
import { labelY, liftLabels } from './timeline-lift';
import { corridorRoute, sCurve, type LinkRoute } from './timeline-links';

const distance = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
const end = (r: LinkRoute) => r.segments[r.segments.length - 1]!.to;

describe('arrowTo', () => {
  it('puts the tip on the dot’s edge and ends the line at the head’s base, on a straight link', () => {
    const a = arrowTo({ from: { x: 0, y: 0 }, segments: [{ to: { x: 100, y: 0 } }] }, 8);
    expect(a.tip.x).toBeCloseTo(91, 1);
    expect(a.tip.y).toBeCloseTo(0, 5);
    expect(a.path).toBe(`M 0 0 L ${91 - HEAD_LENGTH} 0`);
    expect(end(a.route).x).toBeCloseTo(91 - HEAD_LENGTH, 1);
    expect(a.head.split(' ')).toHaveLength(3);
  });

  it('follows an S-curve: the tip is the radius and a pixel from the centre, pointing along the curve', () => {
    const to = { x: 300, y: 144 };
    const a = arrowTo(sCurve({ x: 100, y: 0 }, to), 6);
    expect(distance(a.tip, to)).toBeCloseTo(7, 0);
    // An S-curve arrives level.
    expect(a.direction.x).toBeGreaterThan(0.9);
    expect(comesFromAbove(a)).toBe(false);
    // The cut path keeps the same start and stays on the original curve.
    const segs = segmentsOf(a.route);
    expect(segs[0]!.from).toEqual({ x: 100, y: 0 });
    expect(distance(pointAt(segs[segs.length - 1]!, 1), to)).toBeGreaterThan(7 + HEAD_LENGTH - 1);
  });

  it('sees a corridor route that comes down a column onto the dot as coming from above', () => {
    const grid = { columnWidth: 112, laneHeight: 72, gutter: 200, columns: 6, lanes: 4 };
    const from = { x: 256, y: 36 };
    const to = { x: 480, y: 180 };
    // A dot on the lane centre line in between forces a turn down the target's column.
    const route = corridorRoute(from, to, [{ x: 368, y: 180, r: 8 }, { x: 424, y: 180, r: 8 }], grid);
    expect(route).not.toBeNull();
    const a = arrowTo(route!, 8);
    expect(distance(a.tip, to)).toBeCloseTo(9, 0);
    expect(Math.abs(a.direction.x) + Math.abs(a.direction.y)).toBeGreaterThan(0.99);
  });

  const step = (key: string, lane: string, x: number, labelText: string, noteText: string | null = null, labelRow: 0 | 1 = 0) => ({ key, lane, x, labelText, labelRow, noteText, noteRow: 0 as const });

  it('moves a label that an arrow comes down onto under its dot when nothing is written there', () => {
    const items = [step('a', 'q', 100, 'published', 'amq.reply.vm:3921'), step('b', 'q', 212, 'reply sent'), step('c', 'r', 212, 'delivered #1')];
    const places = liftLabels(items, new Set(['b']));
    expect(places.get('b')).toBe('below');
    expect(places.get('a')).toBe(0);
    expect(places.get('c')).toBe(0);
    expect(labelY('below')).toBeGreaterThan(8);
  });

  it('moves it up a row instead when its own note or a neighbour’s is below, and leaves it when both are taken', () => {
    const noted = [step('b', 'q', 212, 'reply sent', 'late'), step('a', 'q', 100, 'published')];
    expect(liftLabels(noted, new Set(['b'])).get('b')).toBe(1);
    const wideNeighbour = [step('a', 'q', 150, 'published', 'a long routing key here'), step('b', 'q', 212, 'reply sent')];
    expect(liftLabels(wideNeighbour, new Set(['b'])).get('b')).toBe(1);
    const crowded = [step('b', 'q', 212, 'reply sent', 'late'), step('d', 'q', 250, 'acked #1', null, 1)];
    expect(liftLabels(crowded, new Set(['b'])).get('b')).toBe(0);
  });
});
