import { describe, expect, it } from 'vitest';
import { dotRadius, layoutTimeline, linkRoute, type Timeline, type TimelineEventInput } from './timeline';
import { LINK_MARGIN, clearance, corridorRoute, routeLink, routePath, sCurve, sampleRoute, type LinkRoute, type Obstacle, type RouteGrid } from './timeline-links';

const T = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
const ev = (ms: number, type: string, queue: string | null, extra: Partial<TimelineEventInput> = {}): TimelineEventInput => ({
  at: T(ms), type, messageId: 'm1', exchange: 'orders', queue, attempt: null, detail: null, ...extra,
});

/** For each link between lanes: how close its drawn path comes to a dot other than its own two ends. */
function linkClearances(t: Timeline) {
  const byKey = new Map(t.items.map((i) => [i.key, i]));
  return t.links
    .filter((l) => byKey.get(l.from)!.y !== byKey.get(l.to)!.y)
    .map((l) => {
      const others: Obstacle[] = t.items.filter((i) => i.key !== l.from && i.key !== l.to).map((i) => ({ x: i.x, y: i.y, r: dotRadius(i.type) }));
      return { link: l, drawn: clearance(l.route, others), plain: clearance(linkRoute(byKey.get(l.from)!, byKey.get(l.to)!), others) };
    });
}

/** One message routed to two queues; `a` fails once and is retried before `b` delivers. */
const fanOut = {
  messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: ['a', 'b'], replayOf: null }],
  events: [
    ev(0, 'published', null),
    ev(0, 'routed', null, { detail: { queues: ['a', 'b'] } }),
    ev(10, 'delivered', 'a', { attempt: 1 }),
    ev(20, 'nacked', 'a', { attempt: 1, detail: { error: 'boom' } }),
    ev(30, 'delivered', 'a', { attempt: 2 }),
    ev(40, 'delivered', 'b', { attempt: 1 }),
    ev(50, 'acked', 'a', { attempt: 2 }),
    ev(60, 'acked', 'b', { attempt: 1 }),
  ],
};

describe('the timeline draws links clear of other steps', () => {
  it('routes around a dot the plain S-curve would run straight through', () => {
    const t = layoutTimeline(fanOut);
    const routed = t.items.find((i) => i.type === 'routed')!;
    const deliveredB = t.items.find((i) => i.type === 'delivered' && i.lane === 'queue:b')!;
    const nacked = t.items.find((i) => i.type === 'nacked')!;
    // The curve's middle is column 3 of lane a: the nack's dot.
    expect(nacked.column).toBe((routed.column + deliveredB.column) / 2);
    const link = linkClearances(t).find((c) => c.link.from === routed.key && c.link.to === deliveredB.key)!;
    expect(link.plain).toBeLessThan(0);
    expect(link.drawn).toBeGreaterThanOrEqual(LINK_MARGIN);
    // It still runs from the routing step to the delivery.
    const drawn = link.link.route;
    expect(drawn.from).toEqual({ x: routed.x, y: routed.y });
    expect(drawn.segments.at(-1)!.to).toEqual({ x: deliveredB.x, y: deliveredB.y });
  });

  it('keeps every link between lanes clear of every other dot in a busy trace', () => {
    // One message to four queues, deliveries, failures and dead letters interleaved across them.
    const queues = ['q1', 'q2', 'q3', 'q4'];
    const events: TimelineEventInput[] = [ev(0, 'published', null), ev(1, 'routed', null, { detail: { queues } })];
    let ms = 2;
    for (let round = 1; round <= 3; round++) {
      for (const q of [...queues].reverse()) {
        events.push(ev(ms++, 'delivered', q, { attempt: round }));
        if (round < 3) events.push(ev(ms++, 'nacked', q, { attempt: round, detail: { error: 'later' } }));
      }
    }
    events.push(ev(ms++, 'dead_lettered', 'q2', { attempt: 3, detail: { reason: 'max_deliveries', to: ['q2.dlq'] } }));
    events.push(ev(ms++, 'replayed', 'q2.dlq', { detail: { to: ['q2'] } }));
    events.push(ev(ms++, 'delivered', 'q2', { attempt: 1 }));
    const t = layoutTimeline({ messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: queues, replayOf: null }], events });
    const all = linkClearances(t);
    expect(all.length).toBeGreaterThanOrEqual(6);
    // The plain curves did run through dots here; the drawn ones do not.
    expect(all.some((c) => c.plain < 0)).toBe(true);
    for (const c of all) expect(c.drawn, `${c.link.from} → ${c.link.to}: ${routePath(c.link.route)}`).toBeGreaterThanOrEqual(LINK_MARGIN);
  });

  it('keeps a fan-out clear of the staircase of first deliveries, each queue one column further', () => {
    // The demo's orders: routed to three queues, delivered in turn; the last curve crosses the other two lanes.
    const queues = ['inventory', 'shipping', 'notification'];
    const t = layoutTimeline({
      messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: queues, replayOf: null }],
      events: [ev(0, 'published', null), ev(0, 'routed', null, { detail: { queues } }), ...queues.map((q, i) => ev(10 + i, 'delivered', q, { attempt: 1 }))],
    });
    const all = linkClearances(t);
    expect(all).toHaveLength(3);
    // Plainly drawn, the curve to the last queue grazes the dots of the two before it.
    expect(Math.min(...all.map((c) => c.plain))).toBeLessThan(LINK_MARGIN);
    for (const c of all) expect(c.drawn).toBeGreaterThanOrEqual(LINK_MARGIN);
  });

  it('leaves a curve that was clear as it was', () => {
    const t = layoutTimeline(fanOut);
    const byKey = new Map(t.items.map((i) => [i.key, i]));
    const first = t.links.find((l) => byKey.get(l.to)!.lane === 'queue:a')!;
    expect(first.route).toEqual(linkRoute(byKey.get(first.from)!, byKey.get(first.to)!));
  });
});

describe('routeLink', () => {
  const grid: RouteGrid = { columnWidth: 100, laneHeight: 72, gutter: 0, columns: 8, lanes: 4 };
  const at = (column: number, lane: number) => ({ x: column * 100 + 50, y: lane * 72 + 36 });
  const dot = (column: number, lane: number): Obstacle => ({ ...at(column, lane), r: 8 });

  it('draws the plain S-curve when nothing is in its way, and a lane stays a straight line', () => {
    expect(routeLink(at(0, 0), at(3, 2), [], grid)).toEqual(sCurve(at(0, 0), at(3, 2)));
    expect(routePath(routeLink(at(0, 1), at(4, 1), [dot(2, 1)], grid))).toBe(`M 50 108 L 450 108`);
  });

  it('turns in another gap between columns when the middle is taken', () => {
    const blocker = dot(2, 1); // the middle of (0, 0) → (4, 2)
    expect(clearance(sCurve(at(0, 0), at(4, 2)), [blocker])).toBeLessThan(0);
    const r = routeLink(at(0, 0), at(4, 2), [blocker], grid);
    expect(r.segments).toHaveLength(1);
    expect(clearance(r, [blocker])).toBeGreaterThanOrEqual(LINK_MARGIN);
  });

  it('bows a link within one column to the side that is clear', () => {
    // A dead letter reaching two queues in one column: the far arrival's curve passes the near one.
    const near: Obstacle = { ...at(3, 1), r: 6 };
    const sideways = { ...at(3, 1), x: at(3, 1).x + 20, r: 8 }; // something drawn just right of it
    expect(clearance(sCurve(at(3, 0), at(3, 2)), [near, sideways])).toBeLessThan(0);
    const r = routeLink(at(3, 0), at(3, 2), [near, sideways], grid);
    expect(clearance(r, [near, sideways])).toBeGreaterThanOrEqual(LINK_MARGIN);
  });

  it('follows the corridors between lanes and columns when no S-curve is clear', () => {
    // Narrow columns, and steps in every column the curve would pass, in all four lanes.
    const narrow: RouteGrid = { ...grid, columnWidth: 40 };
    const pt = (column: number, lane: number) => ({ x: column * 40 + 20, y: lane * 72 + 36 });
    const crowd = [1, 2, 3].flatMap((c) => [0, 1, 2, 3].map((lane) => ({ ...pt(c, lane), r: 8 })));
    for (let x = pt(0, 0).x; x <= pt(4, 3).x; x += 5) expect(clearance(sCurve(pt(0, 0), pt(4, 3), x), crowd)).toBeLessThan(LINK_MARGIN);
    const r = routeLink(pt(0, 0), pt(4, 3), crowd, narrow);
    expect(clearance(r, crowd)).toBeGreaterThanOrEqual(LINK_MARGIN);
    const points = sampleRoute(r);
    expect(points[0]).toEqual(pt(0, 0));
    expect(points.at(-1)).toEqual(pt(4, 3));
    // Inside the drawing, and across the lanes only in the gap between columns 0 and 1 (x = 40), where no step is.
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(4 * 72);
    }
    expect(points.filter((p) => p.y > 80 && p.y < 190).every((p) => p.x === 40)).toBe(true);
  });

  it('finds a corridor route between any two steps, keeping half a lane or half a column from every dot', () => {
    const dots = [dot(1, 0), dot(1, 1), dot(1, 2), dot(2, 1), dot(3, 1), dot(3, 2)];
    const r = corridorRoute(at(0, 1), at(4, 1), dots, grid)!;
    expect(clearance(r, dots)).toBeGreaterThanOrEqual(36 - 8 - 16 * (1 - Math.SQRT1_2) - 1);
  });
});
