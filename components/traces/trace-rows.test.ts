import { describe, expect, it } from 'vitest';
import { layoutTimeline, type TimelineEventInput } from './timeline';
import { messageNotes, traceRows } from './trace-rows';

const T = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
const ev = (ms: number, type: string, queue: string | null, extra: Partial<TimelineEventInput> = {}): TimelineEventInput => ({
  at: T(ms), type, messageId: 'm1', exchange: 'orders', queue, attempt: null, detail: null, ...extra,
});

describe('traceRows', () => {
  it('lists one row per event, as many as the trace has, and the waiting queues apart, after them', () => {
    const trace = {
      messages: [{ id: 'm1', exchange: 'orders', replyTo: null, routedTo: ['work', 'audit'], replayOf: null }],
      events: [
        ev(0, 'published', null),
        ev(0, 'routed', null, { detail: { queues: ['work', 'audit'] } }),
        ev(5, 'delivered', 'work', { attempt: 1 }),
        ev(9, 'nacked', 'work', { attempt: 1 }),
        ev(9, 'dead_lettered', 'work', { attempt: 1, detail: { reason: 'rejected', to: ['work.dlq'] } }),
      ],
    };
    const { events, waiting } = traceRows(layoutTimeline(trace).items);
    expect(events).toHaveLength(trace.events.length);
    expect(events.map((i) => i.type)).toEqual(['published', 'routed', 'delivered', 'nacked', 'dead_lettered']);
    expect(waiting.map((i) => [i.type, i.lane])).toEqual([['waiting', 'queue:audit']]);
  });

  it('has no waiting rows when every queue has seen the message', () => {
    expect(traceRows([{ type: 'published' }, { type: 'arrived' }]).waiting).toEqual([]);
  });
});

describe('messageNotes', () => {
  it('gives a replayed request both its notes, as separate items in order', () => {
    expect(messageNotes({ replayOf: '0190-aaaa-8fd46ee2', replyTo: 'my-replies' })).toEqual([
      { kind: 'replay_of', id: '0190-aaaa-8fd46ee2' },
      { kind: 'reply_to', queue: 'my-replies' },
    ]);
  });

  it('gives one note or none when the message has one or none', () => {
    expect(messageNotes({ replyTo: 'amq.reply.n1' })).toEqual([{ kind: 'reply_to', queue: 'amq.reply.n1' }]);
    expect(messageNotes({ replayOf: null, replyTo: null })).toEqual([]);
  });
});
