import { describe, expect, it } from 'vitest';
import { LIVE_MS, liveUntilNotFound } from './live';

const q = (error: unknown) => ({ state: { error } });

describe('liveUntilNotFound', () => {
  it('polls every LIVE_MS while the thing exists or the error may pass', () => {
    expect(liveUntilNotFound(q(null))).toBe(LIVE_MS);
    expect(liveUntilNotFound(q(new Error('fetch failed')))).toBe(LIVE_MS);
    expect(liveUntilNotFound(q({ data: { code: 'INTERNAL_SERVER_ERROR' } }))).toBe(LIVE_MS);
  });

  it('stops once the server said NOT_FOUND', () => {
    expect(liveUntilNotFound(q({ message: 'no queue', data: { code: 'NOT_FOUND', httpStatus: 404 } }))).toBe(false);
  });
});
