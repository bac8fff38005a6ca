import { describe, expect, it } from 'vitest';
import { purgeSummary } from './purge-summary';

describe('purgeSummary', () => {
  it('counts in-flight and delayed messages with the ready ones: a purge deletes them all', () => {
    const s = purgeSummary({ ready: 2, inFlight: 1, delayed: 0 });
    expect(s.count).toBe(3);
    expect(s.parts).toBe('2 ready and 1 in flight');
    expect(purgeSummary({ ready: 2, inFlight: 1, delayed: 4 }).count).toBe(7);
    expect(purgeSummary({ ready: 2, inFlight: 1, delayed: 4 }).parts).toBe('2 ready, 1 in flight and 4 delayed');
  });

  it('warns that acks of in-flight messages come back stale, in the right number', () => {
    expect(purgeSummary({ ready: 2, inFlight: 1, delayed: 0 }).inFlightWarning).toBe(
      'The message in flight is deleted too: whoever received it gets its ack back as stale (its lease outlives the receive, so the queue may show 0 consumers).',
    );
    expect(purgeSummary({ ready: 0, inFlight: 1200, delayed: 0 }).inFlightWarning).toBe(
      'The 1,200 messages in flight are deleted too: whoever received them gets their acks back as stale (a lease outlives the receive, so the queue may show 0 consumers).',
    );
  });

  it('says nothing about in-flight messages when there are none, and leaves out zero parts', () => {
    const s = purgeSummary({ ready: 3, inFlight: 0, delayed: 0 });
    expect(s).toEqual({ count: 3, parts: '3 ready', inFlightWarning: null });
    expect(purgeSummary({ ready: 0, inFlight: 0, delayed: 0 })).toEqual({ count: 0, parts: '', inFlightWarning: null });
  });
});
