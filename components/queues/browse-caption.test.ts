import { describe, expect, it } from 'vitest';
import { browseCaption } from './browse-caption';

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
