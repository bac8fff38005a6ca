import { describe, expect, it, vi } from 'vitest';
import { withinMs } from './time-limit';

const never = new Promise<never>(() => {});

describe('withinMs', () => {
  it('answers with the work when it settles first, and clears its timer', async () => {
    const onLate = vi.fn(() => 'late');
    expect(await withinMs(Promise.resolve('done'), 20, onLate)).toBe('done');
    await new Promise((r) => setTimeout(r, 40));
    expect(onLate).not.toHaveBeenCalled();
  });

  it("passes the work's failure on", async () => {
    await expect(withinMs(Promise.reject(new Error('boom')), 1000, () => 'late')).rejects.toThrow('boom');
  });

  it('answers with what onLate returns when the time runs out', async () => {
    expect(await withinMs(never, 5, () => 'late')).toBe('late');
  });

  it('rejects with what onLate throws', async () => {
    await expect(
      withinMs(never, 5, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });

  it('leaves a late failure of the work unreported (no unhandled rejection)', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const work = new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 20));
      expect(await withinMs(work, 1, () => 'late')).toBe('late');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
