import { describe, expect, it } from 'vitest';
import { replayOutcome, type ReplayAnswer } from './replay-outcome';

const none = { originMissing: {}, originOtherTier: {}, unroutable: 0, noOrigin: 0, notFound: [], leased: [], busy: [] };
const answer = (r: Partial<ReplayAnswer>): ReplayAnswer => ({ replayed: 0, skipped: none, more: false, ...r });

describe('replayOutcome', () => {
  it('says which of the ids asked for another replay or discard was moving at that moment, and does not count them as gone', () => {
    const r = replayOutcome(answer({ replayed: 1, skipped: { ...none, busy: ['b'] } }), 'orders', 2);
    expect(r.text).toBe(
      'Replayed 1 message: it is back in orders with attempts reset. 1 message was being replayed or discarded by another request at that moment: its result says what became of it.',
    );
  });

  it('says what moved and where', () => {
    expect(replayOutcome(answer({ replayed: 1 }), 'orders')).toEqual({ tone: 'success', text: 'Replayed 1 message: it is back in orders with attempts reset.' });
    expect(replayOutcome(answer({ replayed: 3 })).text).toBe('Replayed 3 messages: they are back in their queues with attempts reset.');
  });

  it('says which dead letters stayed and why', () => {
    const r = answer({ replayed: 2, skipped: { ...none, originMissing: { gone: 2, old: 1 }, originOtherTier: { fast: 1 }, unroutable: 4 } });
    expect(replayOutcome(r).text).toBe(
      'Replayed 2 messages: they are back in their queues with attempts reset. ' +
        "3 messages stayed in the DLQ: their origin queue 'gone', 'old' no longer exist. " +
        "1 message stayed in the DLQ: their origin queue 'fast' is now of the other tier (memory or database). " +
        '4 messages stayed in the DLQ: the exchange routed them to no queue.',
    );
    expect(replayOutcome(answer({ skipped: { ...none, unroutable: 1 } })).tone).toBe('error');
    expect(replayOutcome(answer({ skipped: { ...none, noOrigin: 1 } })).text).toBe(
      '1 message stayed in the DLQ: they have no death record, so no origin queue to go back to (replay them to a queue or an exchange).',
    );
  });

  it('says which of the ids asked for are leased by a receive and which were no longer in the DLQ', () => {
    const r = answer({ replayed: 1, skipped: { ...none, leased: ['a', 'b'], notFound: ['c'] } });
    expect(replayOutcome(r, 'orders').text).toBe(
      'Replayed 1 message: it is back in orders with attempts reset. ' +
        '2 messages stayed in the DLQ: they are leased by a receive (in flight) until acked, nacked or the lease runs out. ' +
        '1 message was no longer in the DLQ: replayed, discarded or acked by a consumer meanwhile.',
    );
    expect(replayOutcome(answer({ skipped: { ...none, leased: ['a'] } }))).toEqual({ tone: 'error', text: '1 message stayed in the DLQ: it is leased by a receive (in flight) until acked, nacked or the lease runs out.' });
    expect(replayOutcome(answer({ skipped: { ...none, notFound: ['a', 'b'] } })).text).toBe(
      '2 messages were no longer in the DLQ: replayed, discarded or acked by a consumer meanwhile.',
    );
  });

  it('asks for another replay when one stopped at its limit', () => {
    expect(replayOutcome(answer({ replayed: 10_000, more: true })).text).toBe(
      'Replayed 10,000 messages: they are back in their queues with attempts reset. More match than one replay moves: replay again for the next ones.',
    );
  });

  it('explains an empty replay', () => {
    expect(replayOutcome(answer({}))).toEqual({
      tone: 'error',
      text: 'Nothing was replayed: the messages may have been replayed or discarded meanwhile, or leased by a receive.',
    });
  });
});

describe('replayOutcome after a confirmed count', () => {
  it('says when more moved than the operator confirmed from the preview', () => {
    expect(replayOutcome(answer({ replayed: 207 }), 'notification', 206).text).toBe(
      'Replayed 207 messages: they are back in notification with attempts reset. That is 1 more than the 206 you confirmed: it matched after the preview.',
    );
    expect(replayOutcome(answer({ replayed: 9 }), undefined, 6).text).toMatch(/ That is 3 more than the 6 you confirmed: they matched after the preview\.$/);
  });

  it('says nothing more when the count is the one confirmed', () => {
    expect(replayOutcome(answer({ replayed: 206 }), 'notification', 206).text).toBe('Replayed 206 messages: they are back in notification with attempts reset.');
    const left = answer({ replayed: 4, skipped: { ...none, originMissing: { gone: 2 } } });
    expect(replayOutcome(left, undefined, 6).text).not.toMatch(/you confirmed/); // the 2 left are counted, not gone
  });

  it('says when some of those confirmed were gone by the time the replay ran', () => {
    expect(replayOutcome(answer({ replayed: 5 }), 'notification', 6).text).toBe(
      'Replayed 5 messages: they are back in notification with attempts reset. ' +
        '1 of the 6 you confirmed was no longer in the DLQ: replayed, discarded or taken by a consumer since the preview.',
    );
    const r = replayOutcome(answer({ replayed: 0, skipped: { ...none, unroutable: 1 } }), undefined, 4);
    expect(r.tone).toBe('error');
    expect(r.text).toMatch(/ 3 of the 4 you confirmed were no longer in the DLQ: replayed, discarded or taken by a consumer since the preview\.$/);
  });

  it('counts a dead letter leased since the preview as taken by a consumer, and one leased before it not at all', () => {
    // 6 confirmed (the preview leaves out what consumers held then); 4 moved; 3 leased now, of which at most 2 were among the 6
    const r = replayOutcome(answer({ replayed: 4, skipped: { ...none, leased: ['a', 'b', 'c'] } }), undefined, 6).text;
    expect(r).toMatch(/3 messages stayed in the DLQ: they are leased by a receive/);
    expect(r).toMatch(/ 2 of the 6 you confirmed were no longer in the DLQ: replayed, discarded or taken by a consumer since the preview\.$/);
  });

  it('does not call the rest gone when one replay stopped at its limit', () => {
    expect(replayOutcome(answer({ replayed: 9_000, more: true }), undefined, 10_000).text).not.toMatch(/no longer/);
  });
});
