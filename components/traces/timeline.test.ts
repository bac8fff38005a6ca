import { describe, expect, it } from 'vitest';
import { fitTimelineOptions, layoutTimeline, linkPath, type TimelineEventInput } from './timeline';

const T = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
const ev = (ms: number, type: string, queue: string | null, extra: Partial<TimelineEventInput> = {}): TimelineEventInput => ({
  at: T(ms), type, messageId: 'm1', exchange: 'orders', queue, attempt: null, detail: null, ...extra,
});

/** A message that fails twice on `work` (maxDeliveries 2), dies, and is replayed by an operator. */
const retriedAndDead = {
  messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: ['work'], replayOf: null }],
  events: [
    ev(0, 'published', null, { detail: { routingKey: 'order.created' } }),
    ev(0, 'routed', null, { detail: { queues: ['work'] } }),
    ev(10, 'delivered', 'work', { attempt: 1 }),
    ev(20, 'nacked', 'work', { attempt: 1, detail: { error: 'SMTP timeout' } }),
    ev(20, 'retry_scheduled', 'work', { attempt: 1, detail: { delayMs: 500 } }),
    ev(530, 'delivered', 'work', { attempt: 2 }),
    ev(540, 'nacked', 'work', { attempt: 2, detail: { error: 'SMTP timeout' } }),
    ev(540, 'dead_lettered', 'work', { attempt: 2, detail: { reason: 'max_deliveries', lastError: 'SMTP timeout', to: ['work.dlq'] } }),
    ev(60_000, 'replayed', 'work.dlq', { detail: { to: ['work'], newMessageId: null } }),
    ev(60_100, 'delivered', 'work', { attempt: 1 }),
    ev(60_110, 'acked', 'work', { attempt: 1 }),
  ],
};

describe('layoutTimeline', () => {
  const t = layoutTimeline(retriedAndDead);
  const item = (type: string, n = 0) => t.items.filter((i) => i.type === type)[n]!;

  it('gives every exchange and queue its own lane, in order of appearance', () => {
    expect(t.lanes.map((l) => l.label)).toEqual(['exchange orders', 'queue work', 'queue work.dlq']);
    expect(t.lanes.map((l) => l.y)).toEqual([36, 108, 180]);
  });

  it('places each event in its lane, one column per step, with errors toned and noted', () => {
    expect(item('published').lane).toBe('exchange:orders');
    expect(item('nacked').lane).toBe('queue:work');
    expect(item('nacked')).toMatchObject({ tone: 'error', label: 'nacked #1', note: 'SMTP timeout' });
    expect(item('retry_scheduled')).toMatchObject({ tone: 'warn', note: 'in 500 ms' });
    expect(item('dead_lettered')).toMatchObject({ tone: 'error', note: 'max deliveries: SMTP timeout' });
    const columns = t.items.map((i) => i.column);
    expect(columns).toEqual([...columns].sort((a, b) => a - b));
    expect(t.errors).toBe(3);
  });

  it('gives a queue the message waits in (routed there, no event yet) its lane, with a waiting step linked from the routing', () => {
    const fanned = layoutTimeline({
      messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: ['inventory', 'shipping', 'notification'], replayOf: null }],
      events: [
        ev(0, 'published', null, { node: 'node-a' }),
        ev(0, 'routed', null, { node: 'node-a', detail: { queues: ['inventory', 'shipping', 'notification'] } }),
        ev(10, 'delivered', 'inventory', { node: 'node-b', attempt: 1 }),
        ev(12, 'acked', 'inventory', { node: 'node-b', attempt: 1 }),
      ],
    });
    // Each step keeps the node that took it; a waiting step was taken by none.
    expect(fanned.items.map((i) => [i.type, i.node])).toEqual([
      ['published', 'node-a'],
      ['routed', 'node-a'],
      ['delivered', 'node-b'],
      ['acked', 'node-b'],
      ['waiting', null],
      ['waiting', null],
    ]);
    expect(fanned.lanes.map((l) => l.label)).toEqual(['exchange orders', 'queue inventory', 'queue shipping', 'queue notification']);
    const waiting = fanned.items.filter((i) => i.type === 'waiting');
    expect(waiting.map((w) => [w.lane, w.label, w.note])).toEqual([
      ['queue:shipping', 'waiting', 'not delivered yet'],
      ['queue:notification', 'waiting', 'not delivered yet'],
    ]);
    const last = Math.max(...fanned.items.filter((i) => i.type !== 'waiting').map((i) => i.column));
    expect(waiting.map((w) => w.column)).toEqual([last + 1, last + 1]);
    const routed = fanned.items.find((i) => i.type === 'routed')!;
    expect(fanned.links.filter((l) => l.from === routed.key).map((l) => fanned.items.find((i) => i.key === l.to)!.lane)).toEqual([
      'queue:inventory',
      'queue:shipping',
      'queue:notification',
    ]);
    // A finished story has no waiting step.
    expect(t.items.some((i) => i.type === 'waiting')).toBe(false);
  });

  it('names a released lease and says why, as a warning', () => {
    const released = layoutTimeline({
      messages: retriedAndDead.messages,
      events: [ev(0, 'published', null), ev(5, 'delivered', 'work', { attempt: 1 }), ev(6, 'released', 'work', { attempt: 1 })],
    });
    expect(released.items.find((i) => i.type === 'released')).toMatchObject({
      lane: 'queue:work',
      tone: 'warn',
      label: 'released #1',
      note: 'the receiver went away before the delivery reached it',
    });
  });

  it('says a request gave up, and that a reply after that came late and reached nobody', () => {
    const messages = [{ id: 'm1', exchange: 'orders', replyTo: 'amq.reply.n1', routedTo: ['work'], replayOf: null }];
    const rpc = layoutTimeline({
      messages,
      events: [
        ev(0, 'published', null),
        ev(300, 'reply_timeout', 'amq.reply.n1', { detail: { timeoutMs: 300 } }),
        ev(900, 'replied', 'amq.reply.n1', { detail: { replyId: 'r1', late: true } }),
      ],
    });
    const of = (type: string) => rpc.items.find((i) => i.type === type)!;
    expect(of('reply_timeout')).toMatchObject({ tone: 'error', label: 'reply timeout', note: 'no reply within 300 ms' });
    expect(of('replied')).toMatchObject({ tone: 'warn', label: 'reply sent (late)' });
    const inTime = layoutTimeline({ messages, events: [ev(0, 'published', null), ev(5, 'replied', 'amq.reply.n1', { detail: { replyId: 'r1' } })] });
    expect(inTime.items.find((i) => i.type === 'replied')).toMatchObject({ tone: 'ok', label: 'reply sent', note: null });
  });

  it("says a second reply to a gateway request reached nobody, and numbers one to the caller's own queue", () => {
    const events = (queue: string) => [
      ev(0, 'published', null),
      ev(5, 'replied', queue, { detail: { replyId: 'r1' } }),
      ev(9, 'replied', queue, { detail: { replyId: 'r2', nth: 2 } }),
    ];
    const gateway = layoutTimeline({ messages: [{ id: 'm1', exchange: 'orders', replyTo: 'amq.reply.n1', routedTo: ['work'], replayOf: null }], events: events('amq.reply.n1') });
    expect(gateway.items.filter((i) => i.type === 'replied').map((i) => [i.tone, i.label, i.note])).toEqual([
      ['ok', 'reply sent', null],
      ['warn', 'reply sent (#2)', 'the request had its answer already: this reply reached nobody'],
    ]);
    const own = layoutTimeline({ messages: [{ id: 'm1', exchange: 'orders', replyTo: 'answers', routedTo: ['work'], replayOf: null }], events: events('answers') });
    expect(own.items.filter((i) => i.type === 'replied').map((i) => [i.tone, i.label, i.note])).toEqual([
      ['ok', 'reply sent', null],
      ['ok', 'reply sent (#2)', null],
    ]);
  });

  it('shows the dead letter arriving in the DLQ beside its cause, and links them', () => {
    const arrivals = t.items.filter((i) => i.type === 'arrived');
    expect(arrivals.map((a) => a.lane)).toEqual(['queue:work.dlq', 'queue:work']);
    expect(arrivals[0]!.column).toBe(item('dead_lettered').column);
    expect(t.links).toContainEqual(expect.objectContaining({ from: item('dead_lettered').key, to: arrivals[0]!.key, kind: 'dead_letter' }));
    expect(t.links).toContainEqual(expect.objectContaining({ from: item('replayed').key, to: arrivals[1]!.key, kind: 'replay' }));
    // the delivery after the replay continues from the arrival
    expect(t.links).toContainEqual(expect.objectContaining({ from: arrivals[1]!.key, to: item('delivered', 2).key, kind: 'replay' }));
  });

  it('links routing to the first delivery', () => {
    expect(t.links).toContainEqual(expect.objectContaining({ from: item('routed').key, to: item('delivered').key, kind: 'route' }));
  });

  it('measures offsets from the first event and sizes the drawing', () => {
    expect(item('acked').offsetMs).toBe(60_110);
    expect(t.durationMs).toBe(60_110);
    expect(t.width).toBe(200 + 11 * 112); // 11 events; the two arrivals share their cause's column
    expect(t.height).toBe(3 * 72);
  });

  it('links a request to its reply', () => {
    const rr = layoutTimeline({
      messages: [
        { id: 'req', exchange: 'rpc', replyTo: 'reply.q', routedTo: ['svc'], replayOf: null },
        { id: 'rep', exchange: 'amq.default', replyTo: null, routedTo: ['reply.q'], replayOf: null },
      ],
      events: [
        { at: T(0), type: 'published', messageId: 'req', exchange: 'rpc', queue: null, attempt: null, detail: null },
        { at: T(5), type: 'published', messageId: 'rep', exchange: 'amq.default', queue: null, attempt: null, detail: null },
        { at: T(5), type: 'replied', messageId: 'req', exchange: 'rpc', queue: 'reply.q', attempt: null, detail: { replyId: 'rep' } },
      ],
    });
    expect(rr.lanes.map((l) => l.label)).toEqual(['exchange rpc', 'exchange amq.default', 'queue reply.q']);
    const replied = rr.items.find((i) => i.type === 'replied')!;
    expect(rr.links.filter((l) => l.kind === 'reply').map((l) => l.to)).toEqual([replied.key, replied.key]);
  });

  it('staggers the labels of neighbouring steps in a lane instead of running them together', () => {
    const fitted = layoutTimeline(retriedAndDead, fitTimelineOptions(12, 1150));
    const nacked = fitted.items.find((i) => i.type === 'nacked')!;
    const retry = fitted.items.find((i) => i.type === 'retry_scheduled')!;
    expect(retry.column).toBe(nacked.column + 1);
    expect(nacked.labelRow).not.toBe(retry.labelRow);
    expect([nacked.labelText, retry.labelText]).toEqual(['nacked #1', 'retry scheduled']);
    // The full note stays on the item for the tooltip and the table, whatever is drawn.
    expect(fitted.items.find((i) => i.type === 'dead_lettered')!.note).toBe('max deliveries: SMTP timeout');
  });

  it('is wide enough for the texts of the last column', () => {
    const long = layoutTimeline({
      messages: retriedAndDead.messages,
      events: [ev(0, 'published', null), ev(1, 'dead_lettered', 'work', { detail: { reason: 'max_deliveries', lastError: 'a very long error text', to: [] } })],
    });
    const last = long.items[long.items.length - 1]!;
    expect(long.width).toBeGreaterThanOrEqual(last.x + (last.noteText!.length * 6.3) / 2);
  });

  it('is empty for no events', () => {
    expect(layoutTimeline({ messages: [], events: [] })).toMatchObject({ lanes: [], items: [], width: 200, height: 0, startedAt: null });
  });
});

describe('linkPath', () => {
  it('draws straight within a lane and curves between lanes', () => {
    expect(linkPath({ x: 0, y: 10 }, { x: 50, y: 10 })).toBe('M 0 10 L 50 10');
    expect(linkPath({ x: 0, y: 10 }, { x: 100, y: 50 })).toBe('M 0 10 C 50 10, 50 50, 100 50');
  });
});

describe('fitTimelineOptions', () => {
  it('narrows columns to fit, within bounds', () => {
    expect(fitTimelineOptions(10, 1150).columnWidth).toBe(100);
    expect(fitTimelineOptions(3, 1150).columnWidth).toBe(112);
    expect(fitTimelineOptions(40, 1150).columnWidth).toBe(92);
    expect(fitTimelineOptions(0, 1150).columnWidth).toBe(112);
  });
});
