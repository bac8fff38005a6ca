import { describe, expect, it } from 'vitest';
import { boundedReplayTo, rangeReplayOutcome } from './replay-range';

describe('boundedReplayTo', () => {
  const to = '2026-11-30T15:11:00.000Z';
  it('ends the replay where the count was read when the form asks for later (the default "to" is the next minute)', () => {
    expect(boundedReplayTo(to, '2026-11-30T15:10:12.345Z')).toBe('2026-11-30T15:10:12.345Z');
  });
  it('keeps a "to" already before the count was read', () => {
    expect(boundedReplayTo('2026-11-30T14:00:00.000Z', '2026-11-30T15:10:12.345Z')).toBe('2026-11-30T14:00:00.000Z');
    expect(boundedReplayTo(to, to)).toBe(to);
  });
  it('reads readAt with any offset', () => {
    expect(boundedReplayTo(to, '2026-11-30T16:10:12.345+01:00')).toBe('2026-11-30T15:10:12.345Z');
  });
  it('leaves "to" when there is no readable readAt', () => {
    expect(boundedReplayTo(to, undefined)).toBe(to);
    expect(boundedReplayTo(to, 'soon')).toBe(to);
  });
});

describe('rangeReplayOutcome', () => {
  it('says what was replayed', () => {
    expect(rangeReplayOutcome(127, 'rebuild', 127)).toBe('Replayed 127 messages into rebuild.');
    expect(rangeReplayOutcome(1, 'rebuild')).toBe('Replayed 1 message into rebuild.');
  });
  it('says so in words when more moved than confirmed', () => {
    expect(rangeReplayOutcome(149, 'rebuild', 127)).toBe(
      'Replayed 149 messages into rebuild. That is 22 more than the 127 you confirmed: they were committed after the count was read, with a publish time before it.',
    );
  });
  it('says so when fewer moved than confirmed', () => {
    expect(rangeReplayOutcome(126, 'rebuild', 127)).toMatch(/^Replayed 126 messages into rebuild\. That is 1 fewer than the 127 you confirmed: retention dropped it/);
  });
});
