import { describe, expect, it } from 'vitest';
import { browseCaption, showMoreControl } from './browse-caption';

describe('browseCaption', () => {
  it('says the rows are in delivery order, not the oldest', () => {
    const text = browseCaption(25, 130);
    expect(text).toBe(
      'The next 25 of 130 messages, in delivery order (in flight and delayed ones by when they become available again), read without taking them: consumers are not affected.',
    );
    expect(text).not.toMatch(/oldest/i);
  });
  it('counts in the singular and with separators', () => {
    expect(browseCaption(1, 1)).toMatch(/^The next 1 of 1 message, in delivery order/);
    expect(browseCaption(500, 12000)).toMatch(/^The next 500 of 12,000 messages/);
  });
  it('never says fewer in the queue than it shows (the depth is polled apart from the rows)', () => {
    expect(browseCaption(1, 0)).toMatch(/^The next 1 of 1 message,/);
  });
});

describe('showMoreControl', () => {
  it('doubles the rows up to 500', () => {
    expect(showMoreControl({ shown: 25, limit: 25, depth: 1659, loading: false })).toEqual({ kind: 'button', label: 'Show more (up to 50)', next: 50, disabled: false });
    expect(showMoreControl({ shown: 400, limit: 400, depth: 1659, loading: false })).toMatchObject({ label: 'Show more (up to 500)', next: 500 });
    expect(showMoreControl({ shown: 10, limit: 25, depth: 10, loading: false })).toBeNull();
  });

  it('offers no "Show more" at 500, where it would change nothing, and says why', () => {
    expect(showMoreControl({ shown: 500, limit: 500, depth: 1659, loading: false })).toEqual({ kind: 'max', text: 'The browser shows at most the next 500 messages.' });
  });

  it('keeps a disabled button while the next rows load, instead of dropping it', () => {
    expect(showMoreControl({ shown: 25, limit: 50, depth: 1659, loading: true })).toEqual({ kind: 'button', label: 'Loading up to 50…', next: 50, disabled: true });
  });
});
