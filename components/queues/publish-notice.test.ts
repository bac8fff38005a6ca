import { describe, expect, it } from 'vitest';
import { publishNoticeHolds } from './publish-notice';

describe('publishNoticeHolds', () => {
  it('keeps the "Published …" notice while the queue has not been purged since the publish was sent', () => {
    expect(publishNoticeHolds(0, 0)).toBe(true);
    // Purged before this publish: the message went into the emptied queue, and is there.
    expect(publishNoticeHolds(2, 2)).toBe(true);
  });

  it('drops it once a purge succeeded after the publish was sent: the message it names is gone', () => {
    expect(publishNoticeHolds(0, 1)).toBe(false);
    expect(publishNoticeHolds(2, 3)).toBe(false);
  });
});
